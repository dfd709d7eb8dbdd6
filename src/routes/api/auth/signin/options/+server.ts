import type { RequestHandler } from './$types';
import { signInStartSchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { startSignIn } from '$lib/server/auth/webauthn';

/** Options for a discoverable-credential sign-in: the authenticator picks the passkey. */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	await readBody(request, signInStartSchema);
	const db = await openDatabase();
	return authResponse(() => startSignIn(db, cookies, url));
};
