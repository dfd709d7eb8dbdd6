/**
 * The public event page's server side on a real database: who sees which event, guests and
 * members registering (seats, the waiting list, tickets that verify), emails that belong to an
 * account, and the events the calendar feed lists.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { verifyTicket } from '$lib/domain/tickets';
import type { DatabaseHandle } from '$lib/server/db';
import { credentials, events, people, registrations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, addPersonWithProfile } from '$lib/server/testing/fixtures';
import { loadPublicEvent, registerFromPage, upcomingPublicEvents } from './public';

let handle: DatabaseHandle;
let organizer: Actor;
let member: Actor;

const DAY = 86_400_000;

beforeAll(async () => {
	handle = await createTestDatabase();
	organizer = await addPersonWithProfile(handle.db, {
		roles: ['member', 'organizer'],
		displayName: 'Lucía Public',
		privacy: { ...DEFAULT_PRIVACY, displayName: 'public' }
	});
	member = await addPerson(handle.db);
});
afterAll(() => handle?.close());

type EventValues = Partial<typeof events.$inferInsert>;

/** An event next week in Madrid, public unless told; returns its id. */
async function addPublicEvent(values: EventValues = {}): Promise<string> {
	const id = newId();
	const startsAt = new Date(Date.now() + 7 * DAY);
	await handle.db.transaction(async (tx) => {
		await tx.insert(events).values({
			id,
			title: 'Localization Sprint',
			description: 'Bring a laptop.',
			startsAt,
			endsAt: new Date(startsAt.getTime() + 8 * 3600_000),
			timezone: 'Europe/Madrid',
			venue: 'Impact Hub',
			visibility: 'public',
			organizerIds: [organizer.personId],
			...values,
			version: await nextVersion(tx)
		});
	});
	return id;
}

const guest = (email: string, displayName = 'Ana Guest') => ({ guest: { displayName, email } });

async function personByEmail(email: string) {
	const [row] = await handle.db.select().from(people).where(eq(people.email, email));
	return row;
}

describe('loadPublicEvent', () => {
	it('shows a public event to anyone, with seats and the organizers public names', async () => {
		const eventId = await addPublicEvent({ capacity: 10 });
		const view = await loadPublicEvent(handle.db, eventId, null);
		expect(view?.event.title).toBe('Localization Sprint');
		expect(view?.event.checkInCode).toBeNull();
		expect(view?.organizers).toEqual([{ id: organizer.personId, displayName: 'Lucía Public' }]);
		expect(view?.seatsLeft).toBe(10);
		expect(view?.registration).toBeNull();
		expect(view?.over).toBe(false);
	});

	it('keeps a name its person shows only to members from the web', async () => {
		const shy = await addPerson(handle.db, ['member', 'organizer']);
		const eventId = await addPublicEvent({ organizerIds: [shy.personId] });
		expect((await loadPublicEvent(handle.db, eventId, null))?.organizers).toEqual([]);
		expect((await loadPublicEvent(handle.db, eventId, member))?.organizers).toHaveLength(1);
	});

	it('shows community events to members only, invite-only ones to their people only', async () => {
		const community = await addPublicEvent({ visibility: 'community' });
		expect(await loadPublicEvent(handle.db, community, null)).toBeNull();
		expect(await loadPublicEvent(handle.db, community, member)).not.toBeNull();

		const invite = await addPublicEvent({ visibility: 'invite' });
		expect(await loadPublicEvent(handle.db, invite, member)).toBeNull();
		expect(await loadPublicEvent(handle.db, invite, organizer)).not.toBeNull();
		const invited = await addPerson(handle.db);
		await handle.db.insert(registrations).values({
			id: newId(),
			eventId: invite,
			personId: invited.personId,
			status: 'registered',
			version: 1
		});
		expect((await loadPublicEvent(handle.db, invite, invited))?.registration?.status).toBe(
			'registered'
		);
	});

	it('answers unknown and malformed ids alike', async () => {
		expect(await loadPublicEvent(handle.db, newId(), member)).toBeNull();
		expect(await loadPublicEvent(handle.db, 'not-an-id', member)).toBeNull();
	});
});

