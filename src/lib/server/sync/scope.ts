/**
 * What a person's devices may mirror: one SQL condition per synced table, applied by pull.
 * A person's own rows, every person (each field as privacy allows: rows.ts), the events they
 * can see (public, community, or invite-only ones they are registered for or run), badges,
 * groups and their memberships, and the attendee lists (registrations, check-ins) of the events
 * whose door they run: organizers and door helpers, admins every event (the door works
 * offline). When someone starts or stops running an event's door, the event's applier
 * re-stamps its attendee list so it reaches them or leaves their devices (server/events/apply.ts,
 * sync/deletions.ts restampAudience).
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { hasRole } from '$lib/domain/permissions';
import type { SyncedTable } from '$lib/domain/sync-protocol';
import type { Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	events,
	groups,
	memberships,
	nominations,
	people,
	taxonomyTerms,
	registrations,
	rejectedMutations
} from '$lib/server/db/schema';

export type Scope = { [Table in SyncedTable]: SQL | undefined };

export function scopeFor(tx: Transaction, actor: Actor): Scope {
	const me = actor.personId;
	const organizes = sql`${me}::uuid = any(${events.organizerIds})`;
	const runsDoor = or(organizes, sql`${me}::uuid = any(${events.doorIds})`);
	const myRegistrations = tx
		.select({ eventId: registrations.eventId })
		.from(registrations)
		.where(eq(registrations.personId, me));
	const visibleEvent = hasRole(actor, 'admin')
		? undefined
		: or(
				inArray(events.visibility, ['public', 'community']),
				runsDoor,
				inArray(events.id, myRegistrations)
			);
	// The door's attendee list: for the events they organize or help at the door (admins may
	// check in anywhere, so they hold every list).
	const doorsIRun = tx.select({ id: events.id }).from(events).where(runsDoor);
	const attendeeLists = hasRole(actor, 'admin');

	const groupsICurate = tx
		.select({ groupId: memberships.groupId })
		.from(memberships)
		.where(and(eq(memberships.personId, me), eq(memberships.curator, true)));

	return {
		// Every member is in the directory, each field as privacy lets this viewer see it
		// (rows.ts toPerson); merged and deleted people too, so their old ids still resolve.
		people: undefined,
		events: visibleEvent,
		registrations: attendeeLists
			? undefined
			: or(eq(registrations.personId, me), inArray(registrations.eventId, doorsIRun)),
		checkIns: attendeeLists
			? undefined
			: or(eq(checkIns.personId, me), inArray(checkIns.eventId, doorsIRun)),
		contributions: eq(contributions.personId, me),
		badges: undefined,
		// Their own badges, and the ones they gave (so the giver's device keeps what it wrote).
		awards: or(eq(awards.personId, me), eq(awards.awardedBy, me)),
		rejectedMutations: eq(rejectedMutations.personId, me),
		groups: undefined,
		// Memberships are public to members; a pending request only to its author, the group's
		// curators and admins (who decide it).
		memberships: hasRole(actor, 'admin')
			? undefined
			: or(
					eq(memberships.status, 'member'),
					eq(memberships.personId, me),
					inArray(memberships.groupId, groupsICurate)
				),
		taxonomyTerms: undefined,
		// Nominations: the ones they made; everyone who may decide them (canDecideNomination:
		// organizers, mentors, admins) holds them all. The nominee learns of an approved one
		// as an award.
		nominations:
			hasRole(actor, 'organizer') || hasRole(actor, 'mentor')
				? undefined
				: eq(nominations.nominatedBy, me)
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
	rejectedMutations,
	groups,
	memberships,
	taxonomyTerms,
	nominations
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
