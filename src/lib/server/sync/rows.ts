/**
 * Database rows → the entity shapes of domain/entities.ts that travel in a pull.
 * Text columns holding enums are narrowed by cast: every write reaches them through a zod
 * schema (mutations, seed), so the database holds only valid values.
 */
import type { Actor } from '$lib/domain/actor';
import {
	knownRoles,
	type Award,
	type Badge,
	type CheckIn,
	type Contribution,
	type GatherEvent,
	type Person,
	type Registration,
	type RejectedMutation
} from '$lib/domain/entities';
import type { ActivityType, Area } from '$lib/domain/taxonomy';
import type * as schema from '$lib/server/db/schema';

type Row<Table extends keyof typeof schema> = (typeof schema)[Table]['$inferSelect'];

/** Other people's email stays on the server until per-field privacy says otherwise. */
export function toPerson(row: Row<'people'>, actor: Actor): Person {
	return {
		id: row.id,
		displayName: row.displayName,
		email: row.id === actor.personId ? row.email : null,
		pronouns: row.pronouns,
		bio: row.bio,
		city: row.city,
		country: row.country,
		roles: knownRoles(row.roles),
		fieldClocks: row.fieldClocks,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toEvent(row: Row<'events'>): GatherEvent {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		startsAt: row.startsAt.toISOString(),
		endsAt: row.endsAt.toISOString(),
		timezone: row.timezone,
		venue: row.venue,
		onlineLink: row.onlineLink,
		area: row.area as Area | null,
		capacity: row.capacity,
		visibility: row.visibility,
		organizerIds: row.organizerIds,
		cancelled: row.cancelled,
		version: row.version
	};
}

export function toRegistration(row: Row<'registrations'>): Registration {
	return {
		id: row.id,
		eventId: row.eventId,
		personId: row.personId,
		status: row.status,
		ticketCode: row.ticketCode,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toCheckIn(row: Row<'checkIns'>): CheckIn {
	return {
		eventId: row.eventId,
		personId: row.personId,
		checkedInAt: row.checkedInAt.toISOString(),
		deviceIds: row.deviceIds,
		recordedBy: row.recordedBy,
		version: row.version
	};
}

export function toContribution(row: Row<'contributions'>): Contribution {
	return {
		id: row.id,
		personId: row.personId,
		area: row.area as Area,
		activityType: row.activityType as ActivityType,
		description: row.description,
		happenedOn: row.happenedOn,
		link: row.link,
		eventId: row.eventId,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toBadge(row: Row<'badges'>): Badge {
	return {
		id: row.id,
		slug: row.slug,
		name: row.name,
		description: row.description,
		criteria: row.criteria,
		imageUrl: row.imageUrl,
		version: row.version
	};
}

export function toAward(row: Row<'awards'>): Award {
	return {
		badgeId: row.badgeId,
		personId: row.personId,
		awardedAt: row.awardedAt.toISOString(),
		awardedBy: row.awardedBy,
		evidence: row.evidence,
		version: row.version
	};
}

export function toRejectedMutation(row: Row<'rejectedMutations'>): RejectedMutation {
	return {
		id: row.id,
		personId: row.personId,
		deviceId: row.deviceId,
		mutationId: row.mutationId,
		name: row.name,
		args: row.args,
		reason: row.reason,
		detail: row.detail,
		rejectedAt: row.rejectedAt.toISOString(),
		dismissed: row.dismissed,
		version: row.version
	};
}
