import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	absenceOf,
	dashboardOf,
	dashboardSearch,
	levelOf,
	parseDashboardFilters,
	type DashboardFilters,
	type MetricInputs
} from './metrics';

/*
 * A small community, hand-computed. Weeks (Mondays): 2026-01-05, 01-12, …, 02-09, 02-16,
 * 02-23, 03-02. The period is the 4 weeks 02-09 … 03-02 (its last day is 03-08).
 *
 * alice (FR, g1): 01-05 localization w1, 02-10 localization w5, 03-03 community w20
 * bob   (DE):     01-12 localization w1; an `attended` row on 02-20 (never a contribution)
 * carol (FR):     02-25 development w3
 * dan   (DE):     no contributions; checked in at e1 (02-10) and e3 (03-04)
 * erin  (FR, g1): 03-06 community w1; checked in at e3 (03-04) as a walk-in
 *
 * e1 localization 02-10 (alice, dan registered; erin waitlisted; alice and dan checked in)
 * e2 development 02-24, cancelled
 * e3 community 03-04 (dan, erin registered; carol cancelled; dan and erin checked in)
 */
const inputs: MetricInputs = {
	people: [
		{ id: 'alice', country: 'FR', groups: ['g1'] },
		{ id: 'bob', country: 'DE', groups: [] },
		{ id: 'carol', country: 'FR', groups: [] },
		{ id: 'dan', country: 'DE', groups: [] },
		{ id: 'erin', country: 'FR', groups: ['g1'] }
	],
	contributions: [
		contribution('alice', '2026-01-05', 'localization', 1),
		contribution('alice', '2026-02-10', 'localization', 5),
		contribution('alice', '2026-03-03', 'community', 20),
		contribution('bob', '2026-01-12', 'localization', 1),
		{ ...contribution('bob', '2026-02-20', 'localization', 1), activityType: 'attended' },
		contribution('carol', '2026-02-25', 'development', 3),
		contribution('erin', '2026-03-06', 'community', 1)
	],
	events: [
		{ id: 'e1', startsAt: '2026-02-10', area: 'localization', cancelled: false },
		{ id: 'e2', startsAt: '2026-02-24', area: 'development', cancelled: true },
		{ id: 'e3', startsAt: '2026-03-04', area: 'community', cancelled: false }
	],
	registrations: [
		{ eventId: 'e1', personId: 'alice', status: 'registered' },
		{ eventId: 'e1', personId: 'dan', status: 'registered' },
		{ eventId: 'e1', personId: 'erin', status: 'waitlisted' },
		{ eventId: 'e3', personId: 'dan', status: 'registered' },
		{ eventId: 'e3', personId: 'erin', status: 'registered' },
		{ eventId: 'e3', personId: 'carol', status: 'cancelled' }
	],
	checkIns: [
		{ eventId: 'e1', personId: 'alice', day: '2026-02-10' },
		{ eventId: 'e1', personId: 'dan', day: '2026-02-10' },
		{ eventId: 'e3', personId: 'dan', day: '2026-03-04' },
		{ eventId: 'e3', personId: 'erin', day: '2026-03-04' }
	]
};

function contribution(personId: string, happenedOn: string, area: string, weight: number) {
	return { personId, happenedOn, area, activityType: 'translation', eventId: null, weight };
}

const all: DashboardFilters = {
	area: null,
	country: null,
	groupId: null,
	period: 'custom',
	from: '2026-02-09',
	to: '2026-03-02'
};

