/**
 * Several passkeys per person, through the real endpoints: add (with the ones held excluded),
 * list, rename, revoke — each only by their owner — and sign out everywhere.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passkeysAnswerSchema, type SessionPerson } from '$lib/domain/auth-api';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { credentials, recoveryCodes, sessions } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { GET as listPasskeys } from '../../../routes/api/auth/passkeys/+server';
import { POST as addOptions } from '../../../routes/api/auth/passkeys/options/+server';
import { POST as addVerify } from '../../../routes/api/auth/passkeys/verify/+server';
import {
	DELETE as revokePasskey,
	PATCH as renamePasskey
} from '../../../routes/api/auth/passkeys/[id]/+server';
import { POST as regenerate } from '../../../routes/api/auth/recovery/regenerate/+server';
import { POST as signOutEverywhere } from '../../../routes/api/auth/signout/everywhere/+server';
import { CHALLENGE_COOKIE } from './challenges';
import { SESSION_COOKIE, readSession } from './session';
import type { SoftwareAuthenticator } from './software-authenticator';
import { SPEC_URL, signUpWithPasskey, softwareAuthenticator } from './spec-support';
import { finishSignIn, startSignIn } from './webauthn';
import { TestCookies, callRoute, serveEndpointsFrom } from '$lib/server/testing/routes';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	serveEndpointsFrom(handle);
});
afterAll(() => handle.close());

/** A signed-up person, as the session hook would present them to the endpoints. */
async function member() {
	const signedUp = await signUpWithPasskey(db);
	const session = await readSession(signedUp.cookies, db);
	if (!session) throw new Error('no session after sign-up');
	const locals: App.Locals = { person: session.person, sessionId: session.id };
	return { ...signedUp, locals };
}

async function passkeysOf(locals: App.Locals) {
	const response = await callRoute(listPasskeys, { locals });
	expect(response.status).toBe(200);
	return passkeysAnswerSchema.parse(await response.json());
}

/** Add a passkey through the two endpoints, as the browser does. */
async function addPasskey(
	locals: App.Locals,
	authenticator: SoftwareAuthenticator = softwareAuthenticator(),
	name?: string
) {
	const cookies = new TestCookies();
	const options = await (await callRoute(addOptions, { body: '{}', locals, cookies })).json();
	const body = JSON.stringify({ response: authenticator.register(options), name });
	const response = await callRoute(addVerify, { body, locals, cookies });
	return { options, response, authenticator };
}

async function signInWith(authenticator: SoftwareAuthenticator): Promise<SessionPerson> {
	const cookies = new TestCookies();
	const options = await startSignIn(db, cookies, SPEC_URL);
	return finishSignIn(db, cookies, SPEC_URL, authenticator.authenticate(options));
}

