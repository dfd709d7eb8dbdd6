/**
 * Sign-up, sign-in (passkey, recovery code, email link) and the signed-in person's passkeys,
 * from the browser. Every failure is an AuthError with a code; `authErrorMessage` translates it
 * for the screens, and nothing here renders anything.
 */
import {
	browserSupportsWebAuthn,
	startAuthentication,
	startRegistration,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import { z } from 'zod';
import {
	AUTH_FAILURE_CODES,
	emailLinkAvailabilitySchema,
	meResponseSchema,
	passkeyAnswerSchema,
	passkeysAnswerSchema,
	recoveryCodesAnswerSchema,
	recoverySignInAnswerSchema,
	sessionPersonSchema,
	signOutEverywhereAnswerSchema,
	signUpAnswerSchema,
	type AuthFailureCode,
	type Passkey,
	type PasskeysAnswer,
	type SessionPerson
} from '$lib/domain/auth-api';
import { apiErrorSchema } from '$lib/domain/sync-protocol';
import { m } from '$lib/paraglide/messages';

/** The server's refusals, and what goes wrong before or without one. */
export type AuthErrorCode =
	| 'cancelled'
	| 'not_supported'
	| 'network'
	| 'unauthorized'
	| 'invalid'
	| 'server'
	| AuthFailureCode;

export class AuthError extends Error {
	constructor(
		readonly code: AuthErrorCode,
		message: string = code,
		options?: ErrorOptions & { retryAfterSeconds?: number }
	) {
		super(message, options);
		this.name = 'AuthError';
		this.retryAfterSeconds = options?.retryAfterSeconds ?? null;
	}
	/** For `rate_limited`: how long the server asked to wait. */
	readonly retryAfterSeconds: number | null;
}

const personAnswerSchema = z.object({ person: sessionPersonSchema });
/** Checks just enough to know the server sent options; the browser library reads the rest. */
const hasChallenge = (value: unknown) =>
	z.looseObject({ challenge: z.string().min(1) }).safeParse(value).success;
const creationOptionsSchema = z.custom<PublicKeyCredentialCreationOptionsJSON>(hasChallenge);
const requestOptionsSchema = z.custom<PublicKeyCredentialRequestOptionsJSON>(hasChallenge);

export function passkeysSupported(): boolean {
	return browserSupportsWebAuthn();
}

async function request(path: string, init: RequestInit = {}): Promise<unknown> {
	let response: Response;
	try {
		response = await fetch(path, {
			...init,
			credentials: 'same-origin',
			headers: {
				accept: 'application/json',
				...(init.body ? { 'content-type': 'application/json' } : {})
			}
		});
	} catch (cause) {
		throw new AuthError('network', 'The server could not be reached', { cause });
	}
	const body: unknown = await response.json().catch(() => null);
	if (response.ok) return body;
	const answer = apiErrorSchema.safeParse(body);
	const code = answer.success ? answer.data.error : undefined;
	const message = answer.success ? answer.data.message : response.statusText;
	const known = AUTH_FAILURE_CODES.find((serverCode) => serverCode === code);
	const retryAfter = Number(response.headers.get('retry-after'));
	if (known) {
		throw new AuthError(known, message, {
			retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined
		});
	}
	if (response.status === 401) throw new AuthError('unauthorized', message);
	throw new AuthError(response.status === 400 ? 'invalid' : 'server', message);
}

function send(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
	return request(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
}

function post(path: string, body: unknown): Promise<unknown> {
	return send('POST', path, body);
}

function parseAnswer<Schema extends z.ZodType>(schema: Schema, answer: unknown): z.infer<Schema> {
	const parsed = schema.safeParse(answer);
	if (!parsed.success) throw new AuthError('server', 'The server answered in an unexpected shape');
	return parsed.data;
}

/** Map what the WebAuthn dialog throws (a DOMException, or WebAuthnError carrying its name). */
function browserFailure(cause: unknown): AuthError {
	if (cause instanceof AuthError) return cause;
	const name = cause instanceof Error ? cause.name : '';
	const message = cause instanceof Error ? cause.message : 'The passkey dialog failed';
	// NotAllowedError covers "cancelled" and "timed out" alike: browsers do not tell them apart.
	if (name === 'NotAllowedError' || name === 'AbortError')
		return new AuthError('cancelled', message, { cause });
	if (name === 'SecurityError') return new AuthError('server', message, { cause });
	return new AuthError('not_supported', message, { cause });
}

function requireSupport(): void {
	if (!passkeysSupported())
		throw new AuthError('not_supported', 'This browser cannot use passkeys');
}

/**
 * Create the person and their first passkey; resolves once signed in, with the recovery
 * codes to show this one time.
 */
export async function signUp(
	displayName: string,
	email: string
): Promise<{ person: SessionPerson; recoveryCodes: string[] }> {
	requireSupport();
	const optionsJSON = parseAnswer(
		creationOptionsSchema,
		await post('/api/auth/signup/options', { displayName, email })
	);
	const response = await startRegistration({ optionsJSON }).catch((cause: unknown) => {
		throw browserFailure(cause);
	});
	return parseAnswer(signUpAnswerSchema, await post('/api/auth/signup/verify', { response }));
}

/** Sign in with any passkey this device holds for the site. */
export async function signIn(): Promise<SessionPerson> {
	requireSupport();
	const optionsJSON = parseAnswer(requestOptionsSchema, await post('/api/auth/signin/options', {}));
	const response = await startAuthentication({ optionsJSON }).catch((cause: unknown) => {
		throw browserFailure(cause);
	});
	return parseAnswer(personAnswerSchema, await post('/api/auth/signin/verify', { response }))
		.person;
}

export async function signOut(): Promise<void> {
	await post('/api/auth/signout', {});
}

/** Who the server thinks this browser is; throws AuthError('network') offline. */
export async function fetchMe(): Promise<SessionPerson | null> {
	return parseAnswer(meResponseSchema, await request('/api/auth/me', { cache: 'no-store' })).person;
}

/** Sign in with an email and one of the recovery codes saved at sign-up (the code is spent). */
export async function signInWithRecoveryCode(
	email: string,
	code: string
): Promise<{ person: SessionPerson; recoveryCodesLeft: number }> {
	return parseAnswer(
		recoverySignInAnswerSchema,
		await post('/api/auth/recovery/signin', { email, code })
	);
}

/** Whether this server can mail sign-in links. */
export async function emailLinkAvailable(): Promise<boolean> {
	return parseAnswer(emailLinkAvailabilitySchema, await request('/api/auth/email')).available;
}

/** Ask for a sign-in link; the answer is the same whether or not the email is known. */
export async function requestEmailLink(email: string): Promise<void> {
	await post('/api/auth/email/request', { email });
}

/** Spend an email link's token for a session. */
export async function signInWithEmailLink(token: string): Promise<SessionPerson> {
	return parseAnswer(personAnswerSchema, await post('/api/auth/email/verify', { token })).person;
}

export async function listPasskeys(): Promise<PasskeysAnswer> {
	return parseAnswer(passkeysAnswerSchema, await request('/api/auth/passkeys'));
}

/** Create one more passkey for the signed-in person (their current ones are excluded). */
export async function addPasskey(name?: string): Promise<Passkey> {
	requireSupport();
	const optionsJSON = parseAnswer(
		creationOptionsSchema,
		await post('/api/auth/passkeys/options', {})
	);
	const response = await startRegistration({ optionsJSON }).catch((cause: unknown) => {
		throw browserFailure(cause);
	});
	return parseAnswer(
		passkeyAnswerSchema,
		await post('/api/auth/passkeys/verify', { response, name })
	).passkey;
}

function passkeyPath(id: string): string {
	return `/api/auth/passkeys/${encodeURIComponent(id)}`;
}

export async function renamePasskey(id: string, name: string): Promise<Passkey> {
	return parseAnswer(passkeyAnswerSchema, await send('PATCH', passkeyPath(id), { name })).passkey;
}

export async function revokePasskey(id: string): Promise<void> {
	await send('DELETE', passkeyPath(id));
}

/** New recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(): Promise<string[]> {
	return parseAnswer(recoveryCodesAnswerSchema, await post('/api/auth/recovery/regenerate', {}))
		.recoveryCodes;
}

/** End every session of the signed-in person, this browser's included. */
export async function signOutEverywhere(): Promise<number> {
	return parseAnswer(signOutEverywhereAnswerSchema, await post('/api/auth/signout/everywhere', {}))
		.ended;
}

const errorMessages: Record<AuthErrorCode, (error: AuthError) => string> = {
	cancelled: () => m.auth_error_cancelled(),
	not_supported: () => m.auth_error_not_supported(),
	network: () => m.auth_error_network(),
	unauthorized: () => m.passkeys_error_session_ended(),
	invalid: () => m.auth_error_invalid(),
	server: () => m.auth_error_server(),
	email_taken: () => m.auth_error_email_taken(),
	unknown_credential: () => m.auth_error_unknown_credential(),
	verification_failed: () => m.auth_error_verification_failed(),
	passkey_exists: () => m.passkeys_error_exists(),
	not_found: () => m.passkeys_error_not_found(),
	last_sign_in_method: () => m.passkeys_error_last(),
	recovery_failed: () => m.signin_recovery_failed(),
	link_invalid: () => m.signin_link_invalid(),
	email_unavailable: () => m.signin_email_unavailable(),
	rate_limited: (error) =>
		m.signin_rate_limited({ minutes: Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60)) })
};

/** What to tell the person about a failure, in their language. */
export function authErrorMessage(error: unknown): string {
	return error instanceof AuthError ? errorMessages[error.code](error) : m.auth_error_server();
}
