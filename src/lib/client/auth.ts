/**
 * Passkey sign-up and sign-in from the browser. Every failure is an AuthError with a code the
 * screens translate; nothing here renders anything.
 */
import {
	browserSupportsWebAuthn,
	startAuthentication,
	startRegistration,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import { z } from 'zod';
import { meResponseSchema, sessionPersonSchema, type SessionPerson } from '$lib/domain/auth-api';
import { apiErrorSchema } from '$lib/domain/sync-protocol';

export type AuthErrorCode =
	| 'cancelled'
	| 'not_supported'
	| 'network'
	| 'email_taken'
	| 'unknown_credential'
	| 'verification_failed'
	| 'invalid'
	| 'server';

export class AuthError extends Error {
	constructor(
		readonly code: AuthErrorCode,
		message: string = code,
		options?: ErrorOptions
	) {
		super(message, options);
		this.name = 'AuthError';
	}
}

const personAnswerSchema = z.object({ person: sessionPersonSchema });
/** Checks just enough to know the server sent options; the browser library reads the rest. */
const hasChallenge = (value: unknown) =>
	z.looseObject({ challenge: z.string().min(1) }).safeParse(value).success;
const creationOptionsSchema = z.custom<PublicKeyCredentialCreationOptionsJSON>(hasChallenge);
const requestOptionsSchema = z.custom<PublicKeyCredentialRequestOptionsJSON>(hasChallenge);

/** The server's refusal codes the screens know; anything else is a server fault or a bad input. */
const SERVER_CODES = ['email_taken', 'unknown_credential', 'verification_failed'] as const;

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
	const known = SERVER_CODES.find((serverCode) => serverCode === code);
	if (known) throw new AuthError(known, message);
	throw new AuthError(response.status === 400 ? 'invalid' : 'server', message);
}

function post(path: string, body: unknown): Promise<unknown> {
	return request(path, { method: 'POST', body: JSON.stringify(body) });
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

/** Create the person and their first passkey; resolves once signed in. */
export async function signUp(displayName: string, email: string): Promise<SessionPerson> {
	requireSupport();
	const optionsJSON = parseAnswer(
		creationOptionsSchema,
		await post('/api/auth/signup/options', { displayName, email })
	);
	const response = await startRegistration({ optionsJSON }).catch((cause: unknown) => {
		throw browserFailure(cause);
	});
	return parseAnswer(personAnswerSchema, await post('/api/auth/signup/verify', { response }))
		.person;
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
