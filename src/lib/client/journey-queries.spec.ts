import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Award, Badge, Contribution } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { journeyOf } from '$lib/domain/journey';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import { addDays, weeklyStreak } from '$lib/domain/weeks';
import { fetchJourney, myJourney, myStreak } from './journey-queries';
import { device } from './testing/harness';

const me = newId();
const someone = newId();

function row(personId: string, happenedOn: string, activityType = 'wrote_code'): Contribution {
	return {
		id: newId(),
		personId,
		area: 'development',
		activityType,
		description: 'Fixed a bug',
		happenedOn,
		link: null,
		eventId: activityType === 'attended' ? newId() : null,
		durationMinutes: 60,
		location: null,
		createdAt: `${happenedOn}T10:00:00.000Z`,
		editedAt: null,
		verifiedBy: null,
		verifiedAt: null,
		version: 1
	};
}

describe('my journey on the device', () => {
	it('reads only my contributions and awards, with the badges they name', async () => {
		const db = device();
		await db.contributions.bulkPut([
			row(me, '2026-11-20'),
			row(me, '2026-11-12', 'attended'),
			row(someone, '2026-11-20')
		]);
		const badge: Badge = {
			id: newId(),
			slug: 'first-steps',
			name: 'First Steps',
			description: '',
			criteria: '',
			image: null,
			rule: null,
			archived: false,
			createdAt: '2026-01-01T00:00:00.000Z',
			version: 1
		};
		await db.badges.put(badge);
		const award: Award = {
			id: newId(),
			badgeId: badge.id,
			personId: me,
			awardedAt: '2026-11-20T10:00:00.000Z',
			awardedBy: null,
			source: 'rule',
			evidence: null,
			revokedAt: null,
			revokedBy: null,
			revocationReason: null,
			version: 1
		};
		await db.awards.put(award);

		const { journey, taxonomy } = await myJourney(db, me, '2026-11-21');
		expect(taxonomy.areas.length).toBeGreaterThan(0);
		expect(journey.totals).toEqual({ contributions: 1, points: 1, eventsAttended: 1, hours: 2 });
		expect(journey.badges.map((earned) => earned.name)).toEqual(['First Steps']);
		expect(journey.streak).toEqual({ current: 2, longest: 2, thisWeek: true });
		expect(await myStreak(db, me, '2026-11-21')).toEqual({ current: 2, thisWeek: true });
		expect(await myStreak(db, someone, '2026-11-24')).toEqual({ current: 1, thisWeek: false });
	});

	it("Home's streak, week by week on the index, agrees with weeklyStreak", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(fc.integer({ min: -120, max: 6 }), { maxLength: 40 }),
				fc.integer({ min: 0, max: 6 }),
				async (offsets, weekday) => {
					const db = device();
					// 2026-11-16 is a Monday: today is a day of its week; some days lie after it.
					const today = addDays('2026-11-16', weekday);
					const days = offsets.map((offset) => addDays(today, offset));
					await db.contributions.bulkPut([...days.map((day) => row(me, day)), row(someone, today)]);
					const { current, thisWeek } = weeklyStreak(days, today);
					expect(await myStreak(db, me, today)).toEqual({ current, thisWeek });
					await db.delete();
				}
			),
			{ numRuns: 60 }
		);
	});
});

describe('someone else’s journey from the server', () => {
	const journey = journeyOf({
		contributions: [row(someone, '2026-11-20')],
		awards: [],
		badges: [],
		taxonomy: effectiveTaxonomy([]),
		today: '2026-11-21'
	});
	const answering =
		(status: number, body: unknown): typeof fetch =>
		async () =>
			new Response(JSON.stringify(body), { status });

	it('shows a well-formed answer, and says why otherwise', async () => {
		const shown = await fetchJourney(
			someone,
			'2026-11-21',
			answering(200, { personId: someone, journey })
		);
		expect(shown).toEqual({ ok: true, journey });
		expect(
			await fetchJourney(someone, '2026-11-21', answering(404, { error: 'not_found' }))
		).toEqual({ ok: false, failure: 'hidden' });
		// A body that is not a journey (a captive portal's page, an older server) is not shown.
		expect(
			await fetchJourney(someone, '2026-11-21', answering(200, { personId: someone, journey: {} }))
		).toEqual({ ok: false, failure: 'offline' });
		const unreachable: typeof fetch = async () => {
			throw new TypeError('Failed to fetch');
		};
		expect(await fetchJourney(someone, '2026-11-21', unreachable)).toEqual({
			ok: false,
			failure: 'offline'
		});
	});
});
