/**
 * The dashboard's sections as CSV tables (RFC 4180 through Papa Parse), headers in the
 * reader's language. Cells a spreadsheet would run as a formula are defused (escapeFormulae),
 * as in the event report's export.
 */
import Papa from 'papaparse';
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

export interface CsvTable {
	fields: string[];
	rows: (string | number | null)[][];
}

const levelLabels = {
	exploring: m.metric_level_exploring,
	participating: m.metric_level_participating,
	contributing: m.metric_level_contributing,
	leading: m.metric_level_leading
};
const levels = ENGAGEMENT_LEVELS.filter((level) => level !== 'none');
/** Ratios stay numbers (0.5), for spreadsheets to format. */
const ratio = (value: number | null) => (value === null ? '' : Number(value.toFixed(4)));

export function sectionTable(data: DashboardData, section: DashboardSection): CsvTable {
	switch (section) {
		case 'activity':
			return {
				fields: [m.metric_week(), m.metric_active(), m.metric_new(), m.metric_newly_inactive()],
				rows: data.activity.map((row) => [row.week, row.active, row.new, row.newlyInactive])
			};
		case 'engagement':
			return {
				fields: [m.metric_week(), ...levels.map((level) => levelLabels[level]())],
				rows: data.engagement.series.map((row) => [
					row.week,
					...levels.map((level) => row.counts[level])
				])
			};
		case 'retention': {
			const offsets = data.retention.length;
			return {
				fields: [
					m.metric_cohort(),
					m.metric_cohort_size(),
					...Array.from({ length: offsets }, (_, offset) => m.metric_month_offset({ offset }))
				],
				rows: data.retention.map((cohort) => [
					cohort.month,
					cohort.size,
					...Array.from({ length: offsets }, (_, offset) => cohort.retained[offset]?.count ?? '')
				])
			};
		}
		case 'conversion':
			return {
				fields: [
					m.metric_month(),
					m.metric_first_attendees(),
					m.metric_converted(),
					m.metric_conversion_rate()
				],
				rows: [
					...data.conversion.months.map((row) => [
						row.month,
						row.checkedIn,
						row.converted,
						ratio(row.rate)
					]),
					[
						m.metric_total(),
						data.conversion.total.checkedIn,
						data.conversion.total.converted,
						ratio(data.conversion.total.rate)
					]
				]
			};
		case 'events': {
			const cells = (row: DashboardData['events']['total']) => [
				row.held,
				row.registrations,
				row.checkIns,
				ratio(row.attendanceRate)
			];
			return {
				fields: [
					m.metric_month(),
					m.metric_events_held(),
					m.metric_registrations(),
					m.metric_check_ins(),
					m.metric_attendance_rate()
				],
				rows: [
					...data.events.months.map((row) => [row.month, ...cells(row)]),
					[m.metric_total(), ...cells(data.events.total)]
				]
			};
		}
		case 'absence':
			return {
				fields: [
					m.metric_absence_factor(),
					m.metric_contributions(),
					m.metric_contributors(),
					m.metric_top_share()
				],
				rows: [
					[
						data.absence.factor,
						data.absence.total,
						data.absence.contributors,
						ratio(data.absence.topShare)
					]
				]
			};
	}
}

export function toCsv(table: CsvTable): string {
	return Papa.unparse(
		{ fields: table.fields, data: table.rows.map((row) => row.map((cell) => cell ?? '')) },
		{ escapeFormulae: true, newline: '\r\n' }
	);
}
