import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { emailTokens, people } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { GET as availability } from '../../../routes/api/auth/email/+server';
import { POST as requestLink } from '../../../routes/api/auth/email/request/+server';
import { POST as verifyLink } from '../../../routes/api/auth/email/verify/+server';
import { EMAIL_LINK_LIFETIME_MS, requestEmailLink, verifyEmailLink } from './email-link';
import { AuthFailure } from './failure';
import { transportMailer } from './mailer';
import { RATE_RULES } from './rate-limit';
import { SESSION_COOKIE, readSession } from './session';
import { signUpWithPasskey } from './spec-support';
import { TestCookies, callRoute, serveEndpointsFrom } from '$lib/server/testing/routes';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	serveEndpointsFrom(handle);
});
afterAll(() => handle.close());
afterEach(() => vi.restoreAllMocks());

const ORIGIN = 'https://gather.example.org';

/** A real nodemailer transport that keeps each message as JSON instead of sending it. */
function jsonMailer() {
	const sent: { to: string; subject: string; text: string }[] = [];
	const transport = nodemailer.createTransport({ jsonTransport: true });
	const mailer = transportMailer(
		{
			sendMail: async (mail) => {
				const info = await transport.sendMail(mail);
				const message = JSON.parse(info.message);
				sent.push({ to: message.to[0].address, subject: message.subject, text: message.text });
				return info;
			}
		},
		'Gather <no-reply@gather.example.org>'
	);
	return { mailer, sent };
}

function tokenOf(text: string): string {
	const match = /\/auth\/email#token=([A-Za-z0-9_-]+)/.exec(text);
	if (!match?.[1]) throw new Error(`no link in ${text}`);
	return match[1];
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

describe('email sign-in links', () => {
	it('mails a link whose token is stored only as its SHA-256, for 15 minutes', async () => {
		const { person, email } = await signUpWithPasskey(db);
		const { mailer, sent } = jsonMailer();
		const { delivery } = await requestEmailLink(
			db,
			{ email, origin: ORIGIN, locale: 'fr' },
			mailer
		);
		await delivery;
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ to: email, subject: 'Ton lien de connexion à Gather' });
		expect(sent[0]?.text).toContain(`${ORIGIN}/auth/email#token=`);
		const token = tokenOf(sent[0]?.text ?? '');
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const rows = await db.select().from(emailTokens).where(eq(emailTokens.personId, person.id));
		expect(rows).toHaveLength(1);
		expect(rows[0]?.id).toBe(createHash('sha256').update(token).digest('hex'));
		expect(JSON.stringify(rows)).not.toContain(token);
		const left = (rows[0]?.expiresAt.getTime() ?? 0) - Date.now();
		expect(left).toBeGreaterThan(EMAIL_LINK_LIFETIME_MS - 10_000);
		expect(left).toBeLessThanOrEqual(EMAIL_LINK_LIFETIME_MS);
	});

	it('signs in once: the second use of the same link is refused', async () => {
		const { person, email } = await signUpWithPasskey(db);
		const { mailer, sent } = jsonMailer();
		await (
			await requestEmailLink(db, { email, origin: ORIGIN, locale: 'en' }, mailer)
		).delivery;
		const token = tokenOf(sent[0]?.text ?? '');

		const cookies = new TestCookies();
		expect(await verifyEmailLink(db, cookies, token)).toEqual(person);
		expect((await readSession(cookies, db))?.person.id).toBe(person.id);

		const again = new TestCookies();
		expect((await refusal(verifyEmailLink(db, again, token))).code).toBe('link_invalid');
		expect(again.get(SESSION_COOKIE)).toBeUndefined();
	});

	it('refuses an expired link and an unknown one alike', async () => {
		const { person, email } = await signUpWithPasskey(db);
		const { mailer, sent } = jsonMailer();
		await (
			await requestEmailLink(db, { email, origin: ORIGIN, locale: 'en' }, mailer)
		).delivery;
		await db
			.update(emailTokens)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(emailTokens.personId, person.id));
		const expired = await refusal(verifyEmailLink(db, new TestCookies(), tokenOf(sent[0]!.text)));
		const unknown = await refusal(verifyEmailLink(db, new TestCookies(), 'A'.repeat(43)));
		expect(expired.code).toBe('link_invalid');
		expect(unknown.code).toBe('link_invalid');
		expect(expired.message).toBe(unknown.message);
	});

	it('sends nothing for an unknown email or a merged person, and stores nothing', async () => {
		const { person, email } = await signUpWithPasskey(db);
		await db.update(people).set({ status: 'merged' }).where(eq(people.id, person.id));
		const { mailer, sent } = jsonMailer();
		for (const address of [email, `nobody-${crypto.randomUUID()}@example.org`]) {
			const { delivery } = await requestEmailLink(
				db,
				{ email: address, origin: ORIGIN, locale: 'en' },
				mailer
			);
			await delivery;
		}
		expect(sent).toEqual([]);
		expect(await db.select().from(emailTokens).where(eq(emailTokens.personId, person.id))).toEqual(
			[]
		);
	});
});

