/**
 * The core entities of Gather, as they travel between server and device. One schema each,
 * used to validate what the server sends in a pull and what the client stores in IndexedDB.
 * Timestamps are ISO-8601 strings in UTC; calendar dates are `YYYY-MM-DD`.
 * `version` is the server version that last wrote the row (0 for a row only on this device).
 */
import { z } from 'zod';
import { ACTIVITY_TYPES, AREAS } from './taxonomy';

export const ROLES = ['member', 'volunteer', 'organizer', 'mentor', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles as stored (a text[] column): one the domain does not know is dropped, never trusted. */
export function knownRoles(roles: readonly string[]): Role[] {
	return roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role));
}

/**
 * Free text. PostgreSQL cannot store the NUL character (U+0000) in text or jsonb, so it is
 * refused wherever text comes in: the device refuses the write, the server answers 400.
 */
export function text() {
	return z.string().refine((value) => !value.includes('\u0000'), 'contains a NUL character');
}

const id = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const calendarDate = z.iso.date();
const version = z.number().int().nonnegative();

/** An http(s) link; other schemes (javascript:, data:) are refused. */
export const webLink = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(2000);

/** The profile fields a person edits; each resolves its conflicts on its own (conflicts.ts). */
export const PROFILE_FIELDS = ['displayName', 'pronouns', 'bio', 'city', 'country'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export const personSchema = z.object({
	id,
	displayName: text().trim().min(1).max(80),
	email: z.email().max(254).nullable(),
	pronouns: text().max(40).nullable(),
	bio: text().max(2000).nullable(),
	city: text().max(100).nullable(),
	country: text().length(2).nullable(),
	roles: z.array(z.enum(ROLES)),
	/** Per profile field, the clock of the write that set it (conflicts.ts: last writer wins). */
	fieldClocks: z.partialRecord(z.enum(PROFILE_FIELDS), text().max(100)),
	createdAt: timestamp,
	version
});
export type Person = z.infer<typeof personSchema>;

export const EVENT_VISIBILITY = ['public', 'community', 'invite'] as const;

export const eventSchema = z.object({
	id,
	title: text().trim().min(1).max(200),
	description: text().max(10000),
	startsAt: timestamp,
	endsAt: timestamp,
	timezone: text().min(1).max(64),
	venue: text().max(300).nullable(),
	onlineLink: webLink.nullable(),
	area: z.enum(AREAS).nullable(),
	capacity: z.number().int().positive().nullable(),
	visibility: z.enum(EVENT_VISIBILITY),
	organizerIds: z.array(id),
	cancelled: z.boolean(),
	version
});
export type GatherEvent = z.infer<typeof eventSchema>;

export const REGISTRATION_STATUS = ['registered', 'waitlisted', 'cancelled'] as const;

/** A registration is the ticket: its `ticketCode` is what the door scans. */
export const registrationSchema = z.object({
	id,
	eventId: id,
	personId: id,
	status: z.enum(REGISTRATION_STATUS),
	ticketCode: text().min(8).max(512),
	createdAt: timestamp,
	version
});
export type Registration = z.infer<typeof registrationSchema>;

/** One check-in per (event, person): the earliest time wins, every recording device is kept. */
export const checkInSchema = z.object({
	eventId: id,
	personId: id,
	checkedInAt: timestamp,
	deviceIds: z.array(id).min(1),
	recordedBy: id,
	version
});
export type CheckIn = z.infer<typeof checkInSchema>;

export const contributionDescription = text().trim().min(1).max(500);

/** Contributions are append-only: logged once, never merged. */
export const contributionSchema = z.object({
	id,
	personId: id,
	area: z.enum(AREAS),
	activityType: z.enum(ACTIVITY_TYPES),
	description: contributionDescription,
	happenedOn: calendarDate,
	link: webLink.nullable(),
	eventId: id.nullable(),
	createdAt: timestamp,
	version
});
export type Contribution = z.infer<typeof contributionSchema>;

export const badgeSchema = z.object({
	id,
	slug: z.string().regex(/^[a-z0-9-]{2,64}$/),
	name: text().min(1).max(100),
	description: text().max(2000),
	criteria: text().max(2000),
	imageUrl: text().max(2000).nullable(),
	version
});
export type Badge = z.infer<typeof badgeSchema>;

/** One award per (badge, person). */
export const awardSchema = z.object({
	badgeId: id,
	personId: id,
	awardedAt: timestamp,
	awardedBy: id.nullable(),
	evidence: text().max(2000).nullable(),
	version
});
export type Award = z.infer<typeof awardSchema>;

/** Reason codes for a mutation the server refused; each has a translated message. */
export const REJECTION_REASONS = [
	'forbidden',
	'invalid',
	'conflict',
	'not_found',
	'unknown',
	'clock'
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A write the server refused: kept, synced back to its author and shown until dismissed. */
export const rejectedMutationSchema = z.object({
	id,
	personId: id,
	deviceId: id,
	mutationId: z.number().int().positive(),
	name: text().max(100),
	args: z.unknown(),
	reason: z.enum(REJECTION_REASONS),
	detail: text().max(1000).nullable(),
	rejectedAt: timestamp,
	dismissed: z.boolean(),
	version
});
export type RejectedMutation = z.infer<typeof rejectedMutationSchema>;
