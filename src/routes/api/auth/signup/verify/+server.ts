import type { RequestHandler } from './$types';
import { signUpVerifySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { finishSignUp } from '$lib/server/auth/webauthn';

/**
 * Verify the new passkey, then create the person, the credential, their recovery codes and a
 * session together. The codes are in this answer only.
 */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const { response } = await readBody(request, signUpVerifySchema);
	const db = await openDatabase();
	return authResponse(() => finishSignUp(db, cookies, url, response));
};
