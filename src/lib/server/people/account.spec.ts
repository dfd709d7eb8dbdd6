/**
 * Own data on real PGlite: the export holds everything about the person and nothing private
 * about anyone else; deletion keeps the community's counts, erases the rest, ends every way to
 * sign in, and reaches other devices as a deleted person plus deletions.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRIVACY, PROFILE_FIELDS } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import {
	authChallenges,
	awards,
	checkIns,
	contributions,
	credentials,
	deletions,
	devices,
	emailTokens,
	memberships,
	people,
	personMerges,
	recoveryCodes,
	registrations,
	rejectedMutations,
	sessions
} from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { insertSession } from '$lib/server/auth/session';
import { SoftwareAuthenticator } from '$lib/server/auth/software-authenticator';
import { finishSignIn, finishSignUp, startSignIn, startSignUp } from '$lib/server/auth/webauthn';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addBadge,
	addEvent,
	addGroup,
	addMembership,
	addPersonWithProfile,
	addRegistration,
	clock,
	logContribution
} from '$lib/server/testing/fixtures';
import { TestCookies, callRoute, localsOf, serveEndpointsFrom } from '$lib/server/testing/routes';
import { GET as exportData } from '../../../routes/api/me/export/+server';
import { POST as deleteData } from '../../../routes/api/me/delete/+server';
import { AccountRefused, DELETED_DISPLAY_NAME, deleteAccount, exportPersonData } from './account';

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const PUBLIC_KEY_MARKER = 'pUbLiCkEyMaRkEr0123456789';
const BEN_SECRET = 'ben-private-bio-marker';
const BEN_EMAIL_MARKER = 'ben-secret-mailbox';

/** Ana with a full profile and activity of every kind; Ben, an organizer, with private data. */
async function world() {
	const ana = await addPersonWithProfile(handle.db, {
		displayName: 'Ana Lima',
		email: `ana-${newId()}@example.org`,
		pronouns: 'she/her',
		bio: 'Translator and tea lover',
		city: 'Recife',
		country: 'BR',
		timezone: 'America/Recife',
		languages: ['pt-BR', 'en'],
		skills: ['translation'],
		interests: ['tea'],
		links: [{ label: 'Blog', url: 'https://ana.example.org' }],
		areas: ['localization'],
		privacy: { ...DEFAULT_PRIVACY, city: 'private', email: 'community' },
		roles: ['member', 'volunteer']
	});
	const ben = await addPersonWithProfile(handle.db, {
		displayName: 'Ben Okafor',
		email: `${BEN_EMAIL_MARKER}-${newId()}@example.org`,
		bio: BEN_SECRET,
		privacy: { ...DEFAULT_PRIVACY, bio: 'private' },
		roles: ['member', 'organizer']
	});
	const groupId = await addGroup(handle.db);
	await addMembership(handle.db, groupId, ana.personId, { curator: true });
	await addMembership(handle.db, groupId, ben.personId);
	const eventId = await addEvent(handle.db, [ben.personId]);
	const badgeId = await addBadge(handle.db);
	const registrationId = newId();
	const deviceId = newId();

	// Ana's device: two contributions and one refused write.
	const pushed = await handlePush(handle.db, ana, {
		deviceId,
		mutations: [
			logContribution(1, { description: 'Translated the welcome screen' }),
			logContribution(2),
			{
				mutationId: 3,
				name: 'person.setRoles',
				args: { personId: ana.personId, roles: ['admin'] },
				hlc: clock()
			}
		]
	});
	expect(pushed).toMatchObject({ applied: 2, rejected: 1 });

	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(registrations).values({
			id: registrationId,
			eventId,
			personId: ana.personId,
			status: 'registered',
			ticketCode: `ticket-${registrationId}`,
			version
		});
		const door = newId();
		const at = new Date();
		await tx.insert(checkIns).values({
			eventId,
			personId: ana.personId,
			checkedInAt: at,
			recordedBy: ben.personId,
			admissions: [
				{
					deviceId: door,
					deviceName: 'Door 2',
					recordedBy: ben.personId,
					at: at.toISOString(),
					method: 'scan'
				}
			],
			version
		});
		await tx.insert(awards).values([
			{
				badgeId,
				personId: ana.personId,
				awardedAt: new Date(),
				awardedBy: ben.personId,
				evidence: 'Great translations',
				version
			},
			{
				badgeId,
				personId: ben.personId,
				awardedAt: new Date(),
				awardedBy: ana.personId,
				evidence: 'Ran the sprint',
				version
			}
		]);
		await tx.insert(credentials).values({
			id: `credential-${newId()}`,
			personId: ana.personId,
			publicKey: PUBLIC_KEY_MARKER,
			deviceType: 'multiDevice',
			backedUp: true,
			name: 'Ana’s phone'
		});
		await tx
			.insert(recoveryCodes)
			.values(
				[0, 1, 2].map((index) => ({ id: `code-${index}-${newId()}`, personId: ana.personId }))
			);
		await tx.insert(emailTokens).values({
			id: `token-${newId()}`,
			personId: ana.personId,
			expiresAt: new Date(Date.now() + 60_000)
		});
	});
	await insertSession(handle.db, ana.personId);
	await insertSession(handle.db, ana.personId);

	// An older duplicate of Ana, merged into her; its snapshot is Ana's own old profile.
	const formerAna = await addPersonWithProfile(handle.db, {
		displayName: 'Ana L.',
		email: `ana-old-${newId()}@example.org`,
		city: 'Olinda',
		status: 'merged',
		mergedInto: ana.personId
	});
	await handle.db.insert(personMerges).values({
		id: newId(),
		survivorId: ana.personId,
		mergedId: formerAna.personId,
		mergedBy: ben.personId,
		snapshot: { displayName: 'Ana L.', city: 'Olinda' },
		moved: { contributions: 0 }
	});
	return { ana, ben, formerAna, groupId, eventId, badgeId, registrationId, deviceId };
}

