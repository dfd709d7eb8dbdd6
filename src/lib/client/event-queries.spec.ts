/**
 * The event screens' queries on a real Dexie (fake-indexeddb): the lists split by time and by
 * who runs the event, counts only where the attendee list is on the device, a registration
 * write shown as pending until the server answered it, the attendee list's order.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { peopleMatching } from './directory';
import {
	activeRegistrantIds,
	attendeesOf,
	eventDetail,
	eventLists,
	seatsLeft
} from './event-queries';
import { runMutation } from './mutations';
import { device } from './testing/harness';
import { eventRow, personRow, registrationRow } from './testing/events';

const HOUR = 3600_000;

function actor(personId: string, roles: Actor['roles'] = ['member']): Actor {
	return { personId, roles };
}

describe('event queries', () => {
	it('lists upcoming, mine to run and past events, with my registration and seats where known', async () => {
		const db = device();
		const me = personRow({ displayName: 'Ana' });
		const other = personRow({ displayName: 'Bea' });
		const now = Date.now();
		const soon = eventRow([other.id], {
			startsAt: new Date(now + 24 * HOUR).toISOString(),
			endsAt: new Date(now + 26 * HOUR).toISOString(),
			capacity: 10
		});
		const mine = eventRow([me.id], { capacity: 3 });
		const over = eventRow([me.id], {
			startsAt: new Date(now - 30 * HOUR).toISOString(),
			endsAt: new Date(now - 28 * HOUR).toISOString()
		});
		await db.people.bulkPut([me, other]);
		await db.events.bulkPut([soon, mine, over]);
		await db.registrations.bulkPut([
			registrationRow(soon.id, me.id, { status: 'waitlisted' }),
			registrationRow(mine.id, other.id),
			registrationRow(mine.id, newId(), { status: 'cancelled' })
		]);

		const lists = await eventLists(db, actor(me.id), now);
		expect(lists.upcoming.map((row) => row.event.id)).toEqual([soon.id]);
		expect(lists.upcoming[0].mine?.status).toBe('waitlisted');
		// Not mine to run: the device does not hold its attendee list, so no count.
		expect(lists.upcoming[0].counts).toBeNull();
		expect(lists.running.map((row) => [row.event.id, row.role])).toEqual([[mine.id, 'organizer']]);
		expect(lists.running[0].counts).toEqual({ registered: 1, waitlisted: 0 });
		expect(seatsLeft(mine, lists.running[0].counts)).toBe(2);
		expect(lists.past.map((row) => row.event.id)).toEqual([over.id]);
		db.close();
	});

	it('shows my registration pending until the server answered it', async () => {
		const db = device();
		const me = personRow({ displayName: 'Ana' });
		const event = eventRow([newId()], {
			startsAt: new Date(Date.now() + 24 * HOUR).toISOString(),
			endsAt: new Date(Date.now() + 26 * HOUR).toISOString()
		});
		await db.people.put(me);
		await db.events.put(event);
		await runMutation(db, actor(me.id), 'registration.create', {
			id: newId(),
			eventId: event.id,
			personId: me.id
		});
		const detail = await eventDetail(db, actor(me.id), event.id);
		expect(detail?.mine?.status).toBe('registered');
		expect(detail?.pending).toBe(true);
		await db.setMeta('pushedThrough', 1);
		expect((await eventDetail(db, actor(me.id), event.id))?.pending).toBe(false);
		expect(await eventDetail(db, actor(me.id), newId())).toBeNull();
		db.close();
	});

	it('orders attendees by status then name, searches them, and offers only people not in', async () => {
		const db = device();
		const organizer = personRow({ displayName: 'Olga' });
		const people = ['Zoe', 'Adam', 'Mabel', 'Mario'].map((name) =>
			personRow({ displayName: name })
		);
		const event = eventRow([organizer.id]);
		await db.people.bulkPut([organizer, ...people]);
		await db.events.put(event);
		await db.registrations.bulkPut([
			registrationRow(event.id, people[0].id),
			registrationRow(event.id, people[1].id, { status: 'revoked' }),
			registrationRow(event.id, people[2].id, { status: 'waitlisted' }),
			registrationRow(event.id, people[3].id, { status: 'cancelled' })
		]);
		const all = await attendeesOf(db, event.id, '', 'en', 10);
		expect(all.shown.map((row) => row.person?.displayName)).toEqual([
			'Zoe',
			'Mabel',
			'Mario',
			'Adam'
		]);
		const some = await attendeesOf(db, event.id, 'ma', 'en', 1);
		expect(some.total).toBe(2);
		expect(some.shown).toHaveLength(1);
		// Holding a seat or waiting: not offered; cancelled or revoked: may be added again.
		const present = new Set(await activeRegistrantIds(db, event.id));
		expect(present).toEqual(new Set([people[0].id, people[2].id]));
		// Mabel comes first by name, but is left out before the limit.
		const offered = await peopleMatching(db, 'ma', 1, present);
		expect(offered.map((person) => person.displayName)).toEqual(['Mario']);
		db.close();
	});
});
