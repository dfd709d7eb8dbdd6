/**
 * Community metrics: THE definitions. `dashboardOf` is the reference implementation over plain
 * rows (small communities, tests); the server's SQL (server/metrics/queries.ts) must return the
 * same numbers for the same rows. All days are calendar dates (YYYY-MM-DD); weeks start on
 * Monday (weeks.ts).
 *
 * Inputs as the loaders give them:
 * - contributions: every contribution row, `attended` included (it is dropped here: attendance
 *   is counted from check-ins); `weight` is the activity's weight from the effective taxonomy.
 * - events: `startsAt` is the day the event starts in its own time zone.
 * - check-ins: `day` is the day of the check-in in the event's time zone.
 * - people: active people with their country and the groups they are a member of (not pending).
 *
 * Filters: `area` keeps contributions of that area and events of that area (with their
 * registrations and check-ins); `country` and `groupId` keep people from that country / in that
 * group (their contributions, registrations and check-ins; events themselves are kept).
 */
import { z } from 'zod';
import { ATTENDED, taxonomySlug } from './taxonomy';
import { addDays, addMonths, daysBetween, monthOf, weekStart } from './weeks';

export interface MetricContribution {
	personId: string;
	happenedOn: string;
	area: string;
	activityType: string;
	eventId: string | null;
	weight: number;
}

export interface MetricPerson {
	id: string;
	country: string | null;
	groups: string[];
}

export interface MetricEvent {
	id: string;
	startsAt: string;
	area: string | null;
	cancelled: boolean;
}

export interface MetricRegistration {
	eventId: string;
	personId: string;
	status: 'registered' | 'waitlisted' | 'cancelled' | 'revoked';
}

export interface MetricCheckIn {
	eventId: string;
	personId: string;
	day: string;
}

export interface MetricInputs {
	contributions: readonly MetricContribution[];
	people: readonly MetricPerson[];
	events: readonly MetricEvent[];
	registrations: readonly MetricRegistration[];
	checkIns: readonly MetricCheckIn[];
}

