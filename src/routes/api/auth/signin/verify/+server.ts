import type { RequestHandler } from './$types';
import { signInVerifySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { finishSignIn } from '$lib/server/auth/webauthn';

/** Verify a passkey assertion and start a session; 400 unknown_credential for a stranger's key. */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const { response } = await readBody(request, signInVerifySchema);
	const db = await openDatabase();
	return authResponse(async () => ({ person: await finishSignIn(db, cookies, url, response) }));
};