describe('dashboardOf', () => {
	const data = dashboardOf(inputs, all, '2026-03-04T12:00:00.000Z');

	it('counts active, new and newly inactive contributors per week', () => {
		expect(data.weeks).toEqual(['2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02']);
		expect(data.activity).toEqual([
			// 01-19…02-09: alice (02-10). bob's 01-12 is in 12-22…01-12 and nothing since.
			{ week: '2026-02-09', active: 1, new: 0, newlyInactive: 1 },
			{ week: '2026-02-16', active: 1, new: 0, newlyInactive: 1 },
			// carol's first contribution ever is 02-25; bob's attended row never counts.
			{ week: '2026-02-23', active: 2, new: 1, newlyInactive: 1 },
			// alice (02-10, 03-03), carol (02-25), erin (first ever 03-06); bob's 01-12 is in W-7…W-4.
			{ week: '2026-03-02', active: 3, new: 1, newlyInactive: 1 }
		]);
	});

	it('follows each month’s first-time contributors', () => {
		expect(data.retention).toHaveLength(12);
		expect(data.retention[0].month).toBe('2025-04');
		expect(data.retention[0].retained).toHaveLength(12);
		// January: alice and bob; only alice came back in February and March.
		expect(data.retention[9]).toEqual({
			month: '2026-01',
			size: 2,
			retained: [
				{ offset: 0, count: 2, share: 1 },
				{ offset: 1, count: 1, share: 0.5 },
				{ offset: 2, count: 1, share: 0.5 }
			]
		});
		// February: carol, not seen in March. March: erin.
		expect(data.retention[10].retained).toEqual([
			{ offset: 0, count: 1, share: 1 },
			{ offset: 1, count: 0, share: 0 }
		]);
		expect(data.retention[11]).toEqual({
			month: '2026-03',
			size: 1,
			retained: [{ offset: 0, count: 1, share: 1 }]
		});
		// An empty cohort has no share.
		expect(data.retention[0].retained[0]).toEqual({ offset: 0, count: 0, share: null });
	});

	it('converts first check-ins into contributions within 90 days', () => {
		// alice (02-10, contributed that day) and dan (never) first checked in in February;
		// erin on 03-04, contributing on 03-06.
		expect(data.conversion.months).toEqual([
			{ month: '2026-02', checkedIn: 2, converted: 1, rate: 0.5 },
			{ month: '2026-03', checkedIn: 1, converted: 1, rate: 1 }
		]);
		expect(data.conversion.total).toEqual({ checkedIn: 3, converted: 2, rate: 2 / 3 });
	});

	it('places people on engagement levels and counts promotions', () => {
		// As of 03-02 (12 weeks from 2025-12-15): alice 1+5+20 = 26 leading; bob 1, carol 3,
		// erin 1 participating; dan only checked in: exploring.
		expect(data.engagement.counts).toEqual({
			exploring: 1,
			participating: 3,
			contributing: 0,
			leading: 1
		});
		expect(data.engagement.series).toHaveLength(12);
		expect(data.engagement.series[0]).toEqual({
			week: '2025-12-15',
			counts: { exploring: 0, participating: 0, contributing: 0, leading: 0 }
		});
		expect(data.engagement.series[11].counts).toEqual(data.engagement.counts);
		// As of 02-02 alice and bob were participating, the rest none: alice, carol, erin and dan
		// went up; bob stayed.
		expect(data.engagement.promotions).toBe(4);
	});

	it('counts events held, registrations, check-ins and attendance per month', () => {
		// e2 was cancelled; erin's waitlisting and carol's cancellation are not registrations.
		expect(data.events.months).toEqual([
			{ month: '2026-02', held: 1, registrations: 2, checkIns: 2, attendanceRate: 1 },
			{ month: '2026-03', held: 1, registrations: 2, checkIns: 2, attendanceRate: 1 }
		]);
		expect(data.events.total).toEqual({
			held: 2,
			registrations: 4,
			checkIns: 4,
			attendanceRate: 1
		});
	});

	it('finds how few people carry half of the contributions', () => {
		// In 02-09…03-08: alice 2, carol 1, erin 1 → alice alone carries 2 of 4.
		expect(data.absence).toEqual({ factor: 1, total: 4, contributors: 3, topShare: 0.5 });
	});

	it('keeps one country’s people', () => {
		const germany = dashboardOf(inputs, { ...all, country: 'DE' });
		// bob (quiet since 01-12) and dan (no contributions).
		expect(germany.activity.map((week) => [week.active, week.newlyInactive])).toEqual([
			[0, 1],
			[0, 1],
			[0, 1],
			[0, 1]
		]);
		expect(germany.conversion.total).toEqual({ checkedIn: 1, converted: 0, rate: 0 });
		// Events stay; only dan's registrations and check-ins count.
		expect(germany.events.total).toEqual({
			held: 2,
			registrations: 2,
			checkIns: 2,
			attendanceRate: 1
		});
		expect(germany.absence).toEqual({ factor: 0, total: 0, contributors: 0, topShare: null });
	});

	it('keeps one group’s people', () => {
		const group = dashboardOf(inputs, { ...all, groupId: 'g1' });
		// alice and erin only.
		expect(group.activity.map((week) => week.active)).toEqual([1, 1, 1, 2]);
		expect(group.engagement.counts).toEqual({
			exploring: 0,
			participating: 1,
			contributing: 0,
			leading: 1
		});
	});

	it('keeps one area’s contributions and events', () => {
		const localization = dashboardOf(inputs, { ...all, area: 'localization' });
		// Contributions: alice 01-05, 02-10; bob 01-12. Only alice's 02-10 is in the period.
		expect(localization.absence).toEqual({
			factor: 1,
			total: 1,
			contributors: 1,
			topShare: 1
		});
		expect(localization.events.months.map((month) => month.held)).toEqual([1, 0]);
		// e1's check-ins only: alice converted (02-10), dan did not; erin's e3 is another area.
		expect(localization.conversion.total).toEqual({ checkedIn: 2, converted: 1, rate: 0.5 });
		// As of 03-02: alice 1+5 = 6 contributing, bob 1 participating, dan exploring (e1).
		expect(localization.engagement.counts).toEqual({
			exploring: 1,
			participating: 1,
			contributing: 1,
			leading: 0
		});
	});
});

