import type { RequestHandler } from './$types';
import { requireActor } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { destroyAllSessions } from '$lib/server/auth/session';

/** End every session of the signed-in person, this browser's included. */
export const POST: RequestHandler = async ({ cookies, locals }) => {
	const actor = requireActor(locals);
	return authResponse(async () => ({
		ended: await destroyAllSessions(cookies, actor.personId)
	}));
};
