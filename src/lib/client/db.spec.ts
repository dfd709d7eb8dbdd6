import 'fake-indexeddb/auto';
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
		createdAt: new Date().toISOString(),
		version: 1
	};
}

describe('contributionsOf', () => {
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

		const { latest, total } = await db.contributionsOf(me, 5);

		expect(total).toBe(30);
		expect(latest.map((contribution) => contribution.happenedOn)).toEqual(days.slice(-5).reverse());
		expect(latest.every((contribution) => contribution.personId === me)).toBe(true);
	});
});