describe('the edges of the windows', () => {
	const none = { people: [], events: [], registrations: [], checkIns: [] };

	it('keeps a contributor active for 4 weeks, then newly inactive for 4 more', () => {
		// One contribution on 03-04 (week 03-02); the period is 03-02 … 04-27, 9 weeks.
		const data = dashboardOf(
			{ ...none, contributions: [contribution('pat', '2026-03-04', 'design', 1)] },
			{ ...all, from: '2026-03-02', to: '2026-04-27' }
		);
		expect(data.activity.map((week) => week.active)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
		expect(data.activity.map((week) => week.newlyInactive)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0]);
	});

	it('converts a first check-in by a contribution on that day up to 90 days after it', () => {
		const checkIn = (personId: string, day: string) => ({ eventId: 'e', personId, day });
		const data = dashboardOf(
			{
				...none,
				events: [{ id: 'e', startsAt: '2026-03-02', area: null, cancelled: false }],
				contributions: [
					contribution('near', '2026-05-31', 'design', 1), // day 90
					contribution('far', '2026-06-01', 'design', 1), // day 91
					contribution('before', '2026-02-01', 'design', 1) // before the check-in only
				],
				checkIns: [
					checkIn('near', '2026-03-02'),
					checkIn('far', '2026-03-02'),
					checkIn('before', '2026-03-02'),
					checkIn('later', '2026-04-28') // after the period's last day (04-26)
				]
			},
			{ ...all, from: '2026-03-02', to: '2026-04-20' }
		);
		expect(data.conversion.months).toEqual([
			{ month: '2026-03', checkedIn: 3, converted: 1, rate: 1 / 3 },
			{ month: '2026-04', checkedIn: 0, converted: 0, rate: null }
		]);
	});
});

describe('levelOf', () => {
	it('uses the thresholds 20, 5 and 1, and a check-in for exploring', () => {
		expect(levelOf(20, false)).toBe('leading');
		expect(levelOf(19, true)).toBe('contributing');
		expect(levelOf(5, false)).toBe('contributing');
		expect(levelOf(4, false)).toBe('participating');
		expect(levelOf(1, false)).toBe('participating');
		expect(levelOf(0, true)).toBe('exploring');
		expect(levelOf(0, false)).toBe('none');
	});
});

describe('parseDashboardFilters', () => {
	const today = '2026-03-04'; // a Wednesday; its week starts 03-02
	const parse = (search: string) => parseDashboardFilters(new URLSearchParams(search), today);

	it('defaults to everyone over the last 12 weeks', () => {
		expect(parse('')).toEqual({
			filters: {
				area: null,
				country: null,
				groupId: null,
				period: '12w',
				from: '2025-12-15',
				to: '2026-03-02'
			},
			invalid: false
		});
	});

	it('reads the presets and custom periods, snapped to Mondays', () => {
		expect(parse('period=6m').filters.from).toBe('2025-09-08'); // 25 weeks before 03-02
		expect(parse('period=12m').filters.from).toBe('2025-03-10'); // 51 weeks before
		const custom = parse('period=custom&from=2026-01-07&to=2026-02-11&area=design&country=FR');
		expect(custom).toEqual({
			filters: {
				area: 'design',
				country: 'FR',
				groupId: null,
				period: 'custom',
				from: '2026-01-05',
				to: '2026-02-09'
			},
			invalid: false
		});
	});

	it('falls back to defaults on bad input and says so', () => {
		expect(parse('period=forever')).toMatchObject({ filters: { period: '12w' }, invalid: true });
		expect(parse('country=fr')).toMatchObject({ filters: { country: null }, invalid: true });
		expect(parse('group=nope')).toMatchObject({ filters: { groupId: null }, invalid: true });
		expect(parse('area=Not%20A%20Slug')).toMatchObject({ filters: { area: null }, invalid: true });
		// The future, a reversed range, more than three years, or not a date.
		for (const search of [
			'period=custom&from=2026-01-05&to=2026-04-06',
			'period=custom&from=2026-02-09&to=2026-01-05',
			'period=custom&from=2020-01-06&to=2026-01-05',
			'period=custom&from=yesterday'
		])
			expect(parse(search)).toMatchObject({
				filters: { period: '12w', from: '2025-12-15', to: '2026-03-02' },
				invalid: true
			});
	});

	it('round-trips through dashboardSearch', () => {
		const { filters } = parse('period=custom&from=2026-01-05&to=2026-02-09&group=' + uuid);
		expect(parse(dashboardSearch(filters)).filters).toEqual(filters);
	});
});

const uuid = '0190e6b1-2c3d-7abc-8def-0123456789ab';

describe('absenceOf', () => {
	it('takes the busiest people one by one until they carry half, as a histogram', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }), (perPerson) => {
				// The definition, person by person.
				const busiestFirst = [...perPerson].sort((a, b) => b - a);
				const total = busiestFirst.reduce((sum, count) => sum + count, 0);
				let factor = 0;
				let carried = 0;
				while (carried * 2 < total) carried += busiestFirst[factor++];
				const histogram = new Map<number, number>();
				for (const count of perPerson) histogram.set(count, (histogram.get(count) ?? 0) + 1);
				expect(
					absenceOf([...histogram].map(([contributions, people]) => ({ contributions, people })))
				).toEqual({
					factor,
					total,
					contributors: perPerson.length,
					topShare: total === 0 ? null : carried / total
				});
			})
		);
	});
});
