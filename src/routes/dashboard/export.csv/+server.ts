import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { DASHBOARD_SECTIONS, sectionTable, toCsv } from '$lib/server/metrics/csv';
import { dashboardRequest } from '$lib/server/metrics/dashboard';
import { loadDashboard } from '$lib/server/metrics/queries';

/** One dashboard section as CSV: ?section=… plus the page's filters. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const { filters } = dashboardRequest(locals, url);
	const section = DASHBOARD_SECTIONS.find((name) => name === url.searchParams.get('section'));
	if (!section) error(400, m.dashboard_csv_unknown_section());
	const data = await loadDashboard(await openDatabase(), filters);
	const name = `gather-${section}-${filters.from}-${filters.to}.csv`;
	// A byte order mark, so spreadsheet programs read the UTF-8 headers (ar, hi) correctly.
	return new Response(`\uFEFF${toCsv(sectionTable(data, section))}`, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
};
