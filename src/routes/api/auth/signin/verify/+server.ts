import type { RequestHandler } from './$types';
import { signInVerifySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';
import { finishSignIn } from '$lib/server/auth/webauthn';

/**
 * Verify a passkey assertion and start a session; 400 unknown_credential for a stranger's key,
 * 429 when this address or this passkey tries too often.
 */
export const POST: RequestHandler = async ({ request, cookies, url, getClientAddress }) => {
	const { response } = await readBody(request, signInVerifySchema);
	const db = await openDatabase();
	return authResponse(async () => {
		await enforceRateLimits(db, limitedAttempts.signIn(getClientAddress(), response.id));
		return { person: await finishSignIn(db, cookies, url, response) };
	});
};
