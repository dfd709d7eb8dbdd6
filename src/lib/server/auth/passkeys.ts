/**
 * A signed-in person's passkeys: list, add another (a registration ceremony for someone who
 * exists), rename, revoke. Every query names the person of the session, so nobody can read
 * or touch another person's passkey; one that is not theirs is simply not found.
 */
import {
	generateRegistrationOptions,
	type PublicKeyCredentialCreationOptionsJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { and, asc, count, eq } from 'drizzle-orm';
import type { Passkey, PasskeysAnswer, SessionPerson } from '$lib/domain/auth-api';
import type { Database } from '$lib/server/db';
import { credentials, people } from '$lib/server/db/schema';
import { storeChallenge, takeChallenge } from './challenges';
import { AuthFailure } from './failure';
import { unusedRecoveryCodes } from './recovery-codes';
import type { CookieJar } from './session';
import { isUniqueViolation, relyingParty, userHandle, verifyNewPasskey } from './webauthn';

const passkeyColumns = {
	id: credentials.id,
	name: credentials.name,
	createdAt: credentials.createdAt,
	lastUsedAt: credentials.lastUsedAt,
	backedUp: credentials.backedUp
};

function toPasskey(row: {
	id: string;
	name: string | null;
	createdAt: Date;
	lastUsedAt: Date | null;
	backedUp: boolean;
}): Passkey {
	return {
		...row,
		createdAt: row.createdAt.toISOString(),
		lastUsedAt: row.lastUsedAt?.toISOString() ?? null
	};
}

function notFound(): AuthFailure {
	return new AuthFailure('not_found', 'No such passkey');
}

export async function listPasskeys(db: Database, personId: string): Promise<PasskeysAnswer> {
	const rows = await db
		.select(passkeyColumns)
		.from(credentials)
		.where(eq(credentials.personId, personId))
		.orderBy(asc(credentials.createdAt), asc(credentials.id));
	return {
		passkeys: rows.map(toPasskey),
		recoveryCodesLeft: await unusedRecoveryCodes(db, personId)
	};
}

/** Options to create one more passkey; the authenticator is told which ones it holds already. */
export async function startAddPasskey(
	db: Database,
	cookies: CookieJar,
	url: URL,
	person: SessionPerson
): Promise<PublicKeyCredentialCreationOptionsJSON> {
	const existing = await db
		.select({ id: credentials.id, transports: credentials.transports })
		.from(credentials)
		.where(eq(credentials.personId, person.id));
	const rp = relyingParty(url);
	const options = await generateRegistrationOptions({
		rpName: rp.name,
		rpID: rp.id,
		userName: person.email ?? person.displayName,
		// The same user handle as the first passkey: a provider files them under one account.
		userID: userHandle(person.id),
		userDisplayName: person.displayName,
		attestationType: 'none',
		excludeCredentials: existing.map((credential) => ({
			id: credential.id,
			transports: credential.transports as AuthenticatorTransport[]
		})),
		authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
	});
	await storeChallenge(db, cookies, 'register', options.challenge, { personId: person.id });
	return options;
}

export async function finishAddPasskey(
	db: Database,
	cookies: CookieJar,
	url: URL,
	personId: string,
	response: RegistrationResponseJSON,
	name: string | undefined
): Promise<Passkey> {
	const challenge = await takeChallenge(db, cookies, 'register');
	// A sign-up's challenge carries a name and an email; this one only the person adding.
	if (!challenge || challenge.personId !== personId || challenge.email !== null) {
		throw new AuthFailure('verification_failed', 'Adding the passkey took too long; try again');
	}
	const passkey = await verifyNewPasskey(challenge.challenge, url, response);
	try {
		const [row] = await db
			.insert(credentials)
			.values({ ...passkey, personId, name: name ?? null })
			.returning(passkeyColumns);
		if (!row) throw new Error('passkey insert returned no row');
		return toPasskey(row);
	} catch (caught) {
		if (isUniqueViolation(caught)) {
			throw new AuthFailure('passkey_exists', 'This passkey is registered already');
		}
		throw caught;
	}
}

export async function renamePasskey(
	db: Database,
	personId: string,
	id: string,
	name: string
): Promise<Passkey> {
	const [row] = await db
		.update(credentials)
		.set({ name })
		.where(and(eq(credentials.id, id), eq(credentials.personId, personId)))
		.returning(passkeyColumns);
	if (!row) throw notFound();
	return toPasskey(row);
}

/**
 * Revoke a passkey. The last one goes only while unused recovery codes remain: otherwise
 * the person could never sign in again. The person's row is locked first, so two revocations
 * at once cannot each think the other passkey remains.
 */
export async function revokePasskey(db: Database, personId: string, id: string): Promise<void> {
	await db.transaction(async (tx) => {
		await tx.select({ id: people.id }).from(people).where(eq(people.id, personId)).for('update');
		const [owned] = await tx
			.select({ id: credentials.id })
			.from(credentials)
			.where(and(eq(credentials.id, id), eq(credentials.personId, personId)));
		if (!owned) throw notFound();
		const [row] = await tx
			.select({ passkeys: count() })
			.from(credentials)
			.where(eq(credentials.personId, personId));
		if ((row?.passkeys ?? 0) <= 1 && (await unusedRecoveryCodes(tx, personId)) === 0) {
			throw new AuthFailure(
				'last_sign_in_method',
				'This is your last passkey and no recovery code is left'
			);
		}
		await tx.delete(credentials).where(eq(credentials.id, id));
	});
}
