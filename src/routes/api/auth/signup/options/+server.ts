import type { RequestHandler } from './$types';
import { signUpStartSchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { startSignUp } from '$lib/server/auth/webauthn';

/** Registration options for a new person's first passkey; 409 when the email is taken. */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const body = await readBody(request, signUpStartSchema);
	const db = await openDatabase();
	return authResponse(() => startSignUp(db, cookies, url, body));
};
