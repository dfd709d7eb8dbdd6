import type { RequestHandler } from './$types';
import { meResponseSchema } from '$lib/domain/auth-api';
import { authResponse } from '$lib/server/auth/failure';

/** Who this browser is signed in as (the session hook has read the cookie already). */
export const GET: RequestHandler = async ({ locals }) => {
	return authResponse(async () => meResponseSchema.parse({ person: locals.person }));
};
