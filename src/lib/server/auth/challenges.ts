/**
 * WebAuthn challenges between the options and the verify request. Stored in the database (any
 * app server may get the second request), pointed at by a short-lived HttpOnly cookie, and
 * deleted by the request that uses them, so each one verifies at most once.
 */
import { dev } from '$app/environment';
import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '$lib/server/db';
import { authChallenges } from '$lib/server/db/schema';
import { randomToken, type CookieJar } from './session';

export const CHALLENGE_COOKIE = 'gather_challenge';
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;
const COOKIE_PATH = '/api/auth';

export type ChallengePurpose = (typeof authChallenges.$inferSelect)['purpose'];

export interface PendingSignUp {
	personId: string;
	displayName: string;
	email: string;
}

/** A passkey being added to a person who exists: only who it is for. */
export interface PendingPasskey {
	personId: string;
}

export type StoredChallenge = typeof authChallenges.$inferSelect;

export async function storeChallenge(
	db: Database,
	cookies: CookieJar,
	purpose: ChallengePurpose,
	challenge: string,
	pending?: PendingSignUp | PendingPasskey
): Promise<void> {
	const id = randomToken();
	const now = Date.now();
	// Abandoned ceremonies are swept here rather than by a timer: the servers keep no jobs.
	await db.delete(authChallenges).where(lt(authChallenges.expiresAt, new Date(now)));
	await db.insert(authChallenges).values({
		id,
		challenge,
		purpose,
		personId: pending?.personId ?? null,
		displayName: pending && 'displayName' in pending ? pending.displayName : null,
		email: pending && 'email' in pending ? pending.email : null,
		expiresAt: new Date(now + CHALLENGE_LIFETIME_MS)
	});
	cookies.set(CHALLENGE_COOKIE, id, {
		path: COOKIE_PATH,
		httpOnly: true,
		sameSite: 'strict',
		secure: !dev,
		maxAge: CHALLENGE_LIFETIME_MS / 1000
	});
}

/**
 * Take (delete and return) the challenge of the cookie for this purpose; null when there is
 * none, it was used already, or it expired.
 */
export async function takeChallenge(
	db: Database,
	cookies: CookieJar,
	purpose: ChallengePurpose
): Promise<StoredChallenge | null> {
	const id = cookies.get(CHALLENGE_COOKIE);
	if (!id) return null;
	cookies.delete(CHALLENGE_COOKIE, { path: COOKIE_PATH });
	const [row] = await db
		.delete(authChallenges)
		.where(and(eq(authChallenges.id, id), eq(authChallenges.purpose, purpose)))
		.returning();
	if (!row || row.expiresAt.getTime() <= Date.now()) return null;
	return row;
}
