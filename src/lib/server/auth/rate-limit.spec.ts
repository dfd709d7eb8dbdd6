import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { rateLimits } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { POST as recoverySignIn } from '../../../routes/api/auth/recovery/signin/+server';
import { POST as signInOptions } from '../../../routes/api/auth/signin/options/+server';
import { POST as signInVerify } from '../../../routes/api/auth/signin/verify/+server';
import { authResponse, RateLimited } from './failure';
import { enforceRateLimits, hit, RATE_RULES, type RateRule } from './rate-limit';
import { SESSION_COOKIE } from './session';
import { signUpWithPasskey, softwareAuthenticator } from './spec-support';
import { TestCookies, callRoute, serveEndpointsFrom } from '$lib/server/testing/routes';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	serveEndpointsFrom(handle);
});
afterAll(() => handle.close());

const rule: RateRule = { limit: 3, windowSeconds: 600 };
const uniqueKey = () => `spec:${crypto.randomUUID()}`;

/** Move a key's window into the past, as if `seconds` had gone by. */
async function age(key: string, seconds: number) {
	await db
		.update(rateLimits)
		.set({ windowStart: sql`${rateLimits.windowStart} - make_interval(secs => ${seconds}::int)` })
		.where(eq(rateLimits.key, key));
}

describe('fixed-window rate limit', () => {
	it('allows the limit, refuses the next attempt, and says how long to wait', async () => {
		const key = uniqueKey();
		const hits = [];
		for (let attempt = 0; attempt < 4; attempt++) hits.push(await hit(db, key, rule));
		expect(hits.map((result) => result.attempts)).toEqual([1, 2, 3, 4]);
		expect(hits.map((result) => result.allowed)).toEqual([true, true, true, false]);
		expect(hits[3]?.retryAfterSeconds).toBeGreaterThan(590);
		expect(hits[3]?.retryAfterSeconds).toBeLessThanOrEqual(600);
	});

	it('starts a new window once the last one has ended', async () => {
		const key = uniqueKey();
		for (let attempt = 0; attempt < 4; attempt++) await hit(db, key, rule);
		await age(key, 300);
		const stillLimited = await hit(db, key, rule);
		expect(stillLimited.allowed).toBe(false);
		expect(stillLimited.retryAfterSeconds).toBeLessThanOrEqual(300);
		await age(key, 300);
		expect(await hit(db, key, rule)).toMatchObject({ attempts: 1, allowed: true });
	});

	it('keeps each key apart', async () => {
		const busy = uniqueKey();
		for (let attempt = 0; attempt < 4; attempt++) await hit(db, busy, rule);
		expect(await hit(db, uniqueKey(), rule)).toMatchObject({ attempts: 1, allowed: true });
	});

	it('counts attempts made at the same moment exactly once each', async () => {
		const key = uniqueKey();
		const results = await Promise.all(
			Array.from({ length: 12 }, () => hit(db, key, { limit: 100, windowSeconds: 60 }))
		);
		expect(results.map((result) => result.attempts).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 12 }, (_, index) => index + 1)
		);
	});

	it('sweeps windows that ended long ago when a new one starts', async () => {
		const old = uniqueKey();
		await hit(db, old, rule);
		await age(old, 2 * 24 * 3600);
		await hit(db, uniqueKey(), rule);
		expect(await db.select().from(rateLimits).where(eq(rateLimits.key, old))).toEqual([]);
	});

	it('refuses with 429, a translated message and Retry-After when any key is over', async () => {
		const ip = uniqueKey();
		const account = uniqueKey();
		const attempts = [
			{ key: ip, rule: { limit: 10, windowSeconds: 60 } },
			{ key: account, rule: { limit: 1, windowSeconds: 900 } }
		];
		await enforceRateLimits(db, attempts);
		const refused = await authResponse(() => enforceRateLimits(db, attempts));
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(890);
		expect(refused.headers.get('cache-control')).toBe('no-store');
		expect(await refused.json()).toEqual({
			error: 'rate_limited',
			message: 'Too many attempts. Try again in 15 min.'
		});
		await expect(enforceRateLimits(db, attempts)).rejects.toBeInstanceOf(RateLimited);
	});
});

