import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_CODE_COUNT, recoverySignInSchema } from '$lib/domain/auth-api';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { people, recoveryCodes, sessions } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { AuthFailure } from './failure';
import {
	generateRecoveryCode,
	normalizeRecoveryCode,
	regenerateRecoveryCodes,
	signInWithRecoveryCode,
	unusedRecoveryCodes
} from './recovery-codes';
import { SESSION_COOKIE, readSession } from './session';
import { signUpWithPasskey } from './spec-support';
import { TestCookies } from '$lib/server/testing/routes';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

async function refusal(promise: Promise<unknown>): Promise<AuthFailure> {
	const caught = await promise.then(
		() => null,
		(error: unknown) => error
	);
	if (!(caught instanceof AuthFailure))
		throw new Error(`expected a refusal, got ${String(caught)}`);
	return caught;
}

function recover(email: string, code: string, cookies = new TestCookies()) {
	return signInWithRecoveryCode(db, cookies, recoverySignInSchema.parse({ email, code }));
}

describe('recovery codes', () => {
	it('are ten readable, distinct, high-entropy codes', () => {
		const codes = Array.from({ length: 200 }, generateRecoveryCode);
		for (const code of codes) expect(code).toMatch(CODE);
		expect(new Set(codes).size).toBe(codes.length);
		// 16 symbols of 32: every symbol shows up across 200 codes (no biased alphabet).
		expect(new Set(codes.join('').replaceAll('-', '')).size).toBe(32);
	});

	it('read as typed: any case, spaces or no dashes, O for 0 and I or L for 1', () => {
		expect(normalizeRecoveryCode(' 7kqd 4mxr-9ptw-3hnb ')).toBe('7KQD4MXR9PTW3HNB');
		expect(normalizeRecoveryCode('OOOO-IIII-LLLL-1111')).toBe('0000111111111111');
		expect(normalizeRecoveryCode('7KQD-4MXR-9PTW')).toBeNull();
		expect(normalizeRecoveryCode('7KQD-4MXR-9PTW-3HNU')).toBeNull();
	});

	it('are made at sign-up and stored only as their SHA-256', async () => {
		const { person, recoveryCodes: codes } = await signUpWithPasskey(db);
		expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
		const rows = await db.select().from(recoveryCodes).where(eq(recoveryCodes.personId, person.id));
		expect(rows.map((row) => row.id).sort()).toEqual(
			codes.map((code) => sha256(code.replaceAll('-', ''))).sort()
		);
		const stored = JSON.stringify(rows);
		for (const code of codes) {
			expect(stored).not.toContain(code);
			expect(stored).not.toContain(code.replaceAll('-', ''));
		}
		expect(rows.every((row) => row.usedAt === null)).toBe(true);
	});

	it('sign in once each: a session, the code marked used, the count down by one', async () => {
		const { person, email, recoveryCodes: codes } = await signUpWithPasskey(db);
		const cookies = new TestCookies();
		const signedIn = await recover(email.toUpperCase(), codes[3]!.toLowerCase(), cookies);
		expect(signedIn).toEqual({ person, recoveryCodesLeft: RECOVERY_CODE_COUNT - 1 });
		expect((await readSession(cookies, db))?.person.id).toBe(person.id);
		const [row] = await db
			.select()
			.from(recoveryCodes)
			.where(eq(recoveryCodes.id, sha256(codes[3]!.replaceAll('-', ''))));
		expect(row?.usedAt).toBeInstanceOf(Date);

		const again = new TestCookies();
		expect((await refusal(recover(email, codes[3]!, again))).code).toBe('recovery_failed');
		expect(again.get(SESSION_COOKIE)).toBeUndefined();
		expect(await unusedRecoveryCodes(db, person.id)).toBe(RECOVERY_CODE_COUNT - 1);
	});

	it('refuse a wrong code, another person’s code and an unknown email alike', async () => {
		const ana = await signUpWithPasskey(db);
		const bo = await signUpWithPasskey(db);
		const failures = await Promise.all([
			refusal(recover(ana.email, '0000-0000-0000-0000')),
			refusal(recover(ana.email, bo.recoveryCodes[0]!)),
			refusal(recover(`nobody-${crypto.randomUUID()}@example.org`, ana.recoveryCodes[0]!)),
			refusal(recover(ana.email, 'not a code'))
		]);
		for (const failure of failures) {
			expect(failure.code).toBe('recovery_failed');
			expect(failure.status).toBe(400);
			expect(failure.message).toBe(failures[0]?.message);
		}
		expect(await unusedRecoveryCodes(db, ana.person.id)).toBe(RECOVERY_CODE_COUNT);
		expect(await unusedRecoveryCodes(db, bo.person.id)).toBe(RECOVERY_CODE_COUNT);
	});

	it('work only for an active person (not a merged one)', async () => {
		const { person, email, recoveryCodes: codes } = await signUpWithPasskey(db);
		await db.update(people).set({ status: 'merged' }).where(eq(people.id, person.id));
		expect((await refusal(recover(email, codes[0]!))).code).toBe('recovery_failed');
	});

	it('are spent once even when sign-ins race with the same code', async () => {
		const { person, email, recoveryCodes: codes } = await signUpWithPasskey(db);
		const [before] = await db
			.select({ sessions: count() })
			.from(sessions)
			.where(eq(sessions.personId, person.id));
		const results = await Promise.allSettled(
			Array.from({ length: 6 }, () => recover(email, codes[0]!))
		);
		expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
		for (const result of results) {
			if (result.status === 'rejected') {
				expect(result.reason).toBeInstanceOf(AuthFailure);
				expect((result.reason as AuthFailure).code).toBe('recovery_failed');
			}
		}
		const [after] = await db
			.select({ sessions: count() })
			.from(sessions)
			.where(eq(sessions.personId, person.id));
		expect((after?.sessions ?? 0) - (before?.sessions ?? 0)).toBe(1);
		expect(await unusedRecoveryCodes(db, person.id)).toBe(RECOVERY_CODE_COUNT - 1);
	});

	it('once regenerated, the old codes stop working and ten new ones do', async () => {
		const { person, email, recoveryCodes: old } = await signUpWithPasskey(db);
		await recover(email, old[0]!);
		const fresh = await regenerateRecoveryCodes(db, person.id);
		expect(fresh).toHaveLength(RECOVERY_CODE_COUNT);
		expect(fresh.some((code) => old.includes(code))).toBe(false);
		expect(await unusedRecoveryCodes(db, person.id)).toBe(RECOVERY_CODE_COUNT);
		expect((await refusal(recover(email, old[1]!))).code).toBe('recovery_failed');
		expect((await recover(email, fresh[0]!)).recoveryCodesLeft).toBe(RECOVERY_CODE_COUNT - 1);
	});
});
