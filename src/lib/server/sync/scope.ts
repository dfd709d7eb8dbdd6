/**
 * What a person's devices may mirror: one SQL condition per synced table, applied by pull.
 * Deliberately narrow until per-field privacy exists: a person's own rows, the events they
 * can see (public, community, or invite-only ones they are registered for or run), badges, and
 * for organizers the attendee lists of the events they run (the door works offline).
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import type { SyncedTable } from '$lib/domain/sync-protocol';
import type { Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	events,
	people,
	registrations,
	rejectedMutations
} from '$lib/server/db/schema';

export type Scope = { [Table in SyncedTable]: SQL | undefined };

export function scopeFor(tx: Transaction, actor: Actor): Scope {
	const me = actor.personId;
	const organizes = sql`${me}::uuid = any(${events.organizerIds})`;
	const myRegistrations = tx
		.select({ eventId: registrations.eventId })
		.from(registrations)
		.where(eq(registrations.personId, me));
	const visibleEvent = or(
		inArray(events.visibility, ['public', 'community']),
		organizes,
		inArray(events.id, myRegistrations)
	);
	const eventsIRun = tx.select({ id: events.id }).from(events).where(organizes);
	const attendeesOfEventsIRun = tx
		.select({ personId: registrations.personId })
		.from(registrations)
		.where(inArray(registrations.eventId, eventsIRun));

	return {
		people: or(
			eq(people.id, me),
			// Organizers are shown on every event page the person can open.
			sql`${people.id} in (select unnest(${events.organizerIds}) from ${events} where ${visibleEvent})`,
			inArray(people.id, attendeesOfEventsIRun)
		),
		events: visibleEvent,
		registrations: or(eq(registrations.personId, me), inArray(registrations.eventId, eventsIRun)),
		checkIns: or(eq(checkIns.personId, me), inArray(checkIns.eventId, eventsIRun)),
		contributions: eq(contributions.personId, me),
		badges: undefined,
		// Their own badges, and the ones they gave (so the giver's device keeps what it wrote).
		awards: or(eq(awards.personId, me), eq(awards.awardedBy, me)),
		rejectedMutations: eq(rejectedMutations.personId, me)
	};
}

export const syncedTables = {
	people,
	events,
	registrations,
	checkIns,
	contributions,
	badges,
	awards,
	rejectedMutations
} as const;

/** Rows of `table` in scope with after < version <= upTo (upTo omitted: no upper bound). */
export function inWindow(
	table: SyncedTable,
	scope: Scope,
	after: number,
	upTo?: number
): SQL | undefined {
	const version = syncedTables[table].version;
	return and(
		sql`${version} > ${after}`,
		upTo === undefined ? undefined : sql`${version} <= ${upTo}`,
		scope[table]
	);
}
