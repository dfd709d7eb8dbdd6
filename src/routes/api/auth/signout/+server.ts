import type { RequestHandler } from './$types';
import { destroySession } from '$lib/server/auth/session';
import { authResponse } from '$lib/server/auth/failure';

/** Ends this device's session; answers ok even without one, so a retry is harmless. */
export const POST: RequestHandler = async ({ cookies, locals }) => {
	return authResponse(async () => {
		await destroySession(cookies, locals.sessionId);
		return { ok: true };
	});
};
