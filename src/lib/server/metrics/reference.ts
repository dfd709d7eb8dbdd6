/**
 * The dashboard computed the plain way: every row read with Drizzle, then domain/metrics.ts
 * dashboardOf. Correct and simple for small communities and specs; queries.ts answers the
 * same numbers at scale.
 */
import { eq, sql } from 'drizzle-orm';
import {
	dashboardOf,
	type DashboardData,
	type DashboardFilters,
	type MetricInputs,
	type MetricRegistration
} from '$lib/domain/metrics';
import { effectiveTaxonomy, weightOf } from '$lib/domain/taxonomy';
import type { Database } from '$lib/server/db';
import {
	checkIns,
	contributions,
	events,
	memberships,
	people,
	registrations,
	taxonomyTerms
} from '$lib/server/db/schema';

/** The day an event starts, in its own time zone. */
const eventDay = sql<string>`to_char(${events.startsAt} at time zone ${events.timezone}, 'YYYY-MM-DD')`;

export async function readMetricInputs(db: Database): Promise<MetricInputs> {
	const taxonomy = effectiveTaxonomy(await db.select().from(taxonomyTerms));
	const contributionRows = await db
		.select({
			personId: contributions.personId,
			happenedOn: contributions.happenedOn,
			area: contributions.area,
			activityType: contributions.activityType,
			eventId: contributions.eventId
		})
		.from(contributions);
	const personRows = await db
		.select({ id: people.id, country: people.country })
		.from(people)
		.where(eq(people.status, 'active'));
	const membershipRows = await db
		.select({ groupId: memberships.groupId, personId: memberships.personId })
		.from(memberships)
		.where(eq(memberships.status, 'member'));
	const groupsOf = new Map<string, string[]>();
	for (const row of membershipRows)
		groupsOf.set(row.personId, [...(groupsOf.get(row.personId) ?? []), row.groupId]);
	return {
		contributions: contributionRows.map((row) => ({
			...row,
			weight: weightOf(taxonomy, row.activityType)
		})),
		people: personRows.map((row) => ({ ...row, groups: groupsOf.get(row.id) ?? [] })),
		events: await db
			.select({
				id: events.id,
				startsAt: eventDay,
				area: events.area,
				cancelled: events.cancelled
			})
			.from(events),
		registrations: (await db
			.select({
				eventId: registrations.eventId,
				personId: registrations.personId,
				status: registrations.status
			})
			.from(registrations)) as MetricRegistration[],
		checkIns: await db
			.select({
				eventId: checkIns.eventId,
				personId: checkIns.personId,
				day: sql<string>`to_char(${checkIns.checkedInAt} at time zone ${events.timezone}, 'YYYY-MM-DD')`
			})
			.from(checkIns)
			.innerJoin(events, eq(events.id, checkIns.eventId))
	};
}

export async function referenceDashboard(
	db: Database,
	filters: DashboardFilters
): Promise<DashboardData> {
	return dashboardOf(await readMetricInputs(db), filters);
}
