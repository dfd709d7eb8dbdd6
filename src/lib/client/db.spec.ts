import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import type { Contribution } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { device } from './testing/harness';

function row(personId: string, happenedOn: string): Contribution {
	return {
		id: newId(),
		personId,
		area: 'events',
		activityType: 'organized_event',
		description: `on ${happenedOn}`,
		happenedOn,
		link: null,
		eventId: null,
		durationMinutes: null,
		location: null,
		createdAt: new Date().toISOString(),
		editedAt: null,
		verifiedBy: null,
		verifiedAt: null,
		version: 1
	};
}

describe('latestContributionsOf, contributionCountOf', () => {
	it("reads a person's latest contributions, limited, with the total of theirs only", async () => {
		const db = device();
		const me = newId();
		const someoneElse = newId();
		const days = Array.from(
			{ length: 30 },
			(_, day) => `2026-10-${String(day + 1).padStart(2, '0')}`
		);
		await db.contributions.bulkPut([
			...days.map((day) => row(me, day)),
			row(someoneElse, '2026-10-31')
		]);

		const latest = await db.latestContributionsOf(me, 5);

		expect(await db.contributionCountOf(me)).toBe(30);
		expect(latest.map((contribution) => contribution.happenedOn)).toEqual(days.slice(-5).reverse());
		expect(latest.every((contribution) => contribution.personId === me)).toBe(true);
	});

	it('each runs once per written page when watched, as home watches them', async () => {
		const db = device();
		const me = newId();
		const runs = { latest: 0, total: 0 };
		const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
		const subscriptions = [
			liveQuery(() => (runs.latest++, db.latestContributionsOf(me, 20))).subscribe(() => {}),
			liveQuery(() => (runs.total++, db.contributionCountOf(me))).subscribe(() => {})
		];
		await settle();
		runs.latest = runs.total = 0;
		for (const day of ['2026-10-01', '2026-10-02', '2026-10-03']) {
			// As a pulled page is applied: one transaction with the cursor.
			await db.transaction('rw', db.contributions, db.meta, async () => {
				await db.contributions.bulkPut([row(me, day), row(me, day)]);
				await db.setMeta('cursor', 1);
			});
			await settle();
		}
		expect(runs).toEqual({ latest: 3, total: 3 });
		for (const subscription of subscriptions) subscription.unsubscribe();
	});
});
