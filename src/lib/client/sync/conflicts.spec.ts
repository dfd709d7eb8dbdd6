/**
 * Conflict rules across devices, end to end on the device side: two Dexie databases
 * (fake-indexeddb) syncing through the real push/pull handlers on PGlite. The screen shows
 * the winning value at every step: rebase re-applies pending writes by the same rules.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import { addEvent, addPerson, addRegistration } from '$lib/server/testing/fixtures';
import type { GatherDatabase } from '../db';
import { runMutation } from '../mutations';
import { atTime, device, serverTransport, sync } from '../testing/harness';
import { pullChanges } from './pull';

let server: DatabaseHandle;
let organizer: Actor;
let attendee: Actor;
let eventId: string;

beforeAll(async () => {
	server = await createTestDatabase();
	organizer = await addPerson(server.db, ['member', 'organizer']);
	attendee = await addPerson(server.db);
	eventId = await addEvent(server.db, [organizer.personId]);
	await addRegistration(server.db, eventId, attendee.personId);
	await addRegistration(server.db, eventId, organizer.personId);
});
afterAll(() => server.close());

const transport = (as: Actor) => serverTransport(server.db, as).transport;
const syncAs = (db: GatherDatabase, as: Actor) => sync(db, as, transport(as));

describe('conflicts across devices', () => {
	it('shows the newest profile value per field, before and after sync', async () => {
		const phone = device();
		const laptop = device();
		await syncAs(phone, attendee);
		await syncAs(laptop, attendee);
		const personId = attendee.personId;
		const now = Date.now();

		// The laptop edits later (newer clock) and syncs first.
		await atTime(now - 1000, () =>
			runMutation(phone, attendee, 'profile.update', {
				personId,
				changes: { city: 'Porto', bio: 'From the phone' }
			})
		);
		await atTime(now, () =>
			runMutation(laptop, attendee, 'profile.update', { personId, changes: { city: 'Lisboa' } })
		);
		await syncAs(laptop, attendee);
		// The phone pulls before pushing: its pending older city loses on screen at once (rebase
		// by the rule), its bio (no newer write) stays.
		await pullChanges(phone, attendee, transport(attendee));
		expect(await phone.people.get(personId)).toMatchObject({
			city: 'Lisboa',
			bio: 'From the phone'
		});
		expect(await phone.outbox.count()).toBe(1);

		await syncAs(phone, attendee);
		await syncAs(laptop, attendee);
		for (const db of [phone, laptop]) {
			expect(await db.outbox.count()).toBe(0);
			expect(await db.people.get(personId)).toMatchObject({
				city: 'Lisboa',
				bio: 'From the phone'
			});
		}
	});

	it('merges check-ins from two doors into one, the earliest, on both devices', async () => {
		const door1 = device();
		const door2 = device();
		const key: [string, string] = [eventId, attendee.personId];
		const early = new Date(Date.now() - 120_000).toISOString();
		const late = new Date(Date.now() - 10_000).toISOString();
		await runMutation(door1, organizer, 'checkin.record', {
			eventId,
			personId: attendee.personId,
			checkedInAt: late,
			deviceName: 'Door 1',
			method: 'scan'
		});
		await runMutation(door2, organizer, 'checkin.record', {
			eventId,
			personId: attendee.personId,
			checkedInAt: early,
			deviceName: 'Door 2',
			method: 'search'
		});
		await syncAs(door1, organizer);
		await syncAs(door2, organizer);
		await syncAs(door1, organizer);

		const ids = [await door1.deviceId(), await door2.deviceId()].sort();
		for (const db of [door1, door2]) {
			const row = await db.checkIns.get(key);
			expect(row?.checkedInAt).toBe(early);
			expect(row?.admissions.map((admission) => admission.deviceId).sort()).toEqual(ids);
			// Admitted twice: both doors' admissions are kept, the earliest first.
			expect(row?.admissions.map((admission) => admission.deviceName)).toEqual([
				'Door 2',
				'Door 1'
			]);
			expect(row?.version).toBeGreaterThan(0);
			expect(await db.checkIns.count()).toBe(1);
		}
	});

	it('shows the earliest check-in while a later one from this door is still pending', async () => {
		const door1 = device();
		const door2 = device();
		const key: [string, string] = [eventId, organizer.personId];
		const early = new Date(Date.now() - 300_000).toISOString();
		const late = new Date(Date.now() - 30_000).toISOString();
		await runMutation(door2, organizer, 'checkin.record', {
			eventId,
			personId: organizer.personId,
			checkedInAt: early,
			deviceName: 'Door 2',
			method: 'search'
		});
		await syncAs(door2, organizer);
		await runMutation(door1, organizer, 'checkin.record', {
			eventId,
			personId: organizer.personId,
			checkedInAt: late,
			deviceName: 'Door 1',
			method: 'scan'
		});
		// door1 pulls before pushing: its pending later check-in is merged over the server's,
		// not written over it.
		await pullChanges(door1, organizer, transport(organizer));
		expect(await door1.outbox.count()).toBe(1);
		const ids = [await door1.deviceId(), await door2.deviceId()].sort();
		const kept = await door1.checkIns.get(key);
		expect(kept?.checkedInAt).toBe(early);
		expect(kept?.admissions.map((admission) => admission.deviceId).sort()).toEqual(ids);
	});

	it('lets an edit made after seeing another win, even from a phone whose clock runs slow', async () => {
		const phone = device();
		const laptop = device();
		const personId = attendee.personId;
		const now = Date.now();
		await atTime(now, () =>
			runMutation(laptop, attendee, 'profile.update', {
				personId,
				changes: { pronouns: 'she/her' }
			})
		);
		await syncAs(laptop, attendee);
		// The phone's clock is two minutes behind; it sees the laptop's edit, then changes it.
		await atTime(now - 120_000, () => syncAs(phone, attendee));
		await atTime(now - 119_000, () =>
			runMutation(phone, attendee, 'profile.update', {
				personId,
				changes: { pronouns: 'they/them' }
			})
		);
		await syncAs(phone, attendee);
		await syncAs(laptop, attendee);
		for (const db of [phone, laptop])
			expect((await db.people.get(personId))?.pronouns).toBe('they/them');
	});
});
