import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpStartSchema } from '$lib/domain/auth-api';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { authChallenges, credentials, people } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { CHALLENGE_COOKIE, CHALLENGE_LIFETIME_MS, takeChallenge } from './challenges';
import { AuthFailure, authResponse } from './failure';
import { SESSION_COOKIE, readSession } from './session';
import { SoftwareAuthenticator } from './software-authenticator';
import { insertPerson } from './spec-support';
import { finishSignIn, finishSignUp, startSignIn, startSignUp } from './webauthn';
import { TestCookies } from '$lib/server/testing/routes';

const URL_ = new URL('https://gather.example.org/api/auth/signup/options');
const ORIGIN = 'https://gather.example.org';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

function uniqueEmail(): string {
	return `person-${crypto.randomUUID()}@example.org`;
}

async function refusal(promise: Promise<unknown>): Promise<AuthFailure> {
	const caught = await promise.then(
		() => null,
		(error: unknown) => error
	);
	if (!(caught instanceof AuthFailure))
		throw new Error(`expected an AuthFailure, got ${String(caught)}`);
	return caught;
}

/** A person signed up through the real ceremony with a software passkey. */
async function signUp(email = uniqueEmail()) {
	const authenticator = new SoftwareAuthenticator(ORIGIN);
	const cookies = new TestCookies();
	const options = await startSignUp(db, cookies, URL_, { displayName: 'Ana', email });
	const { person, recoveryCodes } = await finishSignUp(
		db,
		cookies,
		URL_,
		authenticator.register(options)
	);
	return { authenticator, cookies, person, recoveryCodes };
}

describe('sign-up options', () => {
	it('asks for a discoverable passkey for this site, without attestation', async () => {
		const cookies = new TestCookies();
		const options = await startSignUp(db, cookies, URL_, {
			displayName: 'Ana',
			email: uniqueEmail()
		});
		expect(options.rp).toEqual({ id: 'gather.example.org', name: 'Gather' });
		expect(options.attestation).toBe('none');
		expect(options.authenticatorSelection).toMatchObject({
			residentKey: 'required',
			userVerification: 'preferred'
		});
		expect(options.user.displayName).toBe('Ana');
		expect(cookies.options.get(CHALLENGE_COOKIE)).toMatchObject({
			httpOnly: true,
			path: '/api/auth',
			maxAge: CHALLENGE_LIFETIME_MS / 1000
		});
	});

	it('stores the challenge with a 5-minute expiry and lets it be taken once', async () => {
		const cookies = new TestCookies();
		const options = await startSignUp(db, cookies, URL_, {
			displayName: 'Ana',
			email: uniqueEmail()
		});
		const id = cookies.get(CHALLENGE_COOKIE) ?? '';
		const [row] = await db.select().from(authChallenges).where(eq(authChallenges.id, id));
		expect(row?.challenge).toBe(options.challenge);
		expect(row?.purpose).toBe('register');
		const left = (row?.expiresAt.getTime() ?? 0) - Date.now();
		expect(left).toBeGreaterThan(CHALLENGE_LIFETIME_MS - 10_000);
		expect(left).toBeLessThanOrEqual(CHALLENGE_LIFETIME_MS);

		const replay = new TestCookies();
		replay.set(CHALLENGE_COOKIE, id, { path: '/api/auth' });
		expect((await takeChallenge(db, cookies, 'register'))?.challenge).toBe(options.challenge);
		expect(cookies.get(CHALLENGE_COOKIE)).toBeUndefined();
		expect(await takeChallenge(db, replay, 'register')).toBeNull();
	});

	it('refuses an expired challenge, and one made for the other ceremony', async () => {
		const cookies = new TestCookies();
		await startSignUp(db, cookies, URL_, { displayName: 'Ana', email: uniqueEmail() });
		const id = cookies.get(CHALLENGE_COOKIE) ?? '';
		const other = new TestCookies();
		other.set(CHALLENGE_COOKIE, id, { path: '/api/auth' });
		expect(await takeChallenge(db, other, 'authenticate')).toBeNull();

		await db
			.update(authChallenges)
			.set({ expiresAt: new Date(Date.now() - 1) })
			.where(eq(authChallenges.id, id));
		expect(await takeChallenge(db, cookies, 'register')).toBeNull();
	});

	it('answers 409 email_taken when a person already has the email, whatever its case', async () => {
		const email = uniqueEmail();
		await insertPerson(db, { email });
		const cookies = new TestCookies();
		// As the endpoint does: the body goes through the schema, which normalises the email.
		const body = signUpStartSchema.parse({ displayName: 'Ana', email: ` ${email.toUpperCase()} ` });
		const response = await authResponse(() => startSignUp(db, cookies, URL_, body));
		expect(response.status).toBe(409);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(await response.json()).toMatchObject({ error: 'email_taken' });
		expect(cookies.get(CHALLENGE_COOKIE)).toBeUndefined();
	});
});

