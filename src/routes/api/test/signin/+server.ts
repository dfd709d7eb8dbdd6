import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { env } from '$env/dynamic/private';
import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { insertSession, issueSessionCookie } from '$lib/server/auth/session';
import { jsonError, privateJson, readBody } from '$lib/server/http';

/**
 * End-to-end tests only: sign in as an existing person by email, so a test can act as the
 * seeded admin or organizer (who have no passkey on the test browser). It exists only when the
 * server runs with GATHER_TEST_SIGNIN=on (playwright.config.ts sets it); otherwise it is a 404
 * like any unknown path.
 */
export const POST: RequestHandler = async ({ request, cookies }) => {
	if (env.GATHER_TEST_SIGNIN !== 'on') return jsonError(404, 'not_found', 'Not found');
	const { email } = await readBody(request, z.object({ email: z.email() }));
	const db = await openDatabase();
	const [person] = await db
		.select({ id: people.id })
		.from(people)
		.where(eq(people.email, email.toLowerCase()));
	if (!person) return jsonError(404, 'not_found', 'No person with this email');
	issueSessionCookie(cookies, await insertSession(db, person.id));
	return privateJson({ ok: true });
};
