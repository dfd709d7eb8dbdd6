/**
 * Server-side sessions. The cookie holds a random token; the database keeps only its SHA-256,
 * so a leaked table does not leak sessions. Nothing is kept in memory: any app server behind
 * the load balancer can read any session.
 */
import { createHash } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { dev } from '$app/environment';
import { knownRoles } from '$lib/domain/entities';
import type { SessionPerson } from '$lib/domain/auth-api';
import { openDatabase, type Database, type Transaction } from '$lib/server/db';
import { people, sessions } from '$lib/server/db/schema';

export const SESSION_COOKIE = 'gather_session';
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
/** A session used with less than this left is extended: active people stay signed in. */
const RENEW_BELOW_MS = 15 * DAY_MS;

/** The part of SvelteKit's cookies a session needs (tests pass a small stand-in). */
export type CookieJar = Pick<Cookies, 'get' | 'set' | 'delete'>;
/** The database or an open transaction: a session can be created inside a larger write. */
export type Executor = Database | Transaction;

export interface Session {
	/** The row id: SHA-256 of the cookie token, hex. */
	id: string;
	person: SessionPerson;
}

export interface IssuedSession {
	id: string;
	token: string;
	expiresAt: Date;
}

/** Random bytes as base64url, from the platform's CSPRNG. */
export function randomToken(bytes = 32): string {
	return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

/** The columns of the signed-in person, selected wherever a session is read or made. */
export const sessionPersonColumns = {
	id: people.id,
	displayName: people.displayName,
	email: people.email,
	roles: people.roles
};

/** A selected person as the session person (unknown stored roles dropped). */
export function toSessionPerson(row: {
	id: string;
	displayName: string;
	email: string | null;
	roles: string[];
}): SessionPerson {
	return { ...row, roles: knownRoles(row.roles) };
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

function setSessionCookie(cookies: CookieJar, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: !dev,
		maxAge: Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000))
	});
}

function clearSessionCookie(cookies: CookieJar): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: !dev });
}

/** Insert a session row without touching cookies: lets sign-up write it in the person's transaction. */
export async function insertSession(executor: Executor, personId: string): Promise<IssuedSession> {
	const token = randomToken();
	const id = hashToken(token);
	const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
	await executor.insert(sessions).values({ id, personId, expiresAt });
	return { id, token, expiresAt };
}

/** Hand a session inserted with `insertSession` to the browser (call after the commit). */
export function issueSessionCookie(cookies: CookieJar, session: IssuedSession): void {
	setSessionCookie(cookies, session.token, session.expiresAt);
}

/** The session of the cookie, with its person, in one query; a stale cookie is cleared. */
export async function readSession(
	cookies: CookieJar,
	database?: Database
): Promise<Session | null> {
	const token = cookies.get(SESSION_COOKIE);
	if (!token) return null;
	const db = database ?? (await openDatabase());
	const id = hashToken(token);
	const [row] = await db
		.select({ expiresAt: sessions.expiresAt, person: sessionPersonColumns })
		.from(sessions)
		.innerJoin(people, eq(people.id, sessions.personId))
		.where(eq(sessions.id, id))
		.limit(1);
	if (!row) {
		clearSessionCookie(cookies);
		return null;
	}
	const now = Date.now();
	if (row.expiresAt.getTime() <= now) {
		await db.delete(sessions).where(eq(sessions.id, id));
		clearSessionCookie(cookies);
		return null;
	}
	if (row.expiresAt.getTime() - now < RENEW_BELOW_MS) {
		const expiresAt = new Date(now + SESSION_LIFETIME_MS);
		await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
		setSessionCookie(cookies, token, expiresAt);
	}
	return { id, person: toSessionPerson(row.person) };
}

export async function destroySession(
	cookies: CookieJar,
	sessionId: string | null,
	database?: Database
): Promise<void> {
	if (sessionId) {
		const db = database ?? (await openDatabase());
		await db.delete(sessions).where(eq(sessions.id, sessionId));
	}
	clearSessionCookie(cookies);
}

/**
 * Sign out everywhere: every session of the person ends, this browser's too (its cookie is
 * cleared), so a lost phone or a shared computer is signed out at its next request.
 * Returns how many sessions ended.
 */
export async function destroyAllSessions(
	cookies: CookieJar,
	personId: string,
	database?: Database
): Promise<number> {
	const db = database ?? (await openDatabase());
	const ended = await db
		.delete(sessions)
		.where(eq(sessions.personId, personId))
		.returning({ id: sessions.id });
	clearSessionCookie(cookies);
	return ended.length;
}