describe('several passkeys', () => {
	it('adds a second passkey, excluding the first, and either one signs in', async () => {
		const ana = await member();
		const { options, response, authenticator } = await addPasskey(ana.locals, undefined, 'Laptop');
		expect(options.excludeCredentials).toEqual([
			expect.objectContaining({ id: ana.authenticator.credentialId, type: 'public-key' })
		]);
		expect(options.user).toMatchObject({ name: ana.email, displayName: 'Ana' });
		expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required' });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			passkey: { id: authenticator.credentialId, name: 'Laptop', lastUsedAt: null }
		});

		const { passkeys } = await passkeysOf(ana.locals);
		expect(passkeys.map((passkey) => passkey.id)).toEqual([
			ana.authenticator.credentialId,
			authenticator.credentialId
		]);
		expect(passkeys[0]).toMatchObject({ name: null, backedUp: false });
		expect(passkeys[0]?.lastUsedAt).not.toBeNull();

		expect((await signInWith(authenticator)).id).toBe(ana.person.id);
		expect((await signInWith(ana.authenticator)).id).toBe(ana.person.id);
		const after = await passkeysOf(ana.locals);
		expect(after.passkeys[1]?.lastUsedAt).not.toBeNull();
	});

	it('refuses to register the same passkey twice', async () => {
		const ana = await member();
		const { response } = await addPasskey(ana.locals, ana.authenticator);
		expect(response.status).toBe(409);
		expect(await response.json()).toMatchObject({ error: 'passkey_exists' });
	});

	it('will not add a passkey to someone else with their challenge', async () => {
		const ana = await member();
		const bo = await member();
		const cookies = new TestCookies();
		const options = await (
			await callRoute(addOptions, { body: '{}', locals: bo.locals, cookies })
		).json();
		// Ana presents Bo's challenge (a stolen cookie) to add a passkey for herself.
		const body = JSON.stringify({ response: softwareAuthenticator().register(options) });
		const response = await callRoute(addVerify, { body, locals: ana.locals, cookies });
		expect(response.status).toBe(400);
		expect((await passkeysOf(ana.locals)).passkeys).toHaveLength(1);
		expect((await passkeysOf(bo.locals)).passkeys).toHaveLength(1);
	});

	it('will not add a passkey with a sign-up challenge', async () => {
		const ana = await member();
		const cookies = new TestCookies();
		const stranger = await signUpWithPasskey(db);
		cookies.set(CHALLENGE_COOKIE, stranger.cookies.get(CHALLENGE_COOKIE) ?? 'none', { path: '/' });
		const options = await (
			await callRoute(addOptions, { body: '{}', locals: ana.locals, cookies: new TestCookies() })
		).json();
		const body = JSON.stringify({ response: softwareAuthenticator().register(options) });
		expect((await callRoute(addVerify, { body, locals: ana.locals, cookies })).status).toBe(400);
	});

	it('renames only the owner’s passkey', async () => {
		const ana = await member();
		const bo = await member();
		const id = ana.authenticator.credentialId;
		const rename = (locals: App.Locals, name: string) =>
			callRoute(renamePasskey, {
				method: 'PATCH',
				body: JSON.stringify({ name }),
				locals,
				params: { id }
			});

		const byBo = await rename(bo.locals, 'Mine now');
		expect(byBo.status).toBe(404);
		expect(await byBo.json()).toMatchObject({ error: 'not_found' });

		const byAna = await rename(ana.locals, '  Phone  ');
		expect(byAna.status).toBe(200);
		expect(await byAna.json()).toMatchObject({ passkey: { id, name: 'Phone' } });
		const [row] = await db.select().from(credentials).where(eq(credentials.id, id));
		expect(row?.name).toBe('Phone');
	});

	it('revokes only the owner’s passkey; a revoked one no longer signs in', async () => {
		const ana = await member();
		const bo = await member();
		const { authenticator: second } = await addPasskey(ana.locals);
		const revoke = (locals: App.Locals, id: string) =>
			callRoute(revokePasskey, { method: 'DELETE', locals, params: { id } });

		expect((await revoke(bo.locals, second.credentialId)).status).toBe(404);
		expect((await passkeysOf(ana.locals)).passkeys).toHaveLength(2);

		const revoked = await revoke(ana.locals, second.credentialId);
		expect(revoked.status).toBe(200);
		expect((await passkeysOf(ana.locals)).passkeys).toHaveLength(1);
		await expect(signInWith(second)).rejects.toMatchObject({ code: 'unknown_credential' });
		expect((await revoke(ana.locals, 'not base64url!')).status).toBe(404);
	});

	it('refuses to revoke the last passkey when no recovery code is left, allows it otherwise', async () => {
		const ana = await member();
		const id = ana.authenticator.credentialId;
		const revoke = () =>
			callRoute(revokePasskey, { method: 'DELETE', locals: ana.locals, params: { id } });

		await db
			.update(recoveryCodes)
			.set({ usedAt: new Date() })
			.where(eq(recoveryCodes.personId, ana.person.id));
		const refused = await revoke();
		expect(refused.status).toBe(409);
		expect(await refused.json()).toMatchObject({ error: 'last_sign_in_method' });
		expect((await passkeysOf(ana.locals)).passkeys).toHaveLength(1);

		const codes = await callRoute(regenerate, { body: '{}', locals: ana.locals });
		expect(codes.status).toBe(200);
		expect((await passkeysOf(ana.locals)).recoveryCodesLeft).toBe(10);
		expect((await revoke()).status).toBe(200);
		expect((await passkeysOf(ana.locals)).passkeys).toEqual([]);
	});

	it('never lets two revocations at once take away the last passkey', async () => {
		// Several people at once, so that revocations really interleave on a server pool.
		const people = await Promise.all(
			Array.from({ length: 6 }, async () => {
				const person = await member();
				const { authenticator: second } = await addPasskey(person.locals);
				await db.delete(recoveryCodes).where(eq(recoveryCodes.personId, person.person.id));
				return { person, ids: [person.authenticator.credentialId, second.credentialId] };
			})
		);
		const results = await Promise.all(
			people.flatMap(({ person, ids }) =>
				ids.map((id) =>
					callRoute(revokePasskey, { method: 'DELETE', locals: person.locals, params: { id } })
				)
			)
		);
		expect(results.filter((response) => response.status === 200)).toHaveLength(people.length);
		for (const { person } of people) {
			expect((await passkeysOf(person.locals)).passkeys).toHaveLength(1);
		}
	});
});