describe('registerFromPage', () => {
	it('makes a guest a person with a ticket that verifies with the event key', async () => {
		const eventId = await addPublicEvent();
		const outcome = await registerFromPage(handle.db, eventId, guest('ana.guest@example.org'));
		if (outcome.kind !== 'done') throw new Error(`expected done, got ${outcome.kind}`);
		expect(outcome.registration.status).toBe('registered');

		const person = await personByEmail('ana.guest@example.org');
		expect(person).toMatchObject({
			id: outcome.personId,
			displayName: 'Ana Guest',
			status: 'active',
			roles: ['member'],
			privacy: DEFAULT_PRIVACY
		});
		const view = await loadPublicEvent(handle.db, eventId, null);
		const check = await verifyTicket(
			outcome.registration.ticketCode!,
			view!.event,
			Date.parse(view!.event.startsAt)
		);
		expect(check).toMatchObject({ ok: true, claims: { personId: person.id } });
		const [registration] = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.eventId, eventId));
		// One version for the person and the registration: devices get both in one pull.
		expect(registration.version).toBe(person.version);
	});

	it('reuses an earlier guest by email, and keeps one registration', async () => {
		const eventId = await addPublicEvent();
		const first = await registerFromPage(handle.db, eventId, guest('repeat@example.org'));
		const again = await registerFromPage(
			handle.db,
			eventId,
			guest('  Repeat@Example.org ', 'Someone Else')
		);
		expect(again).toMatchObject({ kind: 'done' });
		if (first.kind !== 'done' || again.kind !== 'done') return;
		expect(again.personId).toBe(first.personId);
		expect(again.registration.id).toBe(first.registration.id);
		expect((await personByEmail('repeat@example.org')).displayName).toBe('Ana Guest');

		const other = await addPublicEvent();
		const elsewhere = await registerFromPage(handle.db, other, guest('repeat@example.org'));
		expect(elsewhere).toMatchObject({ kind: 'done', personId: first.personId });
	});

	it('asks the holder of a passkey to sign in instead of registering them by email', async () => {
		const eventId = await addPublicEvent();
		const account = await addPersonWithProfile(handle.db, { email: 'owner@example.org' });
		await handle.db.insert(credentials).values({
			id: `credential-${account.personId}`,
			personId: account.personId,
			publicKey: 'key',
			deviceType: 'multiDevice'
		});
		expect(await registerFromPage(handle.db, eventId, guest('owner@example.org'))).toEqual({
			kind: 'sign_in'
		});
		// The same mailbox spelled otherwise is theirs too.
		expect(await registerFromPage(handle.db, eventId, guest('owner+events@example.org'))).toEqual({
			kind: 'sign_in'
		});
		expect(await personByEmail('owner+events@example.org')).toBeUndefined();
		const rows = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.eventId, eventId));
		expect(rows).toEqual([]);
	});

	it('puts people on the waiting list in order once the seats are taken', async () => {
		const eventId = await addPublicEvent({ capacity: 1 });
		const seated = await registerFromPage(handle.db, eventId, guest('seat@example.org'));
		const second = await registerFromPage(handle.db, eventId, guest('wait1@example.org'));
		const third = await registerFromPage(handle.db, eventId, { actor: member });
		expect(seated).toMatchObject({ kind: 'done', registration: { status: 'registered' } });
		expect(second).toMatchObject({
			kind: 'done',
			registration: { status: 'waitlisted', ticketCode: null, waitlistPosition: 1 }
		});
		expect(third).toMatchObject({
			kind: 'done',
			registration: { status: 'waitlisted', waitlistPosition: 2 }
		});
		const view = await loadPublicEvent(handle.db, eventId, member);
		expect(view).toMatchObject({ seatsLeft: 0, registered: 1, waitlisted: 2 });
		expect(view?.registration?.waitlistPosition).toBe(2);
	});

	it('takes no registrations for cancelled or ended events', async () => {
		const cancelled = await addPublicEvent({ cancelled: true });
		expect(await registerFromPage(handle.db, cancelled, guest('late@example.org'))).toEqual({
			kind: 'closed'
		});
		const ended = await addPublicEvent({
			startsAt: new Date(Date.now() - 2 * DAY),
			endsAt: new Date(Date.now() - DAY)
		});
		expect(await registerFromPage(handle.db, ended, { actor: member })).toEqual({ kind: 'closed' });
		expect(await personByEmail('late@example.org')).toBeUndefined();
	});

	it('lets members, not guests, register for community events; invite-only stays closed', async () => {
		const community = await addPublicEvent({ visibility: 'community' });
		expect(await registerFromPage(handle.db, community, guest('web@example.org'))).toEqual({
			kind: 'not_found'
		});
		expect(await registerFromPage(handle.db, community, { actor: member })).toMatchObject({
			kind: 'done',
			personId: member.personId
		});
		const invite = await addPublicEvent({ visibility: 'invite' });
		expect(await registerFromPage(handle.db, invite, { actor: member })).toEqual({
			kind: 'not_found'
		});
		expect(await registerFromPage(handle.db, newId(), { actor: member })).toEqual({
			kind: 'not_found'
		});
	});

	it('does not give a revoked ticket back', async () => {
		const eventId = await addPublicEvent();
		await registerFromPage(handle.db, eventId, { actor: member });
		await handle.db
			.update(registrations)
			.set({ status: 'revoked', ticketCode: null })
			.where(eq(registrations.eventId, eventId));
		expect(await registerFromPage(handle.db, eventId, { actor: member })).toEqual({
			kind: 'forbidden'
		});
	});

	it('tells listening devices to pull once it commits', async () => {
		const eventId = await addPublicEvent();
		const heard: number[] = [];
		const unlisten = await handle.listen('gather_versions', (payload) =>
			heard.push(Number(payload))
		);
		const outcome = await registerFromPage(handle.db, eventId, guest('notify@example.org'));
		await expect.poll(() => heard.length).toBeGreaterThan(0);
		const person = await personByEmail('notify@example.org');
		expect(outcome.kind).toBe('done');
		expect(heard).toContain(person.version);
		await unlisten();
	});
});

describe('upcomingPublicEvents', () => {
	it('lists public events that still happen, soonest first', async () => {
		const later = await addPublicEvent({
			startsAt: new Date(Date.now() + 30 * DAY),
			endsAt: new Date(Date.now() + 31 * DAY)
		});
		const sooner = await addPublicEvent({
			startsAt: new Date(Date.now() + DAY),
			endsAt: new Date(Date.now() + 2 * DAY)
		});
		const cancelled = await addPublicEvent({ cancelled: true });
		const community = await addPublicEvent({ visibility: 'community' });
		const past = await addPublicEvent({
			startsAt: new Date(Date.now() - 2 * DAY),
			endsAt: new Date(Date.now() - DAY)
		});
		const ids = (await upcomingPublicEvents(handle.db)).map((event) => event.id);
		expect(ids.indexOf(sooner)).toBeLessThan(ids.indexOf(later));
		expect(ids).toContain(later);
		for (const hidden of [cancelled, community, past]) expect(ids).not.toContain(hidden);
	});
});
