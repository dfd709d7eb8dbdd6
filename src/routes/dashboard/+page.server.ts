import type { PageServerLoad } from './$types';
import { openDatabase } from '$lib/server/db';
import { dashboardRequest, loadDashboardOptions } from '$lib/server/metrics/dashboard';
import { loadDashboard } from '$lib/server/metrics/queries';

// Rendered by the server from every community's rows (never synced to devices); the service
// worker keeps the last ones seen for reading offline.
export const ssr = true;

export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	const { filters, invalid } = dashboardRequest(locals, url);
	const db = await openDatabase();
	const [dashboard, options] = await Promise.all([
		loadDashboard(db, filters),
		loadDashboardOptions(db)
	]);
	setHeaders({ 'cache-control': 'private, no-cache' });
	return { dashboard, options, invalid };
};