describe('sign-up verification', () => {
	it('creates the person, the passkey and a session in one go', async () => {
		const email = uniqueEmail();
		const { authenticator, cookies, person } = await signUp(email);
		expect(person).toMatchObject({ displayName: 'Ana', email, roles: ['member', 'volunteer'] });
		const [row] = await db.select().from(people).where(eq(people.id, person.id));
		expect(row?.version).toBeGreaterThan(0);
		const [credential] = await db
			.select()
			.from(credentials)
			.where(eq(credentials.id, authenticator.credentialId));
		expect(credential).toMatchObject({ personId: person.id, transports: ['internal'] });
		expect(credential?.publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
		expect((await readSession(cookies, db))?.person).toEqual(person);
	});

	it('refuses a response for another origin without creating anyone', async () => {
		const email = uniqueEmail();
		const cookies = new TestCookies();
		const options = await startSignUp(db, cookies, URL_, { displayName: 'Ana', email });
		const impostor = new SoftwareAuthenticator('https://evil.example.com');
		const failure = await refusal(finishSignUp(db, cookies, URL_, impostor.register(options)));
		expect(failure.code).toBe('verification_failed');
		expect(failure.status).toBe(400);
		expect(await db.select().from(people).where(eq(people.email, email))).toEqual([]);
	});

	it('does not verify twice with one challenge', async () => {
		const cookies = new TestCookies();
		const options = await startSignUp(db, cookies, URL_, {
			displayName: 'Ana',
			email: uniqueEmail()
		});
		const id = cookies.get(CHALLENGE_COOKIE) ?? '';
		const response = new SoftwareAuthenticator(ORIGIN).register(options);
		await finishSignUp(db, cookies, URL_, response);
		const replay = new TestCookies();
		replay.set(CHALLENGE_COOKIE, id, { path: '/api/auth' });
		const failure = await refusal(finishSignUp(db, replay, URL_, response));
		expect(failure.code).toBe('verification_failed');
	});

	it('answers email_taken when another sign-up took the email meanwhile', async () => {
		const email = uniqueEmail();
		const first = new TestCookies();
		const second = new TestCookies();
		const firstOptions = await startSignUp(db, first, URL_, { displayName: 'Ana', email });
		const secondOptions = await startSignUp(db, second, URL_, { displayName: 'Ana', email });
		await finishSignUp(db, first, URL_, new SoftwareAuthenticator(ORIGIN).register(firstOptions));
		const failure = await refusal(
			finishSignUp(db, second, URL_, new SoftwareAuthenticator(ORIGIN).register(secondOptions))
		);
		expect(failure.code).toBe('email_taken');
		expect(second.get(SESSION_COOKIE)).toBeUndefined();
	});
});

describe('sign-in', () => {
	it('signs in with a discoverable passkey and moves its counter', async () => {
		const { authenticator, person } = await signUp();
		const cookies = new TestCookies();
		const options = await startSignIn(db, cookies, URL_);
		expect(options.allowCredentials ?? []).toEqual([]);
		expect(options.userVerification).toBe('preferred');
		expect(options.rpId).toBe('gather.example.org');
		const signedIn = await finishSignIn(db, cookies, URL_, authenticator.authenticate(options));
		expect(signedIn).toEqual(person);
		expect((await readSession(cookies, db))?.person.id).toBe(person.id);
		const [credential] = await db
			.select()
			.from(credentials)
			.where(eq(credentials.id, authenticator.credentialId));
		expect(credential?.counter).toBe(2);
		expect(credential?.lastUsedAt).toBeInstanceOf(Date);
	});

	it('answers 400 unknown_credential for a passkey nobody registered here', async () => {
		const cookies = new TestCookies();
		const options = await startSignIn(db, cookies, URL_);
		const stranger = new SoftwareAuthenticator(ORIGIN);
		const response = await authResponse(() =>
			finishSignIn(db, cookies, URL_, stranger.authenticate(options))
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: 'unknown_credential' });
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('refuses a forged signature and a replayed assertion', async () => {
		const { authenticator } = await signUp();
		const cookies = new TestCookies();
		const options = await startSignIn(db, cookies, URL_);
		const assertion = authenticator.authenticate(options);
		const forged = {
			...assertion,
			response: { ...assertion.response, signature: assertion.response.authenticatorData }
		};
		const id = cookies.get(CHALLENGE_COOKIE) ?? '';
		expect((await refusal(finishSignIn(db, cookies, URL_, forged))).code).toBe(
			'verification_failed'
		);
		const replay = new TestCookies();
		replay.set(CHALLENGE_COOKIE, id, { path: '/api/auth' });
		expect((await refusal(finishSignIn(db, replay, URL_, assertion))).code).toBe(
			'verification_failed'
		);
	});

	it('refuses a user handle that names someone else', async () => {
		const { authenticator } = await signUp();
		authenticator.userHandle = 'c29tZW9uZS1lbHNl';
		const cookies = new TestCookies();
		const options = await startSignIn(db, cookies, URL_);
		const failure = await refusal(
			finishSignIn(db, cookies, URL_, authenticator.authenticate(options))
		);
		expect(failure.code).toBe('verification_failed');
	});
});
