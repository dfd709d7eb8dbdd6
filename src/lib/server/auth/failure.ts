import { json } from '@sveltejs/kit';
import type { AuthFailureCode } from '$lib/domain/auth-api';
import type { ApiError } from '$lib/domain/sync-protocol';
import { jsonError, privateJson } from '$lib/server/http';

const STATUS: Record<AuthFailureCode, number> = {
	email_taken: 409,
	unknown_credential: 400,
	verification_failed: 400,
	passkey_exists: 409,
	not_found: 404,
	last_sign_in_method: 409,
	recovery_failed: 400,
	link_invalid: 400,
	email_unavailable: 503,
	rate_limited: 429
};

/** An expected refusal of a passkey ceremony: answered as JSON, never a 500. */
export class AuthFailure extends Error {
	readonly status: number;
	constructor(
		readonly code: AuthFailureCode,
		message: string
	) {
		super(message);
		this.name = 'AuthFailure';
		this.status = STATUS[code];
	}
}

/** Too many attempts: answered 429 with Retry-After, in whole seconds. */
export class RateLimited extends AuthFailure {
	constructor(
		message: string,
		readonly retryAfterSeconds: number
	) {
		super('rate_limited', message);
		this.name = 'RateLimited';
	}
}

/** Run a ceremony step and answer with its JSON, or with the failure's code and status. */
export async function authResponse(step: () => Promise<unknown>): Promise<Response> {
	try {
		return privateJson(await step());
	} catch (caught) {
		if (caught instanceof RateLimited) {
			return json({ error: caught.code, message: caught.message } satisfies ApiError, {
				status: caught.status,
				headers: { 'cache-control': 'no-store', 'retry-after': String(caught.retryAfterSeconds) }
			});
		}
		if (!(caught instanceof AuthFailure)) throw caught;
		return jsonError(caught.status, caught.code, caught.message);
	}
}
