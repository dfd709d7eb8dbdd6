import type { RequestHandler } from './$types';
import { recoverySignInSchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';
import { signInWithRecoveryCode } from '$lib/server/auth/recovery-codes';

/**
 * Sign in with an email and a recovery code; the code is spent. One refusal for every wrong
 * combination, and 429 when this address or this email tries too often.
 */
export const POST: RequestHandler = async ({ request, cookies, getClientAddress }) => {
	const body = await readBody(request, recoverySignInSchema);
	const db = await openDatabase();
	return authResponse(async () => {
		await enforceRateLimits(db, limitedAttempts.recovery(getClientAddress(), body.email));
		return signInWithRecoveryCode(db, cookies, body);
	});
};