describe('the email link endpoints', () => {
	it('in development without SMTP: available, and the link goes to the server log', async () => {
		const logged: string[] = [];
		vi.spyOn(console, 'info').mockImplementation((line: string) => void logged.push(line));
		expect(await (await callRoute(availability)).json()).toEqual({ available: true });

		const { person, email } = await signUpWithPasskey(db);
		const known = await callRoute(requestLink, { body: JSON.stringify({ email }) });
		const unknown = await callRoute(requestLink, {
			body: JSON.stringify({ email: `nobody-${crypto.randomUUID()}@example.org` })
		});
		// The same answer either way: status, headers that matter and body.
		expect([known.status, unknown.status]).toEqual([200, 200]);
		expect(await known.json()).toEqual({ ok: true });
		expect(await unknown.json()).toEqual({ ok: true });
		await vi.waitFor(() => expect(logged).toHaveLength(1));
		expect(logged[0]).toContain(`To: ${email}`);

		const cookies = new TestCookies();
		const body = JSON.stringify({ token: tokenOf(logged[0] ?? '') });
		const signedIn = await callRoute(verifyLink, { body, cookies });
		expect(signedIn.status).toBe(200);
		expect(await signedIn.json()).toEqual({ person });
		expect(cookies.get(SESSION_COOKIE)).toBeDefined();
		const replay = await callRoute(verifyLink, { body, cookies: new TestCookies() });
		expect(replay.status).toBe(400);
		expect(await replay.json()).toMatchObject({ error: 'link_invalid' });
	});

	it('limits requests per email: 429 with Retry-After, known or not', async () => {
		vi.spyOn(console, 'info').mockImplementation(() => {});
		for (const email of [
			(await signUpWithPasskey(db)).email,
			`nobody-${crypto.randomUUID()}@example.org`
		]) {
			const statuses = [];
			for (let attempt = 0; attempt < 4; attempt++) {
				const response = await callRoute(requestLink, {
					body: JSON.stringify({ email }),
					ip: `198.51.100.${attempt}`
				});
				statuses.push(response.status);
				if (response.status === 429) {
					expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
				}
			}
			expect(statuses).toEqual([200, 200, 200, 429]);
		}
	});

	it('limits requests per address: 429 whatever the email, another address still served', async () => {
		vi.spyOn(console, 'info').mockImplementation(() => {});
		const ip = '203.0.113.50';
		const ask = (from: string) =>
			callRoute(requestLink, {
				body: JSON.stringify({ email: `nobody-${crypto.randomUUID()}@example.org` }),
				ip: from
			});
		for (let attempt = 0; attempt < RATE_RULES.emailLinkPerIp.limit; attempt++) {
			expect((await ask(ip)).status).toBe(200);
		}
		expect((await ask(ip)).status).toBe(429);
		expect((await ask('203.0.113.51')).status).toBe(200);
	});

	it.each([
		['request, not JSON', requestLink, '{"email":'],
		['request, no email', requestLink, '{}'],
		['request, bad email', requestLink, '{"email":"ana"}'],
		['request, an array', requestLink, '[]'],
		['verify, no token', verifyLink, '{}'],
		['verify, token too short', verifyLink, '{"token":"abc"}'],
		['verify, not base64url', verifyLink, JSON.stringify({ token: 'a b'.repeat(10) })],
		['verify, a number', verifyLink, '{"token":42}']
	] as const)('%s → 400', async (_name, handler, body) => {
		expect((await callRoute(handler, { body })).status).toBe(400);
	});
});
