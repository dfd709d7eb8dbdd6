/**
 * Each dashboard section as one table: the page shows it (formatted for the reader) and the
 * CSV export downloads it (raw ISO dates and numbers), with the same columns and headers.
 */
import type { CsvCell } from '$lib/domain/csv';
import { ENGAGEMENT_LEVELS, type DashboardData } from '$lib/domain/metrics';
import { m } from '$lib/paraglide/messages';

export const DASHBOARD_SECTIONS = [
	'activity',
	'engagement',
	'retention',
	'conversion',
	'events',
	'absence'
] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

/** How a column's cells read: a week's Monday, a YYYY-MM month, a count, or a ratio. */
export type ColumnKind = 'week' | 'month' | 'count' | 'ratio';

export interface SectionTable {
	fields: string[];
	kinds: ColumnKind[];
	rows: CsvCell[][];
	/** The period's total, one cell per column after the first (labelled "Total"). */
	total: CsvCell[] | null;
}

const LEVELS = ENGAGEMENT_LEVELS.filter((level) => level !== 'none');
const levelLabels = {
	exploring: m.metric_level_exploring,
	participating: m.metric_level_participating,
	contributing: m.metric_level_contributing,
	leading: m.metric_level_leading
};

export function sectionTable(data: DashboardData, section: DashboardSection): SectionTable {
	switch (section) {
		case 'activity':
			return {
				fields: [m.metric_week(), m.metric_active(), m.metric_new(), m.metric_newly_inactive()],
				kinds: ['week', 'count', 'count', 'count'],
				rows: data.activity.map((row) => [row.week, row.active, row.new, row.newlyInactive]),
				total: null
			};
		case 'engagement':
			return {
				fields: [m.metric_week(), ...LEVELS.map((level) => levelLabels[level]())],
				kinds: ['week', ...LEVELS.map(() => 'count' as const)],
				rows: data.engagement.series.map((row) => [
					row.week,
					...LEVELS.map((level) => row.counts[level])
				]),
				total: null
			};
		case 'retention': {
			const offsets = Array.from({ length: data.retention.length }, (_, offset) => offset);
			return {
				fields: [
					m.metric_cohort(),
					m.metric_cohort_size(),
					...offsets.map((offset) => m.metric_month_offset({ offset }))
				],
				kinds: ['month', 'count', ...offsets.map(() => 'count' as const)],
				rows: data.retention.map((cohort) => [
					cohort.month,
					cohort.size,
					...offsets.map((offset) => cohort.retained[offset]?.count ?? null)
				]),
				total: null
			};
		}
		case 'conversion': {
			const cells = (row: DashboardData['conversion']['total']) => [
				row.checkedIn,
				row.converted,
				row.rate
			];
			return {
				fields: [
					m.metric_month(),
					m.metric_first_attendees(),
					m.metric_converted(),
					m.metric_conversion_rate()
				],
				kinds: ['month', 'count', 'count', 'ratio'],
				rows: data.conversion.months.map((row) => [row.month, ...cells(row)]),
				total: cells(data.conversion.total)
			};
		}
		case 'events': {
			const cells = (row: DashboardData['events']['total']) => [
				row.held,
				row.registrations,
				row.checkIns,
				row.attendanceRate
			];
			return {
				fields: [
					m.metric_month(),
					m.metric_events_held(),
					m.metric_registrations(),
					m.metric_check_ins(),
					m.metric_attendance_rate()
				],
				kinds: ['month', 'count', 'count', 'count', 'ratio'],
				rows: data.events.months.map((row) => [row.month, ...cells(row)]),
				total: cells(data.events.total)
			};
		}
		case 'absence': {
			const { factor, total, contributors, topShare } = data.absence;
			return {
				fields: [
					m.metric_absence_factor(),
					m.metric_contributions(),
					m.metric_contributors(),
					m.metric_top_share()
				],
				kinds: ['count', 'count', 'count', 'ratio'],
				rows: [[factor, total, contributors, topShare]],
				total: null
			};
		}
	}
}

/** The table as CSV rows: ratios rounded to 4 places (a spreadsheet formats them). */
export function csvRows(table: SectionTable): CsvCell[][] {
	const raw = (cells: CsvCell[], offset = 0) =>
		cells.map((cell, index) =>
			table.kinds[index + offset] === 'ratio' && typeof cell === 'number'
				? Number(cell.toFixed(4))
				: cell
		);
	const rows = table.rows.map((row) => raw(row));
	return table.total ? [...rows, [m.metric_total(), ...raw(table.total, 1)]] : rows;
}
