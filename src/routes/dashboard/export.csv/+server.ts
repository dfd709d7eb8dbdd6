import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { toCsv } from '$lib/domain/csv';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { dashboardRequest } from '$lib/server/metrics/dashboard';
import { loadDashboard } from '$lib/server/metrics/queries';
import { csvRows, DASHBOARD_SECTIONS, sectionTable } from '../tables';

/** One dashboard section as CSV: ?section=… plus the page's filters. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const { filters } = dashboardRequest(locals, url);
	const section = DASHBOARD_SECTIONS.find((name) => name === url.searchParams.get('section'));
	if (!section) error(400, m.dashboard_csv_unknown_section());
	const data = await loadDashboard(await openDatabase(), filters);
	const name = `gather-${section}-${filters.from}-${filters.to}.csv`;
	const table = sectionTable(data, section);
	// A byte order mark, so spreadsheet programs read the UTF-8 headers (ar, hi) correctly.
	return new Response(`\uFEFF${toCsv(table.fields, csvRows(table))}`, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
};
