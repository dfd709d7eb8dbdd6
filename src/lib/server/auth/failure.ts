import { jsonError, privateJson } from '$lib/server/http';

export type AuthFailureCode = 'email_taken' | 'unknown_credential' | 'verification_failed';

const STATUS: Record<AuthFailureCode, number> = {
	email_taken: 409,
	unknown_credential: 400,
	verification_failed: 400
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

/** Run a ceremony step and answer with its JSON, or with the failure's code and status. */
export async function authResponse(step: () => Promise<unknown>): Promise<Response> {
	try {
		return privateJson(await step());
	} catch (caught) {
		if (!(caught instanceof AuthFailure)) throw caught;
		return jsonError(caught.status, caught.code, caught.message);
	}
}