async function countWhere(table: typeof sessions | typeof credentials, personId: string) {
	const [row] = await handle.db
		.select({ count: count() })
		.from(table)
		.where(eq(table.personId, personId));
	return row?.count ?? 0;
}

describe('exportPersonData', () => {
	it('holds everything about the person', async () => {
		const { ana, ben, formerAna, groupId, eventId, registrationId, deviceId } = await world();
		const data = await exportPersonData(handle.db, ana.personId);
		if (!data) throw new Error('no export');

		expect(data.format).toBe('gather-export');
		expect(data.profile).toMatchObject({
			id: ana.personId,
			displayName: 'Ana Lima',
			pronouns: 'she/her',
			bio: 'Translator and tea lover',
			city: 'Recife',
			country: 'BR',
			timezone: 'America/Recife',
			languages: ['pt-BR', 'en'],
			skills: ['translation'],
			interests: ['tea'],
			links: [{ label: 'Blog', url: 'https://ana.example.org' }],
			areas: ['localization'],
			status: 'active'
		});
		expect(data.profile.email).toMatch(/^ana-/);
		for (const field of PROFILE_FIELDS) expect(data.profile).toHaveProperty(field);
		expect(data.profile.privacy).toMatchObject({ city: 'private', email: 'community' });
		expect(data.roles).toEqual(['member', 'volunteer']);
		expect(data.memberships).toEqual([
			expect.objectContaining({
				groupId,
				curator: true,
				status: 'member',
				groupName: expect.any(String)
			})
		]);
		expect(data.registrations).toEqual([
			expect.objectContaining({ id: registrationId, eventId, eventTitle: expect.any(String) })
		]);
		expect(data.checkIns).toEqual([
			expect.objectContaining({ eventId, personId: ana.personId, recordedBy: ben.personId })
		]);
		// Which door let them in and how, but not the door's device id.
		expect(data.checkIns[0].admissions).toEqual([
			{ deviceName: 'Door 2', recordedBy: ben.personId, at: expect.any(String), method: 'scan' }
		]);
		expect(data.contributions).toHaveLength(2);
		expect(data.contributions.map((row) => row.description)).toContain(
			'Translated the welcome screen'
		);
		expect(data.awardsReceived).toEqual([
			expect.objectContaining({
				personId: ana.personId,
				awardedBy: ben.personId,
				badgeName: 'Helper'
			})
		]);
		expect(data.awardsGiven).toEqual([
			expect.objectContaining({ personId: ben.personId, awardedBy: ana.personId })
		]);
		expect(data.passkeys).toEqual([
			expect.objectContaining({ name: 'Ana’s phone', deviceType: 'multiDevice', backedUp: true })
		]);
		expect(data.recoveryCodes).toEqual({ total: 3, unused: 3 });
		expect(data.sessions).toEqual({ active: 2 });
		expect(data.devices).toEqual([expect.objectContaining({ id: deviceId, lastMutationId: 3 })]);
		expect(data.rejectedMutations).toEqual([
			expect.objectContaining({ name: 'person.setRoles', reason: 'forbidden', mutationId: 3 })
		]);
		expect(data.merges).toEqual([
			expect.objectContaining({ survivorId: ana.personId, mergedId: formerAna.personId })
		]);
	});

	it('holds no credential key and nothing private of anyone else', async () => {
		const { ana } = await world();
		const text = JSON.stringify(await exportPersonData(handle.db, ana.personId));
		expect(text).not.toContain(PUBLIC_KEY_MARKER);
		expect(text).not.toContain(BEN_SECRET);
		expect(text).not.toContain(BEN_EMAIL_MARKER);
		expect(text).not.toContain('publicKey');
		expect(text).not.toContain('fieldClocks');
	});

	it('is null for a person who does not exist', async () => {
		expect(await exportPersonData(handle.db, newId())).toBeNull();
	});
});

