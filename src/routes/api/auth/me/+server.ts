import type { RequestHandler } from './$types';
import type { z } from 'zod';
import type { meResponseSchema } from '$lib/domain/auth-api';
import { authResponse } from '$lib/server/auth/failure';

/** Who this browser is signed in as (the session hook has read the cookie already). */
export const GET: RequestHandler = async ({ locals }) => {
	return authResponse(
		async () => ({ person: locals.person }) satisfies z.infer<typeof meResponseSchema>
	);
};
