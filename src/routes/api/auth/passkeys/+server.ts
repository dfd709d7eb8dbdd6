import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { requireActor } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { listPasskeys } from '$lib/server/auth/passkeys';

/** The signed-in person's passkeys, and how many unused recovery codes they hold. */
export const GET: RequestHandler = async ({ locals }) => {
	const actor = requireActor(locals);
	const db = await openDatabase();
	return authResponse(() => listPasskeys(db, actor.personId));
};
