/**
 * The endpoints themselves: malformed input ends in 400 before any database work, and the
 * answers that need no database have their documented shape.
 */
import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { POST as signUpOptions } from '../../../routes/api/auth/signup/options/+server';
import { POST as signUpVerify } from '../../../routes/api/auth/signup/verify/+server';
import { POST as signInOptions } from '../../../routes/api/auth/signin/options/+server';
import { POST as signInVerify } from '../../../routes/api/auth/signin/verify/+server';
import { POST as signOut } from '../../../routes/api/auth/signout/+server';
import { GET as me } from '../../../routes/api/auth/me/+server';
import type { SessionPerson } from '$lib/domain/auth-api';
import { SESSION_COOKIE } from './session';
import { TestCookies } from './spec-support';

/** Each handler takes its own route's RequestEvent: the stand-in takes the type asked for. */
function event<Event extends RequestEvent>(
	body: string | null,
	locals: App.Locals = { person: null, sessionId: null },
	cookies = new TestCookies()
): Event {
	const url = new URL('https://gather.example.org/api/auth/test');
	const request = new Request(url, {
		method: body === null ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body
	});
	// Only the fields the auth handlers read; the rest of RequestEvent is SvelteKit's business.
	return { request, url, cookies, locals } as unknown as Event;
}

type Call = (body: string) => Response | Promise<Response>;

async function status(call: Call, body: string): Promise<number> {
	try {
		return (await call(body)).status;
	} catch (caught) {
		if (isHttpError(caught)) return caught.status;
		throw caught;
	}
}

const signUpOptionsCall: Call = (body) => signUpOptions(event(body));
const signUpVerifyCall: Call = (body) => signUpVerify(event(body));
const signInOptionsCall: Call = (body) => signInOptions(event(body));
const signInVerifyCall: Call = (body) => signInVerify(event(body));

const credential = { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {} };

describe('auth endpoints', () => {
	it.each([
		['sign-up options, not JSON', signUpOptionsCall, '{"displayName":'],
		['sign-up options, no email', signUpOptionsCall, '{"displayName":"Ana"}'],
		['sign-up options, bad email', signUpOptionsCall, '{"displayName":"Ana","email":"ana"}'],
		['sign-up options, blank name', signUpOptionsCall, '{"displayName":"  ","email":"a@b.org"}'],
		['sign-up options, an array', signUpOptionsCall, '[]'],
		['sign-up verify, empty', signUpVerifyCall, '{}'],
		[
			'sign-up verify, no attestation',
			signUpVerifyCall,
			JSON.stringify({ response: { ...credential, response: { clientDataJSON: 'e30' } } })
		],
		[
			'sign-up verify, wrong type',
			signUpVerifyCall,
			JSON.stringify({
				response: {
					...credential,
					type: 'password',
					response: { clientDataJSON: 'e30', attestationObject: 'oA' }
				}
			})
		],
		['sign-in options, not an object', signInOptionsCall, '"hello"'],
		['sign-in verify, not JSON', signInVerifyCall, 'nope'],
		[
			'sign-in verify, no signature',
			signInVerifyCall,
			JSON.stringify({
				response: { ...credential, response: { clientDataJSON: 'e30', authenticatorData: 'AA' } }
			})
		],
		[
			'sign-in verify, not base64url',
			signInVerifyCall,
			JSON.stringify({
				response: {
					...credential,
					response: { clientDataJSON: 'e30', authenticatorData: 'A A', signature: 'AA' }
				}
			})
		]
	] satisfies [string, Call, string][])('%s → 400', async (_name, call, body) => {
		expect(await status(call, body)).toBe(400);
	});

	it('me answers null without a session, and the person with one, never cached', async () => {
		const anonymous = await me(event(null));
		expect(anonymous.headers.get('cache-control')).toBe('no-store');
		expect(await anonymous.json()).toEqual({ person: null });

		const person: SessionPerson = {
			id: '0190f5a8-0000-7000-8000-000000000001',
			displayName: 'Ana',
			email: 'ana@example.org',
			roles: ['member']
		};
		const signedIn = await me(event(null, { person, sessionId: 'x' }));
		expect(await signedIn.json()).toEqual({ person });
	});

	it('sign-out without a session still clears the cookie and answers ok', async () => {
		const cookies = new TestCookies();
		cookies.set(SESSION_COOKIE, 'stale', { path: '/' });
		const response = await signOut(event('{}', { person: null, sessionId: null }, cookies));
		expect(await response.json()).toEqual({ ok: true });
		expect(cookies.get(SESSION_COOKIE)).toBeUndefined();
	});
});