export const DASHBOARD_PERIODS = ['12w', '6m', '12m', 'custom'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

/** Weeks shown for each preset period (6 months ≈ 26 weeks, 12 months = 52 weeks). */
export const PERIOD_WEEKS: Record<Exclude<DashboardPeriod, 'custom'>, number> = {
	'12w': 12,
	'6m': 26,
	'12m': 52
};
/** A custom period may span at most this many weeks. */
export const MAX_PERIOD_WEEKS = 156;

export interface DashboardFilters {
	area: string | null;
	country: string | null;
	groupId: string | null;
	period: DashboardPeriod;
	/** Monday of the first week shown. */
	from: string;
	/** Monday of the last week shown (its week ends on to + 6 days). */
	to: string;
}

/** Active in the last 4 weeks; inactive after 4 quiet weeks; engagement over 12 weeks. */
export const ACTIVE_WEEKS = 4;
export const ENGAGEMENT_WEEKS = 12;
/** A first check-in converts when the person contributes within this many days of it. */
export const CONVERSION_DAYS = 90;
export const RETENTION_MONTHS = 12;

export const ENGAGEMENT_LEVELS = [
	'none',
	'exploring',
	'participating',
	'contributing',
	'leading'
] as const;
export type EngagementLevel = (typeof ENGAGEMENT_LEVELS)[number];
/** The smallest score for each level (exploring: score 0 with a check-in). */
export const LEVEL_THRESHOLDS = { leading: 20, contributing: 5, participating: 1 } as const;

export type LevelCounts = Record<Exclude<EngagementLevel, 'none'>, number>;

export interface WeekActivity {
	week: string;
	/** Distinct people with a contribution in this week or the 3 before. */
	active: number;
	/** People whose first contribution ever (in the filtered set) is this week. */
	new: number;
	/** People with a contribution in weeks W-7..W-4 and none in W-3..W. */
	newlyInactive: number;
}

export interface RetentionCohort {
	/** YYYY-MM: the month of the cohort's first contributions. */
	month: string;
	size: number;
	/** offset k = 0 … months until `to`'s month: who contributed again in month + k. */
	retained: { offset: number; count: number; share: number | null }[];
}

export interface ConversionRow {
	/** YYYY-MM of the first check-in. */
	month: string;
	checkedIn: number;
	converted: number;
	rate: number | null;
}

export interface EventsMonth {
	month: string;
	held: number;
	registrations: number;
	checkIns: number;
	/** check-ins / registrations; null without registrations. */
	attendanceRate: number | null;
}

export interface DashboardData {
	filters: DashboardFilters;
	/** ISO timestamp of when these numbers were computed. */
	generatedAt: string;
	/** Mondays from `from` to `to`. */
	weeks: string[];
	activity: WeekActivity[];
	retention: RetentionCohort[];
	conversion: { months: ConversionRow[]; total: Omit<ConversionRow, 'month'> };
	engagement: {
		/** People per level in the week `to` (none is not counted). */
		counts: LevelCounts;
		/** The last 12 weeks up to `to`. */
		series: { week: string; counts: LevelCounts }[];
		/** People whose level at `to` is higher than at `to` - 4 weeks. */
		promotions: number;
	};
	events: { months: EventsMonth[]; total: Omit<EventsMonth, 'month'> };
	absence: {
		/** Fewest people whose contributions are at least half of all of them (0 if none). */
		factor: number;
		/** Contributions in the period. */
		total: number;
		/** Distinct contributors in the period. */
		contributors: number;
		/** The share of the contributions made by those `factor` people (null if none). */
		topShare: number | null;
	};
}

/** The choices of the dashboard's filters form. */
export interface DashboardOptions {
	/** Area slugs of the taxonomy (archived ones too: their past contributions still count). */
	areas: { slug: string; names: Record<string, string>; builtIn: boolean }[];
	/** Countries people gave (ISO codes). */
	countries: string[];
	groups: { id: string; name: string }[];
}

// ————— filters from the URL —————

const day = z.iso.date();
const countrySchema = z.string().regex(/^[A-Z]{2}$/);
const periodSchema = z.enum(DASHBOARD_PERIODS);

/**
 * The filters a URL asks for. Anything malformed falls back to its default (all areas, all
 * countries, all groups, the last 12 weeks) and `invalid` says so, for a notice on the page.
 */
export function parseDashboardFilters(
	params: URLSearchParams,
	today: string
): { filters: DashboardFilters; invalid: boolean } {
	let invalid = false;
	const field = <T>(schema: z.ZodType<NonNullable<T>>, raw: string | null, fallback: T): T => {
		if (raw === null || raw === '') return fallback;
		const parsed = schema.safeParse(raw);
		if (parsed.success) return parsed.data;
		invalid = true;
		return fallback;
	};
	const area = field<string | null>(taxonomySlug, params.get('area'), null);
	const country = field<string | null>(countrySchema, params.get('country'), null);
	const groupId = field<string | null>(z.uuid(), params.get('group'), null);
	let period = field<DashboardPeriod>(periodSchema, params.get('period'), '12w');
	const thisWeek = weekStart(today);
	let from: string;
	let to: string;
	if (period === 'custom') {
		const invalidBefore = invalid;
		invalid = false;
		const rawFrom = field<string | null>(day, params.get('from'), null);
		const rawTo = field<string | null>(day, params.get('to'), null);
		to = weekStart(rawTo ?? today);
		from = rawFrom ? weekStart(rawFrom) : addDays(to, -7 * (PERIOD_WEEKS['12w'] - 1));
		const badDates = invalid;
		invalid = invalidBefore;
		if (badDates || to > thisWeek || from > to || daysBetween(from, to) / 7 >= MAX_PERIOD_WEEKS) {
			invalid = true;
			period = '12w';
		}
	}
	if (period !== 'custom') {
		to = thisWeek;
		from = addDays(to, -7 * (PERIOD_WEEKS[period] - 1));
	}
	return { filters: { area, country, groupId, period, from: from!, to: to! }, invalid };
}

/** The URL search string for filters (inverse of parseDashboardFilters). */
export function dashboardSearch(filters: DashboardFilters, extra: Record<string, string> = {}) {
	const params = new URLSearchParams(extra);
	if (filters.area) params.set('area', filters.area);
	if (filters.country) params.set('country', filters.country);
	if (filters.groupId) params.set('group', filters.groupId);
	params.set('period', filters.period);
	if (filters.period === 'custom') {
		params.set('from', filters.from);
		params.set('to', filters.to);
	}
	return params.toString();
}

// ————— the reference implementation —————

/** Mondays from `from` to `to` inclusive. */
export function weeksBetween(from: string, to: string): string[] {
	const weeks: string[] = [];
	for (let week = from; week <= to; week = addDays(week, 7)) weeks.push(week);
	return weeks;
}

/** Months from the month of `from` to the month of `to` inclusive (YYYY-MM). */
export function monthsBetween(from: string, to: string): string[] {
	const months: string[] = [];
	for (let month = monthOf(from); month <= monthOf(to); month = addMonths(month, 1))
		months.push(month);
	return months;
}

export function levelOf(score: number, checkedIn: boolean): EngagementLevel {
	if (score >= LEVEL_THRESHOLDS.leading) return 'leading';
	if (score >= LEVEL_THRESHOLDS.contributing) return 'contributing';
	if (score >= LEVEL_THRESHOLDS.participating) return 'participating';
	return checkedIn ? 'exploring' : 'none';
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const emptyCounts = (): LevelCounts => ({
	exploring: 0,
	participating: 0,
	contributing: 0,
	leading: 0
});

const sum = <Key extends string>(rows: readonly Record<Key, number>[], key: Key) =>
	rows.reduce((total, row) => total + row[key], 0);

/** Each month's conversion rate, and the period's total (its rate from the sums). */
export function conversionOf(
	months: readonly Omit<ConversionRow, 'rate'>[]
): DashboardData['conversion'] {
	const rated = <Row extends { checkedIn: number; converted: number }>(row: Row) => ({
		...row,
		rate: ratio(row.converted, row.checkedIn)
	});
	return {
		months: months.map(rated),
		total: rated({ checkedIn: sum(months, 'checkedIn'), converted: sum(months, 'converted') })
	};
}

/** Each month's attendance rate, and the period's total (its rate from the sums). */
export function eventsOf(
	months: readonly Omit<EventsMonth, 'attendanceRate'>[]
): DashboardData['events'] {
	const rated = <Row extends { registrations: number; checkIns: number }>(row: Row) => ({
		...row,
		attendanceRate: ratio(row.checkIns, row.registrations)
	});
	const total = {
		held: sum(months, 'held'),
		registrations: sum(months, 'registrations'),
		checkIns: sum(months, 'checkIns')
	};
	return { months: months.map(rated), total: rated(total) };
}

/** How many people made exactly `contributions` contributions in a period. */
export interface ContributionCount {
	contributions: number;
	people: number;
}

/**
 * The absence factor from how many people made each number of contributions: the fewest
 * people, busiest first, whose contributions are at least half of all of them.
 */
export function absenceOf(histogram: readonly ContributionCount[]): DashboardData['absence'] {
	const busiestFirst = histogram
		.filter((row) => row.people > 0 && row.contributions > 0)
		.sort((a, b) => b.contributions - a.contributions);
	const total = busiestFirst.reduce((sum, row) => sum + row.contributions * row.people, 0);
	let factor = 0;
	let carried = 0;
	for (const row of busiestFirst) {
		if (carried * 2 >= total) break;
		// As many of these people as half the contributions still needs.
		const taken = Math.min(row.people, Math.ceil((total - carried * 2) / (2 * row.contributions)));
		factor += taken;
		carried += taken * row.contributions;
	}
	return {
		factor,
		total,
		contributors: sum(busiestFirst, 'people'),
		topShare: ratio(carried, total)
	};
}

/** Every number on the community dashboard, by the definitions above. */
export function dashboardOf(
	inputs: MetricInputs,
	filters: DashboardFilters,
	generatedAt = new Date().toISOString()
): DashboardData {
	const { from, to } = filters;
	const end = addDays(to, 6);
	const peopleKept = new Set(
		inputs.people
			.filter((person) => filters.country === null || person.country === filters.country)
			.filter((person) => filters.groupId === null || person.groups.includes(filters.groupId))
			.map((person) => person.id)
	);
	const personKept = (personId: string) =>
		(filters.country === null && filters.groupId === null) || peopleKept.has(personId);
	const eventsKept = new Map(
		inputs.events
			.filter((event) => filters.area === null || event.area === filters.area)
			.map((event) => [event.id, event])
	);
	const contributions = inputs.contributions.filter(
		(c) =>
			c.activityType !== ATTENDED &&
			(filters.area === null || c.area === filters.area) &&
			personKept(c.personId)
	);
	const checkIns = inputs.checkIns.filter(
		(checkIn) => eventsKept.has(checkIn.eventId) && personKept(checkIn.personId)
	);

	// Per person: the weeks and months they contributed in, and their first contribution.
	const weeksOf = new Map<string, Set<string>>();
	const monthsOf = new Map<string, Set<string>>();
	const firstOf = new Map<string, string>();
	for (const c of contributions) {
		const weekSet = weeksOf.get(c.personId) ?? new Set<string>();
		weekSet.add(weekStart(c.happenedOn));
		weeksOf.set(c.personId, weekSet);
		const monthSet = monthsOf.get(c.personId) ?? new Set<string>();
		monthSet.add(monthOf(c.happenedOn));
		monthsOf.set(c.personId, monthSet);
		const first = firstOf.get(c.personId);
		if (first === undefined || c.happenedOn < first) firstOf.set(c.personId, c.happenedOn);
	}
	const contributedWithin = (personId: string, fromWeek: string, toWeek: string) => {
		for (const week of weeksOf.get(personId) ?? [])
			if (week >= fromWeek && week <= toWeek) return true;
		return false;
	};

	const weeks = weeksBetween(from, to);
	const activity = weeks.map((week): WeekActivity => {
		let active = 0;
		let newlyInactive = 0;
		for (const personId of weeksOf.keys()) {
			const recent = contributedWithin(personId, addDays(week, -21), week);
			if (recent) active += 1;
			else if (contributedWithin(personId, addDays(week, -49), addDays(week, -28)))
				newlyInactive += 1;
		}
		let fresh = 0;
		for (const first of firstOf.values()) if (weekStart(first) === week) fresh += 1;
		return { week, active, new: fresh, newlyInactive };
	});

	const toMonth = monthOf(to);
	const retention: RetentionCohort[] = [];
	for (let back = RETENTION_MONTHS - 1; back >= 0; back--) {
		const month = addMonths(toMonth, -back);
		const cohort = [...firstOf].filter(([, first]) => monthOf(first) === month);
		const retained = [];
		for (let offset = 0; offset <= back; offset++) {
			const target = addMonths(month, offset);
			const count = cohort.filter(([personId]) => monthsOf.get(personId)!.has(target)).length;
			retained.push({ offset, count, share: ratio(count, cohort.length) });
		}
		retention.push({ month, size: cohort.length, retained });
	}

	// Conversion: first check-in ever (filtered), when it falls in the period.
	const firstCheckIn = new Map<string, string>();
	for (const checkIn of checkIns) {
		const first = firstCheckIn.get(checkIn.personId);
		if (first === undefined || checkIn.day < first) firstCheckIn.set(checkIn.personId, checkIn.day);
	}
	const conversionByMonth = new Map<string, { checkedIn: number; converted: number }>(
		monthsBetween(from, end).map((month) => [month, { checkedIn: 0, converted: 0 }])
	);
	for (const [personId, first] of firstCheckIn) {
		if (first < from || first > end) continue;
		const row = conversionByMonth.get(monthOf(first))!;
		row.checkedIn += 1;
		const limit = addDays(first, CONVERSION_DAYS);
		if (
			contributions.some(
				(c) => c.personId === personId && c.happenedOn >= first && c.happenedOn <= limit
			)
		)
			row.converted += 1;
	}

	// Engagement: levels as of a week, from the 12 weeks ending with it.
	const levelsAt = (week: string): Map<string, EngagementLevel> => {
		const windowStart = addDays(week, -7 * (ENGAGEMENT_WEEKS - 1));
		const windowEnd = addDays(week, 6);
		const scores = new Map<string, number>();
		for (const c of contributions)
			if (c.happenedOn >= windowStart && c.happenedOn <= windowEnd)
				scores.set(c.personId, (scores.get(c.personId) ?? 0) + c.weight);
		const checkedIn = new Set(
			checkIns
				.filter((checkIn) => checkIn.day >= windowStart && checkIn.day <= windowEnd)
				.map((checkIn) => checkIn.personId)
		);
		const levels = new Map<string, EngagementLevel>();
		for (const personId of new Set([...scores.keys(), ...checkedIn])) {
			const level = levelOf(scores.get(personId) ?? 0, checkedIn.has(personId));
			if (level !== 'none') levels.set(personId, level);
		}
		return levels;
	};
	const countLevels = (levels: Map<string, EngagementLevel>) => {
		const counts = emptyCounts();
		for (const level of levels.values()) if (level !== 'none') counts[level] += 1;
		return counts;
	};
	const series = weeksBetween(addDays(to, -7 * (ENGAGEMENT_WEEKS - 1)), to).map((week) => ({
		week,
		counts: countLevels(levelsAt(week))
	}));
	const nowLevels = levelsAt(to);
	const thenLevels = levelsAt(addDays(to, -7 * ACTIVE_WEEKS));
	const rank = (level: EngagementLevel | undefined) => ENGAGEMENT_LEVELS.indexOf(level ?? 'none');
	let promotions = 0;
	for (const [personId, level] of nowLevels)
		if (rank(level) > rank(thenLevels.get(personId))) promotions += 1;

	// Events held in the period, by month.
	const eventMonths = new Map<string, { held: number; registrations: number; checkIns: number }>(
		monthsBetween(from, end).map((month) => [month, { held: 0, registrations: 0, checkIns: 0 }])
	);
	const heldMonth = new Map<string, string>();
	for (const event of eventsKept.values()) {
		if (event.cancelled || event.startsAt < from || event.startsAt > end) continue;
		heldMonth.set(event.id, monthOf(event.startsAt));
		eventMonths.get(monthOf(event.startsAt))!.held += 1;
	}
	for (const registration of inputs.registrations) {
		const month = heldMonth.get(registration.eventId);
		if (month && registration.status === 'registered' && personKept(registration.personId))
			eventMonths.get(month)!.registrations += 1;
	}
	for (const checkIn of checkIns) {
		const month = heldMonth.get(checkIn.eventId);
		if (month) eventMonths.get(month)!.checkIns += 1;
	}

	// Absence factor: how few people carry half of the period's contributions.
	const perPerson = new Map<string, number>();
	for (const c of contributions)
		if (c.happenedOn >= from && c.happenedOn <= end)
			perPerson.set(c.personId, (perPerson.get(c.personId) ?? 0) + 1);
	const peoplePerCount = new Map<number, number>();
	for (const count of perPerson.values())
		peoplePerCount.set(count, (peoplePerCount.get(count) ?? 0) + 1);

	return {
		filters,
		generatedAt,
		weeks,
		activity,
		retention,
		conversion: conversionOf([...conversionByMonth].map(([month, row]) => ({ month, ...row }))),
		engagement: { counts: countLevels(nowLevels), series, promotions },
		events: eventsOf([...eventMonths].map(([month, row]) => ({ month, ...row }))),
		absence: absenceOf(
			[...peoplePerCount].map(([contributions, people]) => ({ contributions, people }))
		)
	};
}
