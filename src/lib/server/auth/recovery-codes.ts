/**
 * One-time recovery codes: the way back in when every passkey is lost. Each code is 80 random
 * bits written as four groups of four Crockford base32 characters (no I, L, O or U to misread),
 * shown once; the database keeps only its SHA-256. A plain hash suffices because the codes are
 * random and long: there is no dictionary to try, and guessing is rate limited besides.
 */
import { createHash } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { RECOVERY_CODE_COUNT, type RecoverySignIn, type SessionPerson } from '$lib/domain/auth-api';
import type { Database } from '$lib/server/db';
import { people, recoveryCodes } from '$lib/server/db/schema';
import { AuthFailure } from './failure';
import {
	insertSession,
	issueSessionCookie,
	sessionPersonColumns,
	toSessionPerson,
	type CookieJar,
	type Executor
} from './session';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;
const CODE_LENGTH = GROUPS * GROUP_LENGTH;

/** A new code such as `7KQD-4MXR-9PTW-3HNB`. */
export function generateRecoveryCode(): string {
	// 32 symbols: each random byte's low five bits pick one without bias.
	const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
	const symbols = Array.from(bytes, (byte) => ALPHABET[byte & 31]).join('');
	return symbols.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))?.join('-') ?? symbols;
}

/**
 * A code as typed, in canonical form: case, spaces and dashes do not matter, and the letters
 * Crockford's alphabet leaves out are read as the digits they look like. Null when it cannot
 * be a code at all.
 */
export function normalizeRecoveryCode(input: string): string | null {
	const canonical = input
		.toUpperCase()
		.replace(/[\s-]/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	if (canonical.length !== CODE_LENGTH) return null;
	for (const symbol of canonical) if (!ALPHABET.includes(symbol)) return null;
	return canonical;
}

export function hashRecoveryCode(canonical: string): string {
	return createHash('sha256').update(canonical).digest('hex');
}

/** Replace every code of the person with new ones; returns the codes (to be shown once). */
export async function replaceRecoveryCodes(tx: Executor, personId: string): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
	await tx.delete(recoveryCodes).where(eq(recoveryCodes.personId, personId));
	await tx.insert(recoveryCodes).values(
		codes.map((code) => ({
			id: hashRecoveryCode(normalizeRecoveryCode(code) ?? code),
			personId
		}))
	);
	return codes;
}

export async function unusedRecoveryCodes(db: Executor, personId: string): Promise<number> {
	const [row] = await db
		.select({ unused: count() })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.personId, personId), isNull(recoveryCodes.usedAt)));
	return row?.unused ?? 0;
}

export async function regenerateRecoveryCodes(db: Database, personId: string): Promise<string[]> {
	return db.transaction((tx) => replaceRecoveryCodes(tx, personId));
}

function recoveryFailure(): AuthFailure {
	// One answer for an unknown email, a wrong code and a used one: nothing is revealed.
	return new AuthFailure('recovery_failed', 'This email and recovery code do not match');
}

/** Sign in with the email and one unused code; the code is spent with the session's creation. */
export async function signInWithRecoveryCode(
	db: Database,
	cookies: CookieJar,
	{ email, code }: RecoverySignIn
): Promise<{ person: SessionPerson; recoveryCodesLeft: number }> {
	const canonical = normalizeRecoveryCode(code);
	if (!canonical) throw recoveryFailure();
	const result = await db.transaction(async (tx) => {
		const [person] = await tx
			.select(sessionPersonColumns)
			.from(people)
			.where(and(eq(people.email, email), eq(people.status, 'active')))
			.limit(1);
		if (!person) return null;
		// The condition on used_at makes the code single use even when two requests race.
		const [spent] = await tx
			.update(recoveryCodes)
			.set({ usedAt: new Date() })
			.where(
				and(
					eq(recoveryCodes.id, hashRecoveryCode(canonical)),
					eq(recoveryCodes.personId, person.id),
					isNull(recoveryCodes.usedAt)
				)
			)
			.returning({ id: recoveryCodes.id });
		if (!spent) return null;
		const session = await insertSession(tx, person.id);
		return { person, session, recoveryCodesLeft: await unusedRecoveryCodes(tx, person.id) };
	});
	if (!result) throw recoveryFailure();
	issueSessionCookie(cookies, result.session);
	return { person: toSessionPerson(result.person), recoveryCodesLeft: result.recoveryCodesLeft };
}
