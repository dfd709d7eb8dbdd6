/** The contribution screens' reads on the device (fake-indexeddb, real Dexie). */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { GatherDatabase } from './db';
import { myLatestContributions, pendingVerifications } from './contribution-queries';
import { runMutation } from './mutations';
import { eventRow } from './testing/events';
import { contribution, device } from './testing/harness';

let db: GatherDatabase;
let me: Actor;

beforeEach(() => {
	db = device();
	me = { personId: newId(), roles: ['member', 'mentor'] };
});

describe('myLatestContributions', () => {
	it('gives each card its event’s title when the device holds the event, and the names', async () => {
		const event = eventRow([newId()], { title: 'Translation sprint' });
		await db.events.put(event);
		const linked = { ...contribution('At the sprint'), eventId: event.id };
		const elsewhere = { ...contribution('Somewhere else'), eventId: newId() };
		const plain = contribution('On my own');
		for (const args of [linked, elsewhere, plain])
			await runMutation(db, me, 'contribution.log', args);
		await db.taxonomyTerms.put({
			kind: 'area',
			slug: 'events',
			names: { en: 'Gatherings' },
			weight: null,
			archived: false,
			position: 0,
			version: 1
		});

		const list = await myLatestContributions(db, me.personId, 10);
		const titles = Object.fromEntries(
			list.items.map((item) => [item.contribution.description, item.eventTitle])
		);
		expect(titles).toEqual({
			'At the sprint': 'Translation sprint',
			'Somewhere else': null,
			'On my own': null
		});
		expect(list.taxonomy.areas.find((term) => term.slug === 'events')?.names.en).toBe('Gatherings');
		expect((await myLatestContributions(db, me.personId, 2)).items).toHaveLength(2);
		expect((await myLatestContributions(db, newId(), 10)).items).toEqual([]);
	});
});

describe('pendingVerifications', () => {
	it('holds the latest verification written per contribution until it leaves the outbox', async () => {
		const [first, second] = [newId(), newId()];
		await runMutation(db, me, 'contribution.verify', { id: first, verified: true });
		await runMutation(db, me, 'contribution.verify', { id: second, verified: true });
		await runMutation(db, me, 'contribution.verify', { id: first, verified: false });
		expect(await pendingVerifications(db)).toEqual(
			new Map([
				[first, false],
				[second, true]
			])
		);
		await db.outbox.clear();
		expect(await pendingVerifications(db)).toEqual(new Map());
	});
});