describe('deleteAccount', () => {
	it('refuses a confirmation that names someone else, and changes nothing', async () => {
		const { ana } = await world();
		const before = await exportPersonData(handle.db, ana.personId);
		await expect(deleteAccount(handle.db, ana.personId, 'Ben Okafor')).rejects.toThrowError(
			new AccountRefused('confirm_mismatch')
		);
		await expect(deleteAccount(handle.db, ana.personId, '  ')).rejects.toBeInstanceOf(
			AccountRefused
		);
		const after = await exportPersonData(handle.db, ana.personId);
		expect({ ...after, exportedAt: null }).toEqual({ ...before, exportedAt: null });
	});

	it('keeps the counts, erases the person, and other devices receive it', async () => {
		const { ana, ben, formerAna, groupId, eventId, registrationId } = await world();
		const benDevice = newId();
		const { cursor } = await handlePull(handle.db, ben, { deviceId: benDevice, cursor: 0 });
		const contributionsBefore = await handle.db
			.select()
			.from(contributions)
			.where(eq(contributions.personId, ana.personId));

		// The display name confirms as well as the email, whatever its case.
		const { version } = await deleteAccount(handle.db, ana.personId, '  ana lima ');

		const [row] = await handle.db.select().from(people).where(eq(people.id, ana.personId));
		expect(row).toMatchObject({
			status: 'deleted',
			displayName: DELETED_DISPLAY_NAME,
			email: null,
			pronouns: null,
			bio: null,
			avatar: null,
			city: null,
			country: null,
			timezone: null,
			languages: [],
			skills: [],
			interests: [],
			links: [],
			areas: [],
			roles: ['member'],
			privacy: DEFAULT_PRIVACY,
			fieldClocks: {},
			version
		});
		// Kept, anonymised on the emptied person: what the community counts.
		const contributionsAfter = await handle.db
			.select()
			.from(contributions)
			.where(eq(contributions.personId, ana.personId));
		expect(contributionsAfter).toEqual(contributionsBefore);
		expect(
			await handle.db.select().from(checkIns).where(eq(checkIns.personId, ana.personId))
		).toHaveLength(1);
		expect(
			await handle.db.select().from(awards).where(eq(awards.personId, ana.personId))
		).toHaveLength(1);
		expect(
			await handle.db.select().from(awards).where(eq(awards.awardedBy, ana.personId))
		).toHaveLength(1);
		// Erased.
		for (const table of [
			credentials,
			sessions,
			recoveryCodes,
			emailTokens,
			devices,
			memberships,
			registrations,
			rejectedMutations
		])
			expect(await handle.db.select().from(table).where(eq(table.personId, ana.personId))).toEqual(
				[]
			);
		const [former] = await handle.db.select().from(people).where(eq(people.id, formerAna.personId));
		expect(former).toMatchObject({
			status: 'merged',
			mergedInto: ana.personId,
			email: null,
			city: null
		});
		const merges = await handle.db
			.select()
			.from(personMerges)
			.where(eq(personMerges.survivorId, ana.personId));
		expect(JSON.stringify(merges)).not.toContain('Olinda');
		// Every deletion devices need, with the deletion's version.
		const recorded = await handle.db.select().from(deletions).where(eq(deletions.version, version));
		expect(recorded.map(({ tableName, key }) => ({ tableName, key }))).toEqual(
			expect.arrayContaining([
				{ tableName: 'memberships', key: [groupId, ana.personId] },
				{ tableName: 'registrations', key: registrationId },
				{ tableName: 'rejectedMutations', key: expect.any(String) }
			])
		);

		// Ben's device pulls: Ana arrives as a deleted person, her membership and ticket go.
		const pulled = await handlePull(handle.db, ben, { deviceId: benDevice, cursor });
		const anaSeen = pulled.changes.people.find((person) => person.id === ana.personId);
		expect(anaSeen).toMatchObject({ status: 'deleted', displayName: DELETED_DISPLAY_NAME });
		expect(JSON.stringify(pulled)).not.toContain('Recife');
		expect(pulled.deletions).toEqual(
			expect.arrayContaining([
				{ table: 'memberships', key: [groupId, ana.personId] },
				{ table: 'registrations', key: registrationId }
			])
		);
		// Ben runs the event: the check-in still counts.
		const { changes } = await handlePull(handle.db, ben, { deviceId: newId(), cursor: 0 });
		expect(changes.checkIns.filter((checkIn) => checkIn.eventId === eventId)).toHaveLength(1);
		expect(
			changes.registrations.filter((registration) => registration.eventId === eventId)
		).toEqual([]);

		// Deleted once: a second deletion finds no active account.
		await expect(deleteAccount(handle.db, ana.personId, DELETED_DISPLAY_NAME)).rejects.toThrowError(
			new AccountRefused('not_found')
		);
	});

	it('ends every way to sign in: the passkey is no longer known', async () => {
		const origin = 'https://gather.example.org';
		const url = new URL(`${origin}/api/auth/test`);
		const authenticator = new SoftwareAuthenticator(origin);
		const email = `signup-${newId()}@example.org`;
		const signUpCookies = new TestCookies();
		const options = await startSignUp(handle.db, signUpCookies, url, {
			displayName: 'Cleo',
			email
		});
		await finishSignUp(handle.db, signUpCookies, url, authenticator.register(options));
		const [person] = await handle.db.select().from(people).where(eq(people.email, email));
		expect(await countWhere(credentials, person.id)).toBe(1);

		await deleteAccount(handle.db, person.id, email.toUpperCase());

		expect(await countWhere(credentials, person.id)).toBe(0);
		expect(await countWhere(sessions, person.id)).toBe(0);
		const cookies = new TestCookies();
		const request = await startSignIn(handle.db, cookies, url);
		await expect(
			finishSignIn(handle.db, cookies, url, authenticator.authenticate(request))
		).rejects.toMatchObject({ code: 'unknown_credential' });
		await handle.db.delete(authChallenges);
	});

	it("gives a deleted person's seat to the event's waiting list", async () => {
		const organizer = await addPersonWithProfile(handle.db, { roles: ['member', 'organizer'] });
		const full = await addEvent(handle.db, [organizer.personId], newId(), { capacity: 1 });
		const leaving = await addPersonWithProfile(handle.db, { displayName: 'Leaving' });
		const waiting = await addPersonWithProfile(handle.db);
		await addRegistration(handle.db, full, leaving.personId);
		expect((await addRegistration(handle.db, full, waiting.personId)).status).toBe('waitlisted');
		await deleteAccount(handle.db, leaving.personId, 'Leaving');
		const [promoted] = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.personId, waiting.personId));
		expect(promoted).toMatchObject({ status: 'registered', ticketCode: expect.any(String) });
	});

	it('refuses to delete the last admin, and lets one go while another remains', async () => {
		const own = await createTestDatabase();
		const db = own.db;
		const first = await addPersonWithProfile(db, {
			displayName: 'Amara',
			roles: ['member', 'admin']
		});
		await expect(deleteAccount(db, first.personId, 'Amara')).rejects.toThrowError(
			new AccountRefused('last_admin')
		);
		await addPersonWithProfile(db, { roles: ['member', 'admin'] });
		await deleteAccount(db, first.personId, 'Amara');
		const [row] = await db.select().from(people).where(eq(people.id, first.personId));
		expect(row.status).toBe('deleted');
		await own.close();
	});
});

