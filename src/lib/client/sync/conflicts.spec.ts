/**
 * Conflict rules across devices, end to end on the device side: two Dexie databases
 * (fake-indexeddb) syncing through the real push/pull handlers on PGlite. The screen shows
 * the winning value at every step: rebase re-applies pending writes by the same rules.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addEvent, addPerson } from '$lib/server/testing/fixtures';
import { GatherDatabase } from '../db';
import { runMutation } from '../mutations';
import { pullChanges } from './pull';
import { pushOutbox } from './push';
import type { SyncTransport } from './transport';

let server: DatabaseHandle;
let organizer: Actor;
let attendee: Actor;
let eventId: string;

beforeAll(async () => {
	server = await createTestDatabase();
	organizer = await addPerson(server.db, ['member', 'organizer']);
	attendee = await addPerson(server.db);
	eventId = await addEvent(server.db, [organizer.personId]);
});
afterAll(() => server.close());

function transport(as: Actor): SyncTransport {
	return {
		push: (request) => handlePush(server.db, as, request),
		pull: (request) => handlePull(server.db, as, request)
	};
}

async function sync(db: GatherDatabase, as: Actor) {
	await pushOutbox(db, transport(as));
	await pullChanges(db, as, transport(as));
}

/** Run a mutation as if the device clock read `millis`. */
async function at<T>(millis: number, work: () => Promise<T>): Promise<T> {
	vi.useFakeTimers({ toFake: ['Date'], now: millis });
	try {
		return await work();
	} finally {
		vi.useRealTimers();
	}
}

describe('conflicts across devices', () => {
	it('shows the newest profile value per field, before and after sync', async () => {
		const phone = new GatherDatabase(`spec-${newId()}`);
		const laptop = new GatherDatabase(`spec-${newId()}`);
		await sync(phone, attendee);
		await sync(laptop, attendee);
		const personId = attendee.personId;
		const now = Date.now();

		// The laptop edits later (newer clock) and syncs first.
		await at(now - 1000, () =>
			runMutation(phone, attendee, 'profile.update', {
				personId,
				changes: { city: 'Porto', bio: 'From the phone' }
			})
		);
		await at(now, () =>
			runMutation(laptop, attendee, 'profile.update', { personId, changes: { city: 'Lisboa' } })
		);
		await sync(laptop, attendee);
		// The phone pulls before pushing: its pending older city loses on screen at once (rebase
		// by the rule), its bio (no newer write) stays.
		await pullChanges(phone, attendee, transport(attendee));
		expect(await phone.people.get(personId)).toMatchObject({
			city: 'Lisboa',
			bio: 'From the phone'
		});
		expect(await phone.outbox.count()).toBe(1);

		await sync(phone, attendee);
		await sync(laptop, attendee);
		for (const db of [phone, laptop]) {
			expect(await db.outbox.count()).toBe(0);
			expect(await db.people.get(personId)).toMatchObject({
				city: 'Lisboa',
				bio: 'From the phone'
			});
		}
	});

	it('merges check-ins from two doors into one, the earliest, on both devices', async () => {
		const door1 = new GatherDatabase(`spec-${newId()}`);
		const door2 = new GatherDatabase(`spec-${newId()}`);
		const key: [string, string] = [eventId, attendee.personId];
		const early = new Date(Date.now() - 120_000).toISOString();
		const late = new Date(Date.now() - 10_000).toISOString();
		await runMutation(door1, organizer, 'checkin.record', {
			eventId,
			personId: attendee.personId,
			checkedInAt: late
		});
		await runMutation(door2, organizer, 'checkin.record', {
			eventId,
			personId: attendee.personId,
			checkedInAt: early
		});
		await sync(door1, organizer);
		await sync(door2, organizer);
		await sync(door1, organizer);

		const ids = [await door1.deviceId(), await door2.deviceId()].sort();
		for (const db of [door1, door2]) {
			const row = await db.checkIns.get(key);
			expect(row).toMatchObject({ checkedInAt: early, deviceIds: ids });
			expect(row?.version).toBeGreaterThan(0);
			expect(await db.checkIns.count()).toBe(1);
		}
	});
});
