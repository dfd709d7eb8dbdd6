/**
 * Passkey ceremonies with @simplewebauthn/server. Sign-up creates the person only once the new
 * passkey verifies; sign-in uses discoverable credentials, so nobody types a name or an email.
 */
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import { eq } from 'drizzle-orm';
import type { SessionPerson, SignUpStart } from '$lib/domain/auth-api';
import type { Role } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { Database } from '$lib/server/db';
import { credentials, people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { storeChallenge, takeChallenge } from './challenges';
import { AuthFailure } from './failure';
import { replaceRecoveryCodes } from './recovery-codes';
import {
	insertSession,
	issueSessionCookie,
	sessionPersonColumns,
	toSessionPerson,
	type CookieJar
} from './session';

const RP_NAME = 'Gather';
const NEW_PERSON_ROLES: Role[] = ['member', 'volunteer'];

export interface RelyingParty {
	id: string;
	name: string;
	origin: string;
}

/** The site itself is the relying party; adapter-node builds the URL from ORIGIN behind a proxy. */
export function relyingParty(url: URL): RelyingParty {
	return { id: url.hostname, name: RP_NAME, origin: url.origin };
}

/** The WebAuthn user handle is the future person id: sign-in can check it names the same person. */
export function userHandle(personId: string): Uint8Array<ArrayBuffer> {
	return isoUint8Array.fromUTF8String(personId);
}

async function emailTaken(db: Database, email: string): Promise<boolean> {
	const [row] = await db
		.select({ id: people.id })
		.from(people)
		.where(eq(people.email, email))
		.limit(1);
	return row !== undefined;
}

function emailTakenFailure(): AuthFailure {
	return new AuthFailure('email_taken', 'A person with this email already exists; sign in instead');
}

export async function startSignUp(
	db: Database,
	cookies: CookieJar,
	url: URL,
	// The schema has trimmed and lower-cased the email already.
	{ displayName, email }: SignUpStart
): Promise<PublicKeyCredentialCreationOptionsJSON> {
	if (await emailTaken(db, email)) {
		throw emailTakenFailure();
	}
	const rp = relyingParty(url);
	const personId = newId();
	const options = await generateRegistrationOptions({
		rpName: rp.name,
		rpID: rp.id,
		userName: email,
		userID: userHandle(personId),
		userDisplayName: displayName,
		attestationType: 'none',
		authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
	});
	await storeChallenge(db, cookies, 'register', options.challenge, {
		personId,
		displayName,
		email
	});
	return options;
}

/** A unique index refused the row (PostgreSQL 23505), wherever the driver nests the error. */
export function isUniqueViolation(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		if ('code' in current && current.code === '23505') return true;
		current = 'cause' in current ? current.cause : undefined;
	}
	return false;
}

export interface SignedUp {
	person: SessionPerson;
	/** Shown once, right after sign-up; only their hashes are kept. */
	recoveryCodes: string[];
}

/** A verified new passkey: the credentials row to store, but for its person. */
export type NewPasskey = Omit<typeof credentials.$inferInsert, 'personId'>;

/**
 * Verify a registration (sign-up, or another passkey for a signed-in person) against its
 * challenge; the credential to store. A passkey that does not verify is an AuthFailure.
 */
export async function verifyNewPasskey(
	challenge: string,
	url: URL,
	response: RegistrationResponseJSON
): Promise<NewPasskey> {
	const rp = relyingParty(url);
	const verification = await verifyRegistrationResponse({
		response,
		expectedChallenge: challenge,
		expectedOrigin: rp.origin,
		expectedRPID: rp.id,
		// 'preferred' in the options: a passkey without user verification is still accepted.
		requireUserVerification: false
	}).catch((cause: unknown) => {
		throw new AuthFailure('verification_failed', errorMessage(cause));
	});
	if (!verification.verified) {
		throw new AuthFailure('verification_failed', 'The passkey could not be verified');
	}
	const info = verification.registrationInfo;
	return {
		id: info.credential.id,
		publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
		counter: info.credential.counter,
		transports: info.credential.transports ?? [],
		deviceType: info.credentialDeviceType,
		backedUp: info.credentialBackedUp
	};
}