describe('limited endpoints', () => {
	it('recovery-code sign-in: 429 after the limit per email, even for the right code', async () => {
		const { email, recoveryCodes } = await signUpWithPasskey(db);
		const wrong = JSON.stringify({ email, code: '0000-0000-0000-0000' });
		for (let attempt = 0; attempt < RATE_RULES.recoveryPerAccount.limit; attempt++) {
			// A different address each time: the per-email key alone stops this.
			const response = await callRoute(recoverySignIn, {
				body: wrong,
				ip: `198.51.100.${attempt}`
			});
			expect(response.status).toBe(400);
		}
		const cookies = new TestCookies();
		const right = JSON.stringify({ email, code: recoveryCodes[0] });
		const limited = await callRoute(recoverySignIn, { body: right, cookies, ip: '203.0.113.9' });
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('recovery-code sign-in: 429 after the limit per address, whatever the email', async () => {
		const ip = '203.0.113.77';
		for (let attempt = 0; attempt < RATE_RULES.recoveryPerIp.limit; attempt++) {
			const body = JSON.stringify({
				email: `x${attempt}@example.org`,
				code: 'AAAA-AAAA-AAAA-AAAA'
			});
			expect((await callRoute(recoverySignIn, { body, ip })).status).toBe(400);
		}
		const body = JSON.stringify({ email: 'another@example.org', code: 'AAAA-AAAA-AAAA-AAAA' });
		expect((await callRoute(recoverySignIn, { body, ip })).status).toBe(429);
		expect((await callRoute(recoverySignIn, { body, ip: '203.0.113.78' })).status).toBe(400);
	});

	it('passkey sign-in verification: 429 after the limit per passkey', async () => {
		const { authenticator } = await signUpWithPasskey(db);
		const stranger = softwareAuthenticator();
		for (let attempt = 0; attempt < RATE_RULES.signInPerCredential.limit; attempt++) {
			const cookies = new TestCookies();
			const options = await (await callRoute(signInOptions, { body: '{}', cookies })).json();
			// A forged signature: the stranger's key signs for the real passkey's id.
			const forged = { ...stranger.authenticate(options), id: authenticator.credentialId };
			forged.rawId = authenticator.credentialId;
			const body = JSON.stringify({ response: forged });
			const response = await callRoute(signInVerify, {
				body,
				cookies,
				ip: `198.51.100.${attempt}`
			});
			expect(response.status).toBe(400);
		}
		const cookies = new TestCookies();
		const options = await (await callRoute(signInOptions, { body: '{}', cookies })).json();
		const body = JSON.stringify({ response: authenticator.authenticate(options) });
		const limited = await callRoute(signInVerify, { body, cookies, ip: '203.0.113.10' });
		expect(limited.status).toBe(429);
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('passkey sign-in verification: 429 after the limit per address, whatever the passkey', async () => {
		const { authenticator } = await signUpWithPasskey(db);
		const ip = '203.0.113.30';
		for (let attempt = 0; attempt < RATE_RULES.signInPerIp.limit; attempt++) {
			// A new made-up passkey each time: the per-address key alone stops this.
			const stranger = softwareAuthenticator();
			const cookies = new TestCookies();
			const options = await (await callRoute(signInOptions, { body: '{}', cookies })).json();
			const body = JSON.stringify({ response: stranger.authenticate(options) });
			expect((await callRoute(signInVerify, { body, cookies, ip })).status).toBe(400);
		}
		const signIn = async (from: string) => {
			const cookies = new TestCookies();
			const options = await (await callRoute(signInOptions, { body: '{}', cookies })).json();
			const body = JSON.stringify({ response: authenticator.authenticate(options) });
			const response = await callRoute(signInVerify, { body, cookies, ip: from });
			return { status: response.status, session: cookies.get(SESSION_COOKIE) };
		};
		expect(await signIn(ip)).toEqual({ status: 429, session: undefined });
		expect((await signIn('203.0.113.31')).status).toBe(200);
	});
});
