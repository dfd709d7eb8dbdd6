/**
 * The dashboard page and its CSV export, run as SvelteKit would over a real (PGlite) database:
 * who may see them, and that the numbers come from the rows.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DashboardData, DashboardOptions } from '$lib/domain/metrics';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { callRoute, localsOf, requestEvent, serveEndpointsFrom } from '$lib/server/testing/routes';
import { load } from '../../../routes/dashboard/+page.server';
import { GET as exportCsv } from '../../../routes/dashboard/export.csv/+server';

let handle: DatabaseHandle;
let member: Actor;
let organizer: Actor;
let admin: Actor;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	member = await addPerson(handle.db);
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	admin = await addPerson(handle.db, ['member', 'admin']);
	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		const row = (personId: string, area: string, activityType = 'translated') => ({
			id: newId(),
			personId,
			area,
			activityType,
			description: 'Did something',
			happenedOn: today,
			createdAt: new Date(),
			version
		});
		await tx
			.insert(contributions)
			.values([
				row(member.personId, 'localization'),
				row(organizer.personId, 'development', 'wrote_code'),
				row(admin.personId, 'localization', 'attended')
			]);
	});
});

afterAll(() => handle.close());

interface PageData {
	dashboard: DashboardData;
	options: DashboardOptions;
	invalid: boolean;
}

async function loadPage(actor: Actor | null, search = '') {
	const { event } = requestEvent({ url: `/dashboard${search}`, locals: localsOf(actor) });
	try {
		const data = (await load(event as never)) as PageData;
		return { data, status: 200 };
	} catch (caught) {
		if (isHttpError(caught)) return { data: caught.body, status: caught.status };
		if (isRedirect(caught)) return { data: caught.location, status: caught.status };
		throw caught;
	}
}

describe('the dashboard page', () => {
	it('sends people who are not signed in to sign in, and back', async () => {
		const page = await loadPage(null, '?period=6m');
		expect(page.status).toBe(303);
		expect(page.data).toBe(`/welcome?next=${encodeURIComponent('/dashboard?period=6m')}`);
	});

	it('refuses members', async () => {
		expect((await loadPage(member)).status).toBe(403);
	});

	it('shows organizers and admins the numbers from the rows', async () => {
		for (const viewer of [organizer, admin]) {
			const page = await loadPage(viewer);
			expect(page.status).toBe(200);
			const { dashboard, options, invalid } = page.data as PageData;
			expect(invalid).toBe(false);
			// The member and the organizer contributed this week; the admin only attended.
			expect(dashboard.activity.at(-1)).toMatchObject({ active: 2, new: 2 });
			expect(dashboard.absence).toMatchObject({ total: 2, contributors: 2, factor: 1 });
			expect(options.areas.map((area) => area.slug)).toContain('localization');
		}
	});

	it('filters by area, and falls back on bad filters with a notice', async () => {
		const page = await loadPage(organizer, '?area=development&period=nonsense');
		const { dashboard, invalid } = page.data as PageData;
		expect(page.status).toBe(200);
		expect(invalid).toBe(true);
		expect(dashboard.filters).toMatchObject({ area: 'development', period: '12w' });
		expect(dashboard.activity.at(-1)).toMatchObject({ active: 1 });
	});
});

describe('the CSV export', () => {
	it('gives organizers a section as CSV', async () => {
		const response = await callRoute(exportCsv, {
			url: '/dashboard/export.csv?section=activity&period=12w',
			locals: localsOf(organizer)
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(
			/^attachment; filename="gather-activity-/
		);
		const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
		expect(lines[0]).toBe('Week of,Active contributors,New contributors,Newly inactive');
		expect(lines).toHaveLength(13); // the header and 12 weeks
		expect(lines.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2},2,2,0$/);
	});

	it('refuses members and unknown sections', async () => {
		const refused = await callRoute(exportCsv, {
			url: '/dashboard/export.csv?section=activity',
			locals: localsOf(member)
		});
		expect(refused.status).toBe(403);
		const unknown = await callRoute(exportCsv, {
			url: '/dashboard/export.csv?section=secrets',
			locals: localsOf(admin)
		});
		expect(unknown.status).toBe(400);
		expect(await unknown.json()).toEqual({
			message: 'There is no such dashboard section to download.'
		});
	});

	it('ends a section with its total, a ratio without a denominator left empty', async () => {
		const response = await callRoute(exportCsv, {
			url: '/dashboard/export.csv?section=conversion',
			locals: localsOf(admin)
		});
		const lines = (await response.text()).replace(/^\uFEFF/, '').split('\r\n');
		expect(lines[0]).toBe('Month,First-time attendees,Contributed within 90 days,Conversion');
		expect(lines.at(-1)).toBe('Total,0,0,');
	});
});
