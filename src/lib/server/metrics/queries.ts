/**
 * The community dashboard's numbers on the server: the definitions of domain/metrics.ts
 * (`dashboardOf`) answered from rollups instead of rows, so each query reads a few hundred rows
 * whatever the size of the community.
 *
 * The rollups (schema.ts, "Community metrics' rollups"; kept by the triggers of
 * drizzle/0008_metrics_triggers.sql as contributions, check-ins, registrations, events, people,
 * memberships and activity weights change):
 * - metric_person_weeks / _months / _check_ins / _state: per person and area key (an area, or
 *   '*' for every area), their contributions and weighted points per week, contributions per
 *   month, check-ins per day, first check-in and whether it converted.
 * - metric_counts: per filter key (area key, country or '*', group or ALL_GROUPS) and day, how
 *   many people are active, new, newly inactive, at each engagement level, promoted, checked in
 *   for the first time, converted (METRIC_KINDS). Each
 *   trigger recomputes the touched person's flags for the weeks the change can reach (the
 *   windows are at most 16 weeks long) before and after, and adds the difference.
 * - metric_cohorts: retention pairs (first month, month contributed) per filter key.
 * - metric_event_people: registrations and check-ins per event and filter key.
 * - metric_person_recent (0009): each person's contributions in the 12, 26 and 52 weeks ending
 *   with metric_recent_as_of, with their country and groups while active; and
 *   metric_recent_histogram (0015), kept from it by a statement trigger: per filter key and
 *   period, how many people made each number of contributions (the absence factor, readAbsence).
 * Points are stored, not computed at read time (levels are counted per week ahead of time, so
 * they need the scores): a changed activity weight recounts the levels of the people with that
 * activity (0011); metric_rebuild() recounts everything from the rows.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
	ENGAGEMENT_WEEKS,
	RETENTION_MONTHS,
	absenceOf,
	conversionOf,
	eventsOf,
	monthsBetween,
	weeksBetween,
	type ContributionCount,
	type DashboardData,
	type DashboardFilters,
	type LevelCounts
} from '$lib/domain/metrics';
import { addDays, addMonths, daysBetween, monthOf } from '$lib/domain/weeks';
import type { Database, Transaction } from '$lib/server/db';
import { rowsOf } from '$lib/server/db/rows';

/** The group key of "every person" in the rollups. */
export const ALL_GROUPS = '00000000-0000-0000-0000-000000000000';

/** What metric_counts counts, by `kind`. */
export const METRIC_KINDS = {
	active: 1,
	new: 2,
	newlyInactive: 3,
	exploring: 4,
	participating: 5,
	contributing: 6,
	leading: 7,
	promoted: 8,
	firstCheckIn: 9,
	converted: 10
} as const;

const LEVEL_KINDS = [
	['exploring', METRIC_KINDS.exploring],
	['participating', METRIC_KINDS.participating],
	['contributing', METRIC_KINDS.contributing],
	['leading', METRIC_KINDS.leading]
] as const;

