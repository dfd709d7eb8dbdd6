/**
 * Database rows → the entity shapes of domain/entities.ts that travel in a pull.
 * Text columns holding enums are narrowed by cast: every write reaches them through a zod
 * schema (mutations, seed), so the database holds only valid values.
 */
import type { Actor } from '$lib/domain/actor';
import {
	DEFAULT_PRIVACY,
	knownRoles,
	type Group,
	type Membership,
	type Award,
	type Badge,
	type CheckIn,
	type Contribution,
	type GatherEvent,
	type Person,
	type Nomination,
	type Registration,
	type RejectedMutation,
	type TaxonomyTerm
} from '$lib/domain/entities';
import { audienceFor, viewOf } from '$lib/domain/privacy';
import { canCheckIn } from '$lib/domain/permissions';
import type { Area } from '$lib/domain/taxonomy';
import type * as schema from '$lib/server/db/schema';

type Row<Table extends keyof typeof schema> = (typeof schema)[Table]['$inferSelect'];

/** A stored person, every field, as the person themself sees it. */
export function toFullPerson(row: Row<'people'>): Person {
	return {
		id: row.id,
		displayName: row.displayName,
		email: row.email,
		pronouns: row.pronouns,
		bio: row.bio,
		avatar: row.avatar,
		city: row.city,
		country: row.country,
		timezone: row.timezone,
		languages: row.languages,
		skills: row.skills,
		interests: row.interests,
		links: row.links,
		areas: row.areas as Area[],
		// Levels stored before a field existed take the default.
		privacy: { ...DEFAULT_PRIVACY, ...row.privacy },
		roles: knownRoles(row.roles),
		status: row.status,
		mergedInto: row.mergedInto,
		fieldClocks: row.fieldClocks,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

/**
 * A stored person as `viewer` (null: anyone on the web) may see them, or null when they may
 * not see the person at all. Every path that sends a person anywhere goes through here.
 */
export function toPerson(row: Row<'people'>, viewer: Actor | null): Person | null {
	return viewOf(toFullPerson(row), audienceFor(viewer, row.id));
}

export function toGroup(row: Row<'groups'>): Group {
	return {
		id: row.id,
		kind: row.kind,
		slug: row.slug,
		name: row.name,
		description: row.description,
		policy: row.policy,
		area: row.area as Area | null,
		country: row.country,
		archived: row.archived,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toMembership(row: Row<'memberships'>): Membership {
	return {
		groupId: row.groupId,
		personId: row.personId,
		status: row.status,
		curator: row.curator,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

/**
 * A stored event as `viewer` may see it: the self check-in code only reaches the people who
 * run its door (canCheckIn); everyone gets its hash and public key, to verify offline.
 */
export function toEvent(row: Row<'events'>, viewer: Actor | null): GatherEvent {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		startsAt: row.startsAt.toISOString(),
		endsAt: row.endsAt.toISOString(),
		timezone: row.timezone,
		venue: row.venue,
		address: row.address,
		onlineLink: row.onlineLink,
		area: row.area as Area | null,
		capacity: row.capacity,
		visibility: row.visibility,
		organizerIds: row.organizerIds,
		doorIds: row.doorIds,
		cancelled: row.cancelled,
		reportNotes: row.reportNotes,
		photosLink: row.photosLink,
		publicKey: row.publicKey,
		checkInCode: canCheckIn(viewer, row) ? row.checkInCode : null,
		checkInCodeHash: row.checkInCodeHash,
		createdAt: row.createdAt.toISOString(),
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
		walkIn: row.walkIn,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toCheckIn(row: Row<'checkIns'>): CheckIn {
	return {
		eventId: row.eventId,
		personId: row.personId,
		checkedInAt: row.checkedInAt.toISOString(),
		recordedBy: row.recordedBy,
		admissions: row.admissions,
		version: row.version
	};
}

export function toContribution(row: Row<'contributions'>): Contribution {
	return {
		id: row.id,
		personId: row.personId,
		area: row.area,
		activityType: row.activityType,
		description: row.description,
		happenedOn: row.happenedOn,
		link: row.link,
		eventId: row.eventId,
		durationMinutes: row.durationMinutes,
		location: row.location,
		createdAt: row.createdAt.toISOString(),
		editedAt: row.editedAt?.toISOString() ?? null,
		verifiedBy: row.verifiedBy,
		verifiedAt: row.verifiedAt?.toISOString() ?? null,
		version: row.version
	};
}

export function toTaxonomyTerm(row: Row<'taxonomyTerms'>): TaxonomyTerm {
	return {
		kind: row.kind,
		slug: row.slug,
		names: row.names,
		weight: row.weight,
		archived: row.archived,
		position: row.position,
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
		image: row.image,
		rule: row.rule,
		archived: row.archived,
		createdAt: row.createdAt.toISOString(),
		version: row.version
	};
}

export function toAward(row: Row<'awards'>): Award {
	return {
		id: row.id,
		badgeId: row.badgeId,
		personId: row.personId,
		awardedAt: row.awardedAt.toISOString(),
		awardedBy: row.awardedBy,
		source: row.source,
		evidence: row.evidence,
		revokedAt: row.revokedAt?.toISOString() ?? null,
		revokedBy: row.revokedBy,
		revocationReason: row.revocationReason,
		version: row.version
	};
}

export function toNomination(row: Row<'nominations'>): Nomination {
	return {
		id: row.id,
		badgeId: row.badgeId,
		personId: row.personId,
		nominatedBy: row.nominatedBy,
		reason: row.reason,
		status: row.status,
		decidedBy: row.decidedBy,
		decidedAt: row.decidedAt?.toISOString() ?? null,
		createdAt: row.createdAt.toISOString(),
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
