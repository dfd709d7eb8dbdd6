import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import {
	pullResponseSchema,
	SYNCED_TABLES,
	type PullChanges,
	type PullResponse
} from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { SEED_BADGES } from '$lib/server/db/seed-data';
import { currentVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, logContribution } from '$lib/server/testing/fixtures';
import { handlePull } from './pull';
import { handlePush } from './push';

let handle: DatabaseHandle;
// Kenji (seed person 3) organizes both seeded events: he sees attendee lists too.
const organizer: Actor = { personId: '0190c0de-0001-7000-8000-000000000003', roles: ['organizer'] };
let newcomer: Actor;
const organizerDevice = newId();

beforeAll(async () => {
	handle = await createTestDatabase({ seed: true });
	newcomer = await addPerson(handle.db);
	// Five more versions after the seed's single one (one per pushed batch), each with one of
	// the organizer's rows.
	for (const mutationId of [1, 2, 3, 4, 5])
		await handlePush(handle.db, organizer, {
			deviceId: organizerDevice,
			mutations: [logContribution(mutationId)]
		});
	await handlePush(handle.db, newcomer, { deviceId: newId(), mutations: [logContribution(1)] });
});
afterAll(() => handle?.close());

type Delivered = { table: string; key: string; version: number };

function delivered(changes: PullChanges): Delivered[] {
	return SYNCED_TABLES.flatMap((table) =>
		changes[table].map((row) => ({
			table,
			key: 'id' in row ? row.id : `${JSON.stringify(row)}`,
			version: row.version
		}))
	);
}

async function pullAll(actor: Actor, deviceId: string, limit: number) {
	const pages: PullResponse[] = [];
	let cursor = 0;
	for (let guard = 0; guard < 100; guard++) {
		const page = pullResponseSchema.parse(
			await handlePull(handle.db, actor, { deviceId, cursor, limit })
		);
		pages.push(page);
		cursor = page.cursor;
		if (!page.more) return pages;
	}
	throw new Error('pull never finished');
}

describe('handlePull', () => {
	it('pages deliver every row exactly once without splitting a version', async () => {
		const [whole] = await pullAll(organizer, organizerDevice, 5000);
		const everything = delivered(whole.changes);
		expect(everything.length).toBeGreaterThan(20);

		const pages = await pullAll(organizer, organizerDevice, 2);
		const rows = pages.flatMap((page) => delivered(page.changes));
		expect(rows.map((row) => row.key).sort()).toEqual(everything.map((row) => row.key).sort());

		let previous = 0;
		for (const page of pages) {
			const versions = delivered(page.changes).map((row) => row.version);
			expect(versions.every((version) => version > previous && version <= page.cursor)).toBe(true);
			previous = page.cursor;
		}
		// The seed's one big version came whole, beyond the limit; later pages respect it.
		expect(delivered(pages[0].changes).length).toBeGreaterThan(2);
		expect(pages.slice(1).every((page) => delivered(page.changes).length <= 2)).toBe(true);
		const last = pages[pages.length - 1];
		expect(last.cursor).toBe(await handle.db.transaction((tx) => currentVersion(tx)));
		expect(last.lastMutationId).toBe(5);
	});

	it("never delivers another person's contributions, rejections or email", async () => {
		const [page] = await pullAll(newcomer, newId(), 5000);
		expect(page.changes.contributions.map((row) => row.personId)).toEqual([newcomer.personId]);
		// Only their own awards: logging a first contribution earned the seed's rule badge.
		expect(page.changes.awards.map((award) => [award.personId, award.source])).toEqual([
			[newcomer.personId, 'rule']
		]);
		const others = page.changes.people.filter((person) => person.id !== newcomer.personId);
		expect(others.length).toBeGreaterThan(0);
		expect(others.every((person) => person.email === null)).toBe(true);
		// The community event is visible, the organizer's attendee list is not.
		expect(page.changes.events).toHaveLength(2);
		expect(page.changes.registrations).toEqual([]);
		expect(page.changes.badges).toHaveLength(SEED_BADGES.length);
	});

	it('gives an organizer the attendee lists of the events they run', async () => {
		const [page] = await pullAll(organizer, organizerDevice, 5000);
		expect(page.changes.registrations.length).toBeGreaterThan(5);
		expect(page.changes.checkIns.length).toBeGreaterThan(0);
		const attendees = new Set(page.changes.registrations.map((row) => row.personId));
		const people = new Set(page.changes.people.map((person) => person.id));
		expect([...attendees].every((id) => people.has(id))).toBe(true);
	});

	it('answers an unknown cursor with a reset from the start', async () => {
		const page = await handlePull(handle.db, newcomer, {
			deviceId: newId(),
			cursor: 1_000_000,
			limit: 5000
		});
		expect(page.reset).toBe(true);
		expect(page.more).toBe(false);
		expect(page.lastMutationId).toBe(0);
		expect(page.changes.contributions).toHaveLength(1);
	});

	it('returns nothing new at the head', async () => {
		const [whole] = await pullAll(newcomer, newId(), 5000);
		const again = await handlePull(handle.db, newcomer, {
			deviceId: newId(),
			cursor: whole.cursor
		});
		expect(again.reset).toBe(false);
		expect(again.cursor).toBe(whole.cursor);
		expect(delivered(again.changes)).toEqual([]);
	});

	it('counts the rows still to come when asked, for a progress bar', async () => {
		const everything = delivered((await pullAll(organizer, organizerDevice, 5000))[0].changes);
		const first = await handlePull(handle.db, organizer, {
			deviceId: organizerDevice,
			cursor: 0,
			limit: 2,
			count: true
		});
		expect(delivered(first.changes).length + (first.remaining ?? -1)).toBe(everything.length);
		const last = await handlePull(handle.db, organizer, {
			deviceId: organizerDevice,
			cursor: 0,
			limit: 5000,
			count: true
		});
		expect(last.remaining).toBe(0);
		const uncounted = await handlePull(handle.db, organizer, {
			deviceId: organizerDevice,
			cursor: 0
		});
		expect(uncounted.remaining).toBeUndefined();
	});
});
