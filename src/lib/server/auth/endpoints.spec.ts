/**
 * The endpoints themselves: malformed input ends in 400 before any database work, and the
 * answers that need no database have their documented shape.
 */
import { describe, expect, it } from 'vitest';
import { POST as recoverySignIn } from '../../../routes/api/auth/recovery/signin/+server';
import { POST as signUpOptions } from '../../../routes/api/auth/signup/options/+server';
import { POST as signUpVerify } from '../../../routes/api/auth/signup/verify/+server';
import { POST as signInOptions } from '../../../routes/api/auth/signin/options/+server';
import { POST as signInVerify } from '../../../routes/api/auth/signin/verify/+server';
import { POST as signOut } from '../../../routes/api/auth/signout/+server';
import { GET as me } from '../../../routes/api/auth/me/+server';
import { POST as testSignIn } from '../../../routes/api/test/signin/+server';
import type { SessionPerson } from '$lib/domain/auth-api';
import { SESSION_COOKIE } from './session';
import { TestCookies, callRoute } from '$lib/server/testing/routes';

const credential = { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {} };

describe('auth endpoints', () => {
	it.each([
		['sign-up options, not JSON', signUpOptions, '{"displayName":'],
		['sign-up options, no email', signUpOptions, '{"displayName":"Ana"}'],
		['sign-up options, bad email', signUpOptions, '{"displayName":"Ana","email":"ana"}'],
		['sign-up options, blank name', signUpOptions, '{"displayName":"  ","email":"a@b.org"}'],
		['sign-up options, an array', signUpOptions, '[]'],
		['sign-up verify, empty', signUpVerify, '{}'],
		[
			'sign-up verify, no attestation',
			signUpVerify,
			JSON.stringify({ response: { ...credential, response: { clientDataJSON: 'e30' } } })
		],
		[
			'sign-up verify, wrong type',
			signUpVerify,
			JSON.stringify({
				response: {
					...credential,
					type: 'password',
					response: { clientDataJSON: 'e30', attestationObject: 'oA' }
				}
			})
		],
		['sign-in options, not an object', signInOptions, '"hello"'],
		['sign-in verify, not JSON', signInVerify, 'nope'],
		[
			'sign-in verify, no signature',
			signInVerify,
			JSON.stringify({
				response: { ...credential, response: { clientDataJSON: 'e30', authenticatorData: 'AA' } }
			})
		],
		[
			'sign-in verify, not base64url',
			signInVerify,
			JSON.stringify({
				response: {
					...credential,
					response: { clientDataJSON: 'e30', authenticatorData: 'A A', signature: 'AA' }
				}
			})
		],
		['recovery, not JSON', recoverySignIn, '{"email":'],
		['recovery, no code', recoverySignIn, '{"email":"ana@example.org"}'],
		['recovery, blank code', recoverySignIn, '{"email":"ana@example.org","code":"  "}'],
		['recovery, code not a string', recoverySignIn, '{"email":"ana@example.org","code":7}'],
		['recovery, bad email', recoverySignIn, '{"email":"ana","code":"7KQD-4MXR-9PTW-3HNB"}'],
		['recovery, an array', recoverySignIn, '[]']
	] as const)('%s → 400', async (_name, handler, body) => {
		expect((await callRoute(handler, { body })).status).toBe(400);
	});

	it('me answers null without a session, and the person with one, never cached', async () => {
		const anonymous = await callRoute(me);
		expect(anonymous.headers.get('cache-control')).toBe('no-store');
		expect(await anonymous.json()).toEqual({ person: null });

		const person: SessionPerson = {
			id: '0190f5a8-0000-7000-8000-000000000001',
			displayName: 'Ana',
			email: 'ana@example.org',
			roles: ['member']
		};
		const signedIn = await callRoute(me, { locals: { person, sessionId: 'x' } });
		expect(await signedIn.json()).toEqual({ person });
	});

	it('sign-out without a session still clears the cookie and answers ok', async () => {
		const cookies = new TestCookies();
		cookies.set(SESSION_COOKIE, 'stale', { path: '/' });
		const response = await callRoute(signOut, { body: '{}', cookies });
		expect(await response.json()).toEqual({ ok: true });
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('the end-to-end sign-in does not exist unless the server is started for it', async () => {
		const cookies = new TestCookies();
		const body = JSON.stringify({ email: 'amara@example.org' });
		const response = await callRoute(testSignIn, { body, cookies });
		expect(response.status).toBe(404);
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});
});