export async function finishSignUp(
	db: Database,
	cookies: CookieJar,
	url: URL,
	response: RegistrationResponseJSON
): Promise<SignedUp> {
	const challenge = await takeChallenge(db, cookies, 'register');
	if (!challenge?.personId || !challenge.displayName || !challenge.email) {
		throw new AuthFailure('verification_failed', 'The sign-up took too long; please start again');
	}
	const passkey = await verifyNewPasskey(challenge.challenge, url, response);
	const person: SessionPerson = {
		id: challenge.personId,
		displayName: challenge.displayName,
		email: challenge.email,
		roles: NEW_PERSON_ROLES
	};
	try {
		const { session, recoveryCodes } = await db.transaction(async (tx) => {
			await tx.insert(people).values({
				id: person.id,
				displayName: person.displayName,
				email: person.email,
				roles: person.roles,
				version: await nextVersion(tx)
			});
			await tx
				.insert(credentials)
				.values({ ...passkey, personId: person.id, lastUsedAt: new Date() });
			return {
				session: await insertSession(tx, person.id),
				recoveryCodes: await replaceRecoveryCodes(tx, person.id)
			};
		});
		issueSessionCookie(cookies, session);
		return { person, recoveryCodes };
	} catch (caught) {
		// Two sign-ups with one email raced past the check in startSignUp.
		if (isUniqueViolation(caught)) {
			throw emailTakenFailure();
		}
		throw caught;
	}
}

export async function startSignIn(
	db: Database,
	cookies: CookieJar,
	url: URL
): Promise<PublicKeyCredentialRequestOptionsJSON> {
	// No allowCredentials: the authenticator offers the passkeys it holds for this site.
	const options = await generateAuthenticationOptions({
		rpID: relyingParty(url).id,
		userVerification: 'preferred'
	});
	await storeChallenge(db, cookies, 'authenticate', options.challenge);
	return options;
}

export async function finishSignIn(
	db: Database,
	cookies: CookieJar,
	url: URL,
	response: AuthenticationResponseJSON
): Promise<SessionPerson> {
	const challenge = await takeChallenge(db, cookies, 'authenticate');
	if (!challenge) {
		throw new AuthFailure('verification_failed', 'The sign-in took too long; please try again');
	}
	const [row] = await db
		.select({
			credential: credentials,
			person: sessionPersonColumns
		})
		.from(credentials)
		.innerJoin(people, eq(people.id, credentials.personId))
		.where(eq(credentials.id, response.id))
		.limit(1);
	if (!row) {
		throw new AuthFailure('unknown_credential', 'This passkey is not known here');
	}
	const { credential, person } = row;
	const handle = response.response.userHandle;
	if (handle !== undefined && handle !== isoBase64URL.fromBuffer(userHandle(person.id))) {
		throw new AuthFailure('verification_failed', 'The passkey belongs to someone else');
	}
	const rp = relyingParty(url);
	const verification = await verifyAuthenticationResponse({
		response,
		expectedChallenge: challenge.challenge,
		expectedOrigin: rp.origin,
		expectedRPID: rp.id,
		credential: {
			id: credential.id,
			publicKey: isoBase64URL.toBuffer(credential.publicKey),
			counter: credential.counter,
			transports: credential.transports
		},
		requireUserVerification: false
	}).catch((cause: unknown) => {
		throw new AuthFailure('verification_failed', errorMessage(cause));
	});
	if (!verification.verified) {
		throw new AuthFailure('verification_failed', 'The passkey could not be verified');
	}
	const info = verification.authenticationInfo;
	const session = await db.transaction(async (tx) => {
		await tx
			.update(credentials)
			.set({ counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt: new Date() })
			.where(eq(credentials.id, credential.id));
		return insertSession(tx, person.id);
	});
	issueSessionCookie(cookies, session);
	return toSessionPerson(person);
}

export function errorMessage(cause: unknown): string {
	return cause instanceof Error ? cause.message : 'The passkey could not be verified';
}
