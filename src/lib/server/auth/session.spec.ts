import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { sessions } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	SESSION_COOKIE,
	SESSION_LIFETIME_MS,
	insertSession,
	issueSessionCookie,
	destroySession,
	hashToken,
	readSession
} from './session';
import { insertPerson } from './spec-support';
import { TestCookies } from '$lib/server/testing/routes';

const DAY_MS = 24 * 60 * 60 * 1000;

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

async function signedIn() {
	const personId = await insertPerson(db, {
		displayName: 'Ana',
		email: `ana-${crypto.randomUUID()}@example.org`,
		roles: ['member', 'volunteer', 'not-a-role']
	});
	const cookies = new TestCookies();
	const session = await insertSession(db, personId);
	issueSessionCookie(cookies, session);
	return { personId, cookies, session };
}

describe('sessions', () => {
	it('sets an HttpOnly, Lax, 30-day cookie whose token is stored only as its SHA-256', async () => {
		const { cookies, session, personId } = await signedIn();
		const token = cookies.get(SESSION_COOKIE);
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(session.id).toBe(hashToken(token ?? ''));
		expect(session.id).not.toContain(token);
		expect(cookies.options.get(SESSION_COOKIE)).toMatchObject({
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			maxAge: SESSION_LIFETIME_MS / 1000
		});
		const [row] = await db.select().from(sessions).where(eq(sessions.id, session.id));
		expect(row?.personId).toBe(personId);
	});

	it('reads the session and its person from the cookie, dropping unknown roles', async () => {
		const { cookies, session, personId } = await signedIn();
		const read = await readSession(cookies, db);
		expect(read).toEqual({
			id: session.id,
			person: {
				id: personId,
				displayName: 'Ana',
				email: expect.stringMatching(/@example\.org$/),
				roles: ['member', 'volunteer']
			}
		});
	});

	it('answers null without a cookie, and clears a cookie that names no session', async () => {
		expect(await readSession(new TestCookies(), db)).toBeNull();
		const cookies = new TestCookies();
		cookies.set(SESSION_COOKIE, 'forged-token', { path: '/' });
		expect(await readSession(cookies, db)).toBeNull();
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('deletes an expired session when it is read', async () => {
		const { cookies, session } = await signedIn();
		await db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(sessions.id, session.id));
		expect(await readSession(cookies, db)).toBeNull();
		expect(await db.select().from(sessions).where(eq(sessions.id, session.id))).toEqual([]);
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('extends a session that is in use and past half its life', async () => {
		const { cookies, session } = await signedIn();
		await db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() + 3 * DAY_MS) })
			.where(eq(sessions.id, session.id));
		expect(await readSession(cookies, db)).not.toBeNull();
		const [row] = await db.select().from(sessions).where(eq(sessions.id, session.id));
		expect(row?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS);
		expect(cookies.options.get(SESSION_COOKIE)?.maxAge).toBeGreaterThan(29 * 24 * 60 * 60);
	});

	it('destroys the row and clears the cookie on sign-out', async () => {
		const { cookies, session } = await signedIn();
		await destroySession(cookies, session.id, db);
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
		expect(await db.select().from(sessions).where(eq(sessions.id, session.id))).toEqual([]);
		expect(await readSession(cookies, db)).toBeNull();
	});
});
