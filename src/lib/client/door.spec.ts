/**
 * The door desk on fake-indexeddb with a real event key: every verdict a scan or a search can
 * give, what it commits, and the index following writes it did not make itself.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { GatherEvent, Registration } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { TICKET_PREFIX } from '$lib/domain/tickets';
import type { GatherDatabase } from './db';
import { DoorDesk } from './door';
import { runMutation } from './mutations';
import { eventKey, eventRow, personRow, registrationRow } from './testing/events';
import { device } from './testing/harness';

let db: GatherDatabase;
let desk: DoorDesk;
let key: Awaited<ReturnType<typeof eventKey>>;
let event: GatherEvent;
let organizer: Actor;
const people = {
	elodie: personRow({ displayName: 'Élodie Martin', email: 'elodie@example.org' }),
	ana: personRow({ displayName: 'Ana García', email: 'ana.garcia@example.org' }),
	bob: personRow({ displayName: 'Bob Anand', email: 'bob@example.org' }),
	revoked: personRow({ displayName: 'Rex Revoked' }),
	waiting: personRow({ displayName: 'Wanda Waiting' }),
	unsynced: personRow({ displayName: 'Una Unsynced' })
};
let registrations: Record<keyof typeof people, Registration>;

async function open(now?: () => number) {
	return DoorDesk.open(db, event.id, {
		mutate: async <Name extends MutationName>(name: Name, args: MutationInput<Name>) => {
			await runMutation(db, organizer, name, args);
		},
		deviceName: () => 'Door 1',
		now
	});
}

beforeEach(async () => {
	db = device();
	key = await eventKey();
	organizer = { personId: newId(), roles: ['member', 'organizer'] };
	event = eventRow([organizer.personId], { publicKey: key.publicKey, capacity: 50 });
	registrations = {
		elodie: registrationRow(event.id, people.elodie.id),
		ana: registrationRow(event.id, people.ana.id),
		bob: registrationRow(event.id, people.bob.id),
		revoked: registrationRow(event.id, people.revoked.id, { status: 'revoked' }),
		waiting: registrationRow(event.id, people.waiting.id, { status: 'waitlisted' }),
		// Issued by the server, not on this device yet.
		unsynced: registrationRow(event.id, people.unsynced.id)
	};
	await db.events.put(event);
	await db.people.bulkPut([
		...Object.values(people),
		personRow({ id: organizer.personId, displayName: 'Ali Organizer' })
	]);
	await db.registrations.bulkPut(
		Object.values(registrations).filter((row) => row !== registrations.unsynced)
	);
	desk = await open();
});
afterEach(() => desk.close());

const ticket = (who: keyof typeof people) => key.ticket(event, registrations[who]);

describe('scanning a ticket', () => {
	it('welcomes a valid ticket once, then says when and where they came in', async () => {
		const code = await ticket('ana');
		const first = await desk.scan(code);
		expect(first).toMatchObject({
			kind: 'welcome',
			unsynced: false,
			attendee: { name: 'Ana García', personId: people.ana.id }
		});
		expect(await db.outbox.count()).toBe(1);
		const second = await desk.scan(code);
		expect(second).toMatchObject({
			kind: 'already',
			recorderName: 'Ali Organizer',
			admission: { deviceName: 'Door 1', method: 'scan', recordedBy: organizer.personId }
		});
		expect(await db.outbox.count()).toBe(1);
		expect(desk.counts).toMatchObject({ checkedIn: 1, registered: 3, waitlisted: 1, capacity: 50 });
	});

	it('refuses forged, tampered, other events’ and unreadable codes, admitting nobody', async () => {
		const other = await eventKey();
		const forged = await other.ticket(event, registrations.bob);
		expect(await desk.scan(forged)).toEqual({ kind: 'forged' });
		const genuine = await ticket('bob');
		// One character of the person id changed: the signature no longer covers it.
		const at = TICKET_PREFIX.length + 50;
		const tampered =
			genuine.slice(0, at) + (genuine[at] === 'A' ? 'B' : 'A') + genuine.slice(at + 1);
		expect(await desk.scan(tampered)).toEqual({ kind: 'forged' });
		const elsewhere = await key.ticket({ ...event, id: newId() }, registrations.bob);
		expect(await desk.scan(elsewhere)).toEqual({ kind: 'other_event' });
		expect(await desk.scan('https://example.org/not-a-ticket')).toEqual({ kind: 'unreadable' });
		expect(await desk.scan(`${TICKET_PREFIX}short`)).toEqual({ kind: 'unreadable' });
		expect(await db.checkIns.count()).toBe(0);
	});

	it('refuses a tampered signature as forged', async () => {
		const genuine = await ticket('bob');
		const at = genuine.length - 3;
		const tampered =
			genuine.slice(0, at) + (genuine[at] === 'A' ? 'B' : 'A') + genuine.slice(at + 1);
		expect(await desk.scan(tampered)).toEqual({ kind: 'forged' });
	});

	it('refuses a ticket outside its window', async () => {
		const now = Math.floor(Date.now() / 1000);
		const expired = await key.ticket(event, registrations.bob, {
			notBefore: now - 7200,
			notAfter: now - 3600
		});
		const early = await key.ticket(event, registrations.bob, {
			notBefore: now + 3600,
			notAfter: now + 7200
		});
		expect(await desk.scan(expired)).toEqual({ kind: 'expired' });
		expect(await desk.scan(early)).toEqual({ kind: 'not_yet_valid' });
		// The device's clock decides: the same ticket, an hour and a half later, is good.
		desk.close();
		desk = await open(() => Date.now() + 5400_000);
		expect((await desk.scan(early)).kind).toBe('welcome');
	});

	it('refuses a revoked ticket, and says who waits for a seat', async () => {
		expect(await desk.scan(await ticket('revoked'))).toMatchObject({
			kind: 'revoked',
			attendee: { name: 'Rex Revoked' }
		});
		expect((await desk.scan(await ticket('waiting'))).kind).toBe('waitlisted');
		expect(await db.checkIns.count()).toBe(0);
	});

	it('admits a valid ticket whose registration has not synced, saying so', async () => {
		expect(await desk.scan(await ticket('unsynced'))).toMatchObject({
			kind: 'welcome',
			unsynced: true,
			attendee: { name: 'Una Unsynced', personId: people.unsynced.id }
		});
		expect(await db.checkIns.get([event.id, people.unsynced.id])).toBeDefined();
	});

	it('cannot verify before the event’s key arrived, nor admit to a cancelled event', async () => {
		await db.events.put({ ...event, publicKey: null });
		await desk.refresh();
		expect(await desk.scan(await ticket('ana'))).toEqual({ kind: 'no_key' });
		await db.events.put({ ...event, cancelled: true });
		await desk.refresh();
		expect(await desk.scan(await ticket('ana'))).toEqual({ kind: 'event_cancelled' });
	});
});

describe('search and admission by name', () => {
	it('finds by name or email, accents and case ignored, names beginning with it first', async () => {
		expect(desk.search('elo').map((attendee) => attendee.name)).toEqual(['Élodie Martin']);
		expect(desk.search('GARCÍA').map((attendee) => attendee.name)).toEqual(['Ana García']);
		// "an": Ana's name begins with it, Bob's has a word beginning with it.
		expect(desk.search('an').map((attendee) => attendee.name)).toEqual(['Ana García', 'Bob Anand']);
		expect(desk.search('bob@exa').map((attendee) => attendee.name)).toEqual(['Bob Anand']);
		expect(desk.search('example', 2)).toHaveLength(2);
		expect(desk.search('nobody')).toEqual([]);
	});

	it('admits from search; waitlisted only when told anyway; unknown people are not registered', async () => {
		expect((await desk.admit(people.bob.id)).kind).toBe('welcome');
		expect((await db.checkIns.get([event.id, people.bob.id]))?.admissions[0].method).toBe('search');
		expect((await desk.admit(people.waiting.id)).kind).toBe('waitlisted');
		expect(await desk.admit(people.waiting.id, { anyway: true })).toMatchObject({
			kind: 'welcome',
			attendee: { status: 'registered' }
		});
		expect(await desk.admit(newId())).toEqual({ kind: 'not_registered', attendee: null });
		expect(desk.counts).toMatchObject({ checkedIn: 2, registered: 4, waitlisted: 0 });
	});

	it('registers and admits a walk-in, and undoes an admission', async () => {
		const verdict = await desk.walkIn({ displayName: 'Noor Haddad', email: null });
		expect(verdict).toMatchObject({
			kind: 'welcome',
			attendee: { name: 'Noor Haddad', walkIn: true, status: 'registered' }
		});
		expect(desk.search('noor')).toHaveLength(1);
		expect(desk.counts).toMatchObject({ walkIns: 1, checkedIn: 1 });
		if (verdict.kind !== 'welcome') throw new Error('not admitted');
		await desk.undo(verdict.attendee.personId);
		expect(desk.attendee(verdict.attendee.personId)?.checkIn).toBeNull();
		expect(desk.counts.checkedIn).toBe(0);
	});
});

describe('keeping up with the device', () => {
	it('follows writes it did not make: a pulled registration, another tab’s check-in', async () => {
		const changes: number[] = [];
		desk.subscribe(() => changes.push(1));
		await db.registrations.put(registrations.unsynced);
		await db.registrations.update(registrations.bob.id, { status: 'revoked' });
		await db.checkIns.put({
			eventId: event.id,
			personId: people.elodie.id,
			checkedInAt: new Date().toISOString(),
			recordedBy: organizer.personId,
			admissions: [
				{
					deviceId: newId(),
					deviceName: 'Door 3',
					recordedBy: organizer.personId,
					at: new Date().toISOString(),
					method: 'scan'
				}
			],
			version: 3
		});
		await desk.refresh();
		expect(desk.search('una')).toHaveLength(1);
		expect((await desk.scan(await ticket('bob'))).kind).toBe('revoked');
		expect(await desk.scan(await ticket('elodie'))).toMatchObject({
			kind: 'already',
			recorderName: 'Ali Organizer'
		});
		expect(desk.counts.checkedIn).toBe(1);
		expect(changes.length).toBeGreaterThan(0);
	});
});
