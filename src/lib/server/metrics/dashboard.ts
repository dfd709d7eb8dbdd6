/**
 * What the dashboard page and its CSV export share: who may see it, the filters the URL asks
 * for, and the choices of the filters form. The numbers come from queries.ts loadDashboard.
 */
import { error, redirect } from '@sveltejs/kit';
import { asc, eq, isNotNull } from 'drizzle-orm';
import { resolve } from '$app/paths';
import { actorOfPerson } from '$lib/domain/actor';
import {
	parseDashboardFilters,
	type DashboardFilters,
	type DashboardOptions
} from '$lib/domain/metrics';
import { canViewDashboards } from '$lib/domain/permissions';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import type { Database } from '$lib/server/db';
import { groups, people, taxonomyTerms } from '$lib/server/db/schema';

/**
 * Organizers and admins only: nobody signed in goes to sign in and comes back; anyone else
 * gets a 403 page. Then the filters the URL asks for (bad ones fall back, `invalid` says so).
 */
export function dashboardRequest(
	locals: App.Locals,
	url: URL
): { filters: DashboardFilters; invalid: boolean } {
	if (!locals.person) {
		const back = `${resolve('/dashboard')}${url.search}`;
		redirect(303, `${resolve('/welcome')}?next=${encodeURIComponent(back)}`);
	}
	if (!canViewDashboards(actorOfPerson(locals.person))) error(403, m.dashboard_forbidden_title());
	return parseDashboardFilters(url.searchParams, new Date().toISOString().slice(0, 10));
}

export async function loadDashboardOptions(db: Database): Promise<DashboardOptions> {
	const taxonomy = effectiveTaxonomy(await db.select().from(taxonomyTerms));
	const countryRows = await db
		.selectDistinct({ country: people.country })
		.from(people)
		.where(isNotNull(people.country))
		.orderBy(asc(people.country));
	const groupRows = await db
		.select({ id: groups.id, name: groups.name })
		.from(groups)
		.where(eq(groups.archived, false))
		.orderBy(asc(groups.name));
	return {
		areas: taxonomy.areas.map((term) => ({
			slug: term.slug,
			names: term.names,
			builtIn: term.builtIn
		})),
		countries: countryRows.map((row) => row.country!),
		groups: groupRows
	};
}
