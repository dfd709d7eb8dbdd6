import { describe, expect, it } from 'vitest';
import { journeyOf, journeySchema, timelineHead, type JourneyContribution } from './journey';
import { effectiveTaxonomy } from './taxonomy';

const taxonomy = effectiveTaxonomy([
	{ kind: 'activity', slug: 'gave_talk', names: {}, weight: 5, archived: false, position: 10 }
]);
// A Saturday: its week starts on Monday 2026-11-16.
const today = '2026-11-21';

let counter = 0;
function contribution(values: Partial<JourneyContribution>): JourneyContribution {
	counter += 1;
	return {
		id: `c${counter}`,
		area: 'development',
		activityType: 'wrote_code',
		description: 'something',
		happenedOn: today,
		eventId: null,
		durationMinutes: null,
		...values
	};
}

describe('journeyOf', () => {
	it('an empty journey has zero totals, twelve empty months and no streak', () => {
		const journey = journeyOf({ contributions: [], awards: [], badges: [], taxonomy, today });
		expect(journey.totals).toEqual({ contributions: 0, points: 0, eventsAttended: 0, hours: 0 });
		expect(journey.byMonth).toHaveLength(12);
		expect(journey.byMonth[0]).toEqual({ month: '2025-12', count: 0 });
		expect(journey.byMonth[11]).toEqual({ month: '2026-11', count: 0 });
		expect(journey.streak).toEqual({ current: 0, longest: 0, thisWeek: false });
		expect(journey.timeline).toEqual([]);
	});

	it('counts logged contributions, weighted points, distinct events and hours', () => {
		const contributions = [
			contribution({ activityType: 'gave_talk', area: 'events', durationMinutes: 90 }),
			contribution({ happenedOn: '2026-11-10', durationMinutes: 30 }),
			contribution({ happenedOn: '2026-10-01' }),
			contribution({
				activityType: 'attended',
				area: 'events',
				eventId: 'e1',
				durationMinutes: 60
			}),
			contribution({ activityType: 'attended', area: 'events', eventId: 'e1' }),
			contribution({
				activityType: 'attended',
				area: 'events',
				eventId: 'e2',
				happenedOn: '2026-11-03'
			})
		];
		const journey = journeyOf({ contributions, awards: [], badges: [], taxonomy, today });
		// 5 (a talk) + 1 + 1; attendance earns no points.
		expect(journey.totals).toEqual({ contributions: 3, points: 7, eventsAttended: 2, hours: 3 });
		expect(journey.byArea).toEqual([
			{ slug: 'development', count: 2 },
			{ slug: 'events', count: 1 }
		]);
		expect(journey.byMonth.at(-1)).toEqual({ month: '2026-11', count: 2 });
		expect(journey.byMonth.at(-2)).toEqual({ month: '2026-10', count: 1 });
		// Weeks of 11-16, 11-09 and 11-02 (attendance counts for the streak).
		expect(journey.streak).toEqual({ current: 3, longest: 3, thisWeek: true });
	});

	it('keeps a streak from last week alive, saying this week does not count yet', () => {
		const contributions = [
			contribution({ happenedOn: '2026-11-13' }),
			contribution({ happenedOn: '2026-11-02' })
		];
		const { streak } = journeyOf({ contributions, awards: [], badges: [], taxonomy, today });
		expect(streak).toEqual({ current: 2, longest: 2, thisWeek: false });
	});

	it('lists badges earned, not revoked, newest first, and a timeline by month', () => {
		const badges = [
			{ id: 'b1', name: 'First steps', image: null },
			{ id: 'b2', name: 'Speaker', image: null },
			{ id: 'b3', name: 'Gone', image: null }
		];
		const awards = [
			{ id: 'a1', badgeId: 'b1', awardedAt: '2026-10-02T10:00:00.000Z', revokedAt: null },
			{ id: 'a2', badgeId: 'b2', awardedAt: '2026-11-20T10:00:00.000Z', revokedAt: null },
			{
				id: 'a3',
				badgeId: 'b3',
				awardedAt: '2026-11-01T10:00:00.000Z',
				revokedAt: '2026-11-02T10:00:00.000Z'
			},
			// A badge this reader does not have (yet) is left out rather than shown without a name.
			{ id: 'a4', badgeId: 'missing', awardedAt: '2026-11-01T10:00:00.000Z', revokedAt: null }
		];
		const contributions = [
			contribution({ id: 'old', happenedOn: '2026-10-01' }),
			contribution({ id: 'new', happenedOn: '2026-11-21' })
		];
		const journey = journeyOf({ contributions, awards, badges, taxonomy, today });
		expect(journey.badges.map((badge) => badge.awardId)).toEqual(['a2', 'a1']);
		expect(journey.timeline.map((group) => group.month)).toEqual(['2026-11', '2026-10']);
		expect(
			journey.timeline[0].items.map((item) =>
				item.kind === 'badge' ? item.badge.awardId : item.contribution.id
			)
		).toEqual(['new', 'a2']);
		expect(
			journey.timeline[1].items.map((item) =>
				item.kind === 'badge' ? item.badge.awardId : item.contribution.id
			)
		).toEqual(['a1', 'old']);
	});

	it('carries only the journey’s fields of a contribution, in the shape the server sends', () => {
		const row = { ...contribution({ id: 'full' }), personId: 'p1', link: 'https://example.org/x' };
		const journey = journeyOf({ contributions: [row], awards: [], badges: [], taxonomy, today });
		expect(journey.timeline[0].items[0]).toEqual({
			kind: 'contribution',
			day: today,
			contribution: contribution({ id: 'full' })
		});
		expect(journeySchema.parse(journey)).toEqual(journey);
	});
});

describe('timelineHead', () => {
	it('keeps the first items across months, and the months they are in', () => {
		const contributions = ['2026-11-20', '2026-11-10', '2026-10-05', '2026-09-01'].map((day) =>
			contribution({ id: day, happenedOn: day })
		);
		const { timeline } = journeyOf({ contributions, awards: [], badges: [], taxonomy, today });
		const ids = (head: typeof timeline) =>
			head.map((group) => [
				group.month,
				group.items.map((item) => (item.kind === 'contribution' ? item.contribution.id : ''))
			]);
		expect(ids(timelineHead(timeline, 3))).toEqual([
			['2026-11', ['2026-11-20', '2026-11-10']],
			['2026-10', ['2026-10-05']]
		]);
		expect(ids(timelineHead(timeline, 1))).toEqual([['2026-11', ['2026-11-20']]]);
		expect(timelineHead(timeline, 10)).toEqual(timeline);
		expect(timelineHead(timeline, 0)).toEqual([]);
	});
});