describe('GET /api/me/export and POST /api/me/delete', () => {
	type Handler = (event: never) => Response | Promise<Response>;

	/** Call as a browser holding a session cookie; the jar shows what the handler did to it. */
	async function call(handler: Handler, locals: App.Locals, body?: string) {
		const cookies = new TestCookies();
		cookies.set('gather_session', 'token', { path: '/' });
		const response = await callRoute(handler, { url: '/api/me', locals, cookies, body });
		return { response, cookies };
	}

	const signedIn = (personId: string) => localsOf({ personId, roles: ['member'] });
	const signedOut: App.Locals = { person: null, sessionId: null };

	beforeAll(() => serveEndpointsFrom(handle));

	it('answers 401 to someone signed out', async () => {
		expect((await call(exportData, signedOut)).response.status).toBe(401);
		const refused = await call(deleteData, signedOut, JSON.stringify({ confirm: 'x' }));
		expect(refused.response.status).toBe(401);
	});

	it('downloads the export as a dated JSON attachment, never cached', async () => {
		const { ana } = await world();
		const { response } = await call(exportData, signedIn(ana.personId));
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('content-disposition')).toMatch(
			/^attachment; filename="gather-\d{4}-\d{2}-\d{2}\.json"$/
		);
		const body = (await response.json()) as { profile: { id: string } };
		expect(body.profile.id).toBe(ana.personId);
	});

	it('answers 503 (not 500) when the database is unreachable, and keeps the session', async () => {
		const { ana } = await world();
		const down = Promise.reject(new Error('connection refused'));
		down.catch(() => {});
		Object.assign(globalThis, { [Symbol.for('gather.database')]: down });
		try {
			const exported = await call(exportData, signedIn(ana.personId));
			expect(exported.response.status).toBe(503);
			expect(await exported.response.json()).toMatchObject({ error: 'unavailable' });
			const deleted = await call(
				deleteData,
				signedIn(ana.personId),
				JSON.stringify({ confirm: 'x' })
			);
			expect(deleted.response.status).toBe(503);
			expect(deleted.cookies.get('gather_session')).toBe('token');
		} finally {
			serveEndpointsFrom(handle);
		}
		expect(await countWhere(sessions, ana.personId)).toBe(2);
	});

	it('refuses a wrong confirmation or a malformed body with 400, and deletes on the right one', async () => {
		const { ana } = await world();
		const [{ email }] = await handle.db
			.select({ email: people.email })
			.from(people)
			.where(eq(people.id, ana.personId));
		const wrong = await call(
			deleteData,
			signedIn(ana.personId),
			JSON.stringify({ confirm: 'Ben' })
		);
		expect(wrong.response.status).toBe(400);
		expect(await wrong.response.json()).toMatchObject({ error: 'confirm_mismatch' });
		for (const body of ['{', '[]', JSON.stringify({ confirm: 42 })])
			expect((await call(deleteData, signedIn(ana.personId), body)).response.status).toBe(400);
		expect(await countWhere(sessions, ana.personId)).toBe(2);

		const done = await call(deleteData, signedIn(ana.personId), JSON.stringify({ confirm: email }));
		expect(done.response.status).toBe(200);
		expect(done.response.headers.get('cache-control')).toBe('no-store');
		expect(done.cookies.get('gather_session')).toBeUndefined();
		expect(await countWhere(sessions, ana.personId)).toBe(0);
		const again = await call(exportData, signedIn(ana.personId));
		expect((await again.response.json()).profile).toMatchObject({ status: 'deleted', email: null });
	});
});
