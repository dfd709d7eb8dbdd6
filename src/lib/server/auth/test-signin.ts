/**
 * End-to-end tests only: a session for an existing person by email, so a test can act as the
 * seeded admin or organizer (who have no passkey on the test browser). Only a server started
 * with GATHER_TEST_SIGNIN=on (playwright.config.ts sets it) offers it.
 */
import { eq } from 'drizzle-orm';
import { env } from '$env/dynamic/private';
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { insertSession, issueSessionCookie, type CookieJar } from './session';

export function testSignInEnabled(): boolean {
	return env.GATHER_TEST_SIGNIN === 'on';
}

/** Sign in as the person with this (normalised) email; false when there is none. */
export async function testSignIn(
	db: Database,
	cookies: CookieJar,
	email: string
): Promise<boolean> {
	const [person] = await db.select({ id: people.id }).from(people).where(eq(people.email, email));
	if (!person) return false;
	issueSessionCookie(cookies, await insertSession(db, person.id));
	return true;
}