describe('sign out everywhere', () => {
	it('ends every session of the person, this browser’s too, and nobody else’s', async () => {
		const ana = await member();
		const bo = await member();
		const laptop = new TestCookies();
		const options = await startSignIn(db, laptop, SPEC_URL);
		await finishSignIn(db, laptop, SPEC_URL, ana.authenticator.authenticate(options));
		expect(await readSession(laptop, db)).not.toBeNull();

		const response = await callRoute(signOutEverywhere, {
			body: '{}',
			locals: ana.locals,
			cookies: ana.cookies
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ ended: 2 });
		expect(ana.cookies.get(SESSION_COOKIE)).toBeUndefined();
		expect(await readSession(laptop, db)).toBeNull();
		expect(await db.select().from(sessions).where(eq(sessions.personId, ana.person.id))).toEqual(
			[]
		);
		expect(await readSession(bo.cookies, db)).not.toBeNull();
	});
});

describe('the passkey endpoints’ edges', () => {
	const signedOut: App.Locals = { person: null, sessionId: null };

	it.each([
		['list', () => callRoute(listPasskeys, { locals: signedOut })],
		['add options', () => callRoute(addOptions, { body: '{}', locals: signedOut })],
		['add verify', () => callRoute(addVerify, { body: '{}', locals: signedOut })],
		[
			'rename',
			() =>
				callRoute(renamePasskey, {
					method: 'PATCH',
					body: '{"name":"x"}',
					locals: signedOut,
					params: { id: 'abc' }
				})
		],
		[
			'revoke',
			() => callRoute(revokePasskey, { method: 'DELETE', locals: signedOut, params: { id: 'abc' } })
		],
		['regenerate codes', () => callRoute(regenerate, { body: '{}', locals: signedOut })],
		['sign out everywhere', () => callRoute(signOutEverywhere, { body: '{}', locals: signedOut })]
	])('%s answers 401 without a session', async (_name, call) => {
		expect((await call()).status).toBe(401);
	});

	it.each([
		['add options, not an object', addOptions, '[]'],
		['add verify, no response', addVerify, '{}'],
		['add verify, not JSON', addVerify, '{"response":'],
		['add verify, blank name', addVerify, JSON.stringify({ response: {}, name: ' ' })],
		['rename, blank name', renamePasskey, '{"name":"   "}'],
		['rename, name too long', renamePasskey, JSON.stringify({ name: 'x'.repeat(61) })],
		['rename, NUL in name', renamePasskey, JSON.stringify({ name: 'a\u0000b' })],
		['regenerate, not an object', regenerate, '"please"']
	] as const)('%s → 400', async (_name, handler, body) => {
		const ana = await member();
		const response = await callRoute(handler, {
			method: handler === renamePasskey ? 'PATCH' : 'POST',
			body,
			locals: ana.locals,
			params: { id: ana.authenticator.credentialId }
		});
		expect(response.status).toBe(400);
	});
});