async function query<Row>(db: Database | Transaction, statement: SQL): Promise<Row[]> {
	return rowsOf<Row>(await db.execute(statement));
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** The rollups' keys for these filters. */
function keysOf(filters: DashboardFilters) {
	return {
		area: filters.area ?? '*',
		country: filters.country ?? '*',
		group: filters.groupId ?? ALL_GROUPS
	};
}

/** metric_counts rows the dashboard reads: kind → day → value. */
async function readCounts(db: Database | Transaction, filters: DashboardFilters) {
	const { area, country, group } = keysOf(filters);
	const { from, to } = filters;
	const end = addDays(to, 6);
	const levelsFrom = addDays(to, -7 * (ENGAGEMENT_WEEKS - 1));
	const rows = await query<{ kind: number; day: string; value: number }>(
		db,
		sql`select kind, day::text as day, value from metric_counts
			where area = ${area} and country = ${country} and group_id = ${group}::uuid and (
				(kind in (${METRIC_KINDS.active}, ${METRIC_KINDS.new}, ${METRIC_KINDS.newlyInactive})
					and day between ${from}::date and ${to}::date)
				or (kind between ${METRIC_KINDS.exploring} and ${METRIC_KINDS.leading}
					and day between ${levelsFrom}::date and ${to}::date)
				or (kind = ${METRIC_KINDS.promoted} and day = ${to}::date)
				or (kind in (${METRIC_KINDS.firstCheckIn}, ${METRIC_KINDS.converted})
					and day between ${from}::date and ${end}::date))`
	);
	const counts = new Map<number, Map<string, number>>();
	for (const row of rows) {
		const byDay = counts.get(row.kind) ?? new Map<string, number>();
		byDay.set(row.day, (byDay.get(row.day) ?? 0) + Number(row.value));
		counts.set(row.kind, byDay);
	}
	return (kind: number, day: string) => counts.get(kind)?.get(day) ?? 0;
}

async function readCohorts(db: Database | Transaction, filters: DashboardFilters) {
	const { area, country, group } = keysOf(filters);
	const last = monthOf(filters.to);
	const first = addMonths(last, -(RETENTION_MONTHS - 1));
	const rows = await query<{ cohort: string; month: string; people: number }>(
		db,
		sql`select to_char(cohort, 'YYYY-MM') as cohort, to_char(month, 'YYYY-MM') as month, people
			from metric_cohorts
			where area = ${area} and country = ${country} and group_id = ${group}::uuid
				and cohort between ${`${first}-01`}::date and ${`${last}-01`}::date
				and month <= ${`${last}-01`}::date`
	);
	const pairs = new Map(rows.map((row) => [`${row.cohort}/${row.month}`, Number(row.people)]));
	return (cohort: string, month: string) => pairs.get(`${cohort}/${month}`) ?? 0;
}

async function readEvents(db: Database | Transaction, filters: DashboardFilters) {
	const { country, group } = keysOf(filters);
	const { from, to } = filters;
	const end = addDays(to, 6);
	const area = filters.area === null ? sql`true` : sql`e.area = ${filters.area}`;
	// starts_at is bounded a day either way of the period (time zones), then its local day decides.
	return query<{ month: string; held: number; registrations: number; checkIns: number }>(
		db,
		sql`select to_char(e.day, 'YYYY-MM') as month, count(*)::int as held,
				coalesce(sum(m.registrations), 0)::int as registrations,
				coalesce(sum(m.check_ins), 0)::int as "checkIns"
			from (
				select id, (starts_at at time zone timezone)::date as day from events e
				where not cancelled and ${area}
					and starts_at between ${from}::timestamptz - interval '2 days'
						and ${end}::timestamptz + interval '2 days'
			) as e
			left join metric_event_people m
				on m.event_id = e.id and m.country = ${country} and m.group_id = ${group}::uuid
			where e.day between ${from}::date and ${end}::date
			group by 1`
	);
}

/** The preset periods' lengths metric_person_recent keeps (12 weeks, 6 and 12 months). */
const RECENT_WEEKS = [12, 26, 52];

/**
 * Move the recent periods on to end with `week` when they end earlier (metric_recent_roll);
 * returns the week they end with now (null before the rollups exist).
 */
export async function rollRecentPeriods(
	db: Database | Transaction,
	week: string
): Promise<string | null> {
	const [asOf] = await query<{ week: string }>(
		db,
		sql`select week::text as week from metric_recent_as_of`
	);
	if (!asOf) return null;
	if (asOf.week >= week) return asOf.week;
	await db.execute(sql`select metric_recent_roll(${week}::date)`);
	return week;
}

/**
 * The absence factor (domain/metrics.ts absenceOf) from how many people made each number of
 * contributions in the period: metric_recent_histogram when the period is a preset one ending
 * with its week (moved on first when the period ends later), else the people's weeks summed.
 */
async function readAbsence(
	db: Database | Transaction,
	filters: DashboardFilters
): Promise<DashboardData['absence']> {
	const { area, country, group } = keysOf(filters);
	const { from, to } = filters;
	const weeks = daysBetween(from, to) / 7 + 1;
	if (RECENT_WEEKS.includes(weeks) && (await rollRecentPeriods(db, to)) === to)
		return absenceOf(
			await query<ContributionCount>(
				db,
				sql`select contributions, people from metric_recent_histogram
					where area = ${area} and country = ${country} and group_id = ${group}::uuid
						and weeks = ${weeks}`
			)
		);
	const people: SQL[] = [];
	if (filters.country !== null)
		people.push(sql`exists (select 1 from people p
			where p.id = w.person_id and p.status = 'active' and p.country = ${filters.country})`);
	if (filters.groupId !== null)
		people.push(sql`exists (select 1 from memberships m join people p on p.id = m.person_id
			where m.person_id = w.person_id and m.group_id = ${filters.groupId}::uuid
				and m.status = 'member' and p.status = 'active')`);
	const kept = people.length ? sql` and ${sql.join(people, sql` and `)}` : sql``;
	return absenceOf(
		await query<ContributionCount>(
			db,
			sql`select n as contributions, count(*)::int as people from (
					select person_id, sum(contributions)::int as n from metric_person_weeks w
					where area = ${area} and week between ${from}::date and ${to}::date${kept}
					group by person_id
				) as per group by n`
		)
	);
}

/** Every number on the community dashboard for these filters (domain/metrics.ts dashboardOf). */
export async function loadDashboard(
	db: Database | Transaction,
	filters: DashboardFilters,
	generatedAt = new Date().toISOString()
): Promise<DashboardData> {
	const { from, to } = filters;
	const end = addDays(to, 6);
	const [count, cohort, eventRows, absence] = await Promise.all([
		readCounts(db, filters),
		readCohorts(db, filters),
		readEvents(db, filters),
		readAbsence(db, filters)
	]);

	const weeks = weeksBetween(from, to);
	const activity = weeks.map((week) => ({
		week,
		active: count(METRIC_KINDS.active, week),
		new: count(METRIC_KINDS.new, week),
		newlyInactive: count(METRIC_KINDS.newlyInactive, week)
	}));

	const toMonth = monthOf(to);
	const retention = [];
	for (let back = RETENTION_MONTHS - 1; back >= 0; back--) {
		const month = addMonths(toMonth, -back);
		const size = cohort(month, month);
		const retained = [];
		for (let offset = 0; offset <= back; offset++) {
			const people = cohort(month, addMonths(month, offset));
			retained.push({ offset, count: people, share: ratio(people, size) });
		}
		retention.push({ month, size, retained });
	}

	const months = monthsBetween(from, end);
	const conversionByMonth = new Map(months.map((month) => [month, { checkedIn: 0, converted: 0 }]));
	for (let day = from; day <= end; day = addDays(day, 1)) {
		const row = conversionByMonth.get(monthOf(day))!;
		row.checkedIn += count(METRIC_KINDS.firstCheckIn, day);
		row.converted += count(METRIC_KINDS.converted, day);
	}

	const levelsAt = (week: string): LevelCounts => {
		const counts = { exploring: 0, participating: 0, contributing: 0, leading: 0 };
		for (const [level, kind] of LEVEL_KINDS) counts[level] = count(kind, week);
		return counts;
	};
	const series = weeksBetween(addDays(to, -7 * (ENGAGEMENT_WEEKS - 1)), to).map((week) => ({
		week,
		counts: levelsAt(week)
	}));

	const byMonth = new Map(eventRows.map((row) => [row.month, row]));
	const events = eventsOf(
		months.map((month) => {
			const row = byMonth.get(month);
			return {
				month,
				held: Number(row?.held ?? 0),
				registrations: Number(row?.registrations ?? 0),
				checkIns: Number(row?.checkIns ?? 0)
			};
		})
	);

	return {
		filters,
		generatedAt,
		weeks,
		activity,
		retention,
		conversion: conversionOf([...conversionByMonth].map(([month, row]) => ({ month, ...row }))),
		engagement: {
			counts: levelsAt(to),
			series,
			promotions: count(METRIC_KINDS.promoted, to)
		},
		events,
		absence
	};
}

/** Each query loadDashboard makes, by name (the benchmark times them one by one). */
export const DASHBOARD_QUERIES: Record<
	string,
	(db: Database | Transaction, filters: DashboardFilters) => Promise<unknown>
> = {
	counts: readCounts,
	cohorts: readCohorts,
	events: readEvents,
	absence: readAbsence
};
