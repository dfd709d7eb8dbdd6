/**
 * The core entities of Gather, as they travel between server and device. One schema each,
 * used to validate what the server sends in a pull and what the client stores in IndexedDB.
 * Timestamps are ISO-8601 strings in UTC; calendar dates are `YYYY-MM-DD`.
 * `version` is the server version that last wrote the row (0 for a row only on this device).
 */
import { z } from 'zod';
import { AREAS, MAX_TERM_NAME_LENGTH, MAX_WEIGHT, TAXONOMY_KINDS, taxonomySlug } from './taxonomy';
import { badgeRuleSchema } from './badge-rules';

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

/** Who may see a profile field: only its owner, every signed-in member, or anyone. */
export const PRIVACY_LEVELS = ['private', 'community', 'public'] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** The profile fields a person edits; each resolves its conflicts on its own (conflicts.ts). */
export const PROFILE_FIELDS = [
	'displayName',
	'pronouns',
	'bio',
	'avatar',
	'city',
	'country',
	'timezone',
	'languages',
	'skills',
	'interests',
	'links',
	'areas'
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** Fields with a privacy level: every profile field, and the email address. */
export const PRIVACY_FIELDS = [...PROFILE_FIELDS, 'email'] as const;
export type PrivacyField = (typeof PRIVACY_FIELDS)[number];
/**
 * Every privacy level a person sets: one per field, and `journey` (who sees their
 * contributions, events attended and badges), which has no value on the person row.
 */
export const PRIVACY_KEYS = [...PRIVACY_FIELDS, 'journey'] as const;
export type PrivacyKey = (typeof PRIVACY_KEYS)[number];
export type Privacy = Record<PrivacyKey, PrivacyLevel>;

/**
 * What a new profile shows: everything to signed-in members except the email address.
 * The display name is never private (members must be able to tell who did what), so its level
 * is community or public; a public display name is what makes the public profile page exist.
 */
export const DEFAULT_PRIVACY: Privacy = {
	displayName: 'community',
	pronouns: 'community',
	bio: 'community',
	avatar: 'community',
	city: 'community',
	country: 'community',
	timezone: 'community',
	languages: 'community',
	skills: 'community',
	interests: 'community',
	links: 'community',
	areas: 'community',
	email: 'private',
	journey: 'community'
};

/** Every clocked key of a profile: the fields, and each field's privacy level (`privacy.city`). */
export const CLOCKED_KEYS = [
	...PROFILE_FIELDS,
	...PRIVACY_KEYS.map((field) => `privacy.${field}` as const)
] as const;
export type ClockedKey = (typeof CLOCKED_KEYS)[number];

/** A resized avatar travels inside the person row, so it stays small (see AVATAR_SIZE_PX). */
export const AVATAR_MAX_CHARS = 40_000;
/** Avatars are resized on the device to a square of this many pixels before they are saved. */
export const AVATAR_SIZE_PX = 160;
export const avatarSchema = z
	.string()
	.max(AVATAR_MAX_CHARS)
	.regex(/^data:image\/(webp|jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/);

/** An IANA time zone this runtime knows (Europe/Berlin, America/Argentina/Cordoba, UTC). */
export const timezoneSchema = z
	.string()
	.min(1)
	.max(64)
	.refine((zone) => {
		try {
			new Intl.DateTimeFormat('en', { timeZone: zone });
			return true;
		} catch {
			return false;
		}
	}, 'unknown time zone');

/** A BCP 47 language tag as people pick them: `es`, `pt-BR`, `zh-Hant`. */
export const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/);
/**
 * A profile's limits: the schema below holds to them, and the profile editor and the CSV
 * import say them before the schema has to.
 */
export const MAX_DISPLAY_NAME_LENGTH = 80;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PRONOUNS_LENGTH = 40;
export const MAX_CITY_LENGTH = 100;
export const MAX_BIO_LENGTH = 2000;
/** Languages a person speaks. */
export const MAX_LANGUAGES = 20;
/** Skills, and interests, each. */
export const MAX_TAGS = 30;
export const MAX_TAG_LENGTH = 50;
export const MAX_LINKS = 10;
export const MAX_LINK_LABEL_LENGTH = 60;

/** A short free-text tag (a skill, an interest). */
export const tag = text().trim().min(1).max(MAX_TAG_LENGTH);
export const profileLinkSchema = z.object({
	label: text().trim().min(1).max(MAX_LINK_LABEL_LENGTH),
	url: webLink
});
export type ProfileLink = z.infer<typeof profileLinkSchema>;

export const privacySchema = z
	.object(
		Object.fromEntries(PRIVACY_KEYS.map((field) => [field, z.enum(PRIVACY_LEVELS)])) as {
			[Field in PrivacyKey]: z.ZodEnum<{ [Level in PrivacyLevel]: Level }>;
		}
	)
	.refine((privacy) => privacy.displayName !== 'private', {
		message: 'the display name cannot be private',
		path: ['displayName']
	});

/** A person's life cycle: merged into another person (the id still resolves), or deleted. */
export const PERSON_STATUS = ['active', 'merged', 'deleted'] as const;
export type PersonStatus = (typeof PERSON_STATUS)[number];

/**
 * A person as a viewer receives them. Fields the viewer may not see (privacy.ts) arrive
 * empty: null, or [] for lists; `privacy` itself is always sent, so screens can say "hidden".
 */
export const personSchema = z.object({
	id,
	displayName: text().trim().min(1).max(MAX_DISPLAY_NAME_LENGTH),
	email: z.email().max(MAX_EMAIL_LENGTH).nullable(),
	pronouns: text().trim().max(MAX_PRONOUNS_LENGTH).nullable(),
	bio: text().max(MAX_BIO_LENGTH).nullable(),
	avatar: avatarSchema.nullable(),
	city: text().trim().max(MAX_CITY_LENGTH).nullable(),
	/** ISO 3166-1 alpha-2, upper case. */
	country: z
		.string()
		.regex(/^[A-Z]{2}$/)
		.nullable(),
	timezone: timezoneSchema.nullable(),
	languages: z.array(languageTag).max(MAX_LANGUAGES),
	skills: z.array(tag).max(MAX_TAGS),
	interests: z.array(tag).max(MAX_TAGS),
	links: z.array(profileLinkSchema).max(MAX_LINKS),
	areas: z.array(z.enum(AREAS)).max(AREAS.length),
	privacy: privacySchema,
	roles: z.array(z.enum(ROLES)),
	status: z.enum(PERSON_STATUS),
	/** For a merged person: who they were merged into (follow it to resolve an old id). */
	mergedInto: id.nullable(),
	/** Per clocked key, the clock of the write that set it (conflicts.ts: last writer wins). */
	fieldClocks: z.partialRecord(z.enum(CLOCKED_KEYS), text().max(100)),
	createdAt: timestamp,
	version
});
export type Person = z.infer<typeof personSchema>;

export const GROUP_KINDS = ['area', 'region', 'team'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
/** How people join: anyone at once, by asking a curator, or only when a curator adds them. */
export const MEMBERSHIP_POLICIES = ['open', 'request', 'closed'] as const;
export type MembershipPolicy = (typeof MEMBERSHIP_POLICIES)[number];

/** A functional area, a region or a team; curators run its membership. */
export const groupSchema = z.object({
	id,
	kind: z.enum(GROUP_KINDS),
	slug: z.string().regex(/^[a-z0-9-]{2,64}$/),
	name: text().trim().min(1).max(100),
	description: text().max(2000),
	policy: z.enum(MEMBERSHIP_POLICIES),
	/** For an area group: the taxonomy area it stands for. */
	area: z.enum(AREAS).nullable(),
	/** For a region group: its country, if it is within one. */
	country: z
		.string()
		.regex(/^[A-Z]{2}$/)
		.nullable(),
	archived: z.boolean(),
	createdAt: timestamp,
	version
});
export type Group = z.infer<typeof groupSchema>;

export const MEMBERSHIP_STATUS = ['member', 'pending'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUS)[number];

/** One per (group, person); `pending` is a request a curator has not decided yet. */
export const membershipSchema = z.object({
	groupId: id,
	personId: id,
	status: z.enum(MEMBERSHIP_STATUS),
	curator: z.boolean(),
	createdAt: timestamp,
	version
});
export type Membership = z.infer<typeof membershipSchema>;

export const EVENT_VISIBILITY = ['public', 'community', 'invite'] as const;
export type EventVisibility = (typeof EVENT_VISIBILITY)[number];

export const MAX_EVENT_TITLE_LENGTH = 200;
export const MAX_EVENT_DESCRIPTION_LENGTH = 10_000;
export const MAX_VENUE_LENGTH = 300;
export const MAX_ORGANIZERS = 20;
export const MAX_DOOR_HELPERS = 50;
export const MAX_DEVICE_NAME_LENGTH = 40;
export const MAX_REPORT_NOTES_LENGTH = 10_000;

/**
 * An event. `organizerIds` run it (edit, check in, see the attendee list, report); `doorIds`
 * are helpers who may only check people in. `publicKey` (Ed25519, base64url) verifies its
 * tickets offline and `checkInCodeHash` its self check-in code (domain/self-check-in.ts);
 * both are made by the server, so they are null until the event first synced.
 * `checkInCode` itself reaches only the people who run the door (null for everyone else).
 */
export const eventSchema = z.object({
	id,
	title: text().trim().min(1).max(MAX_EVENT_TITLE_LENGTH),
	description: text().max(MAX_EVENT_DESCRIPTION_LENGTH),
	startsAt: timestamp,
	endsAt: timestamp,
	timezone: timezoneSchema,
	/** The place's name ("Mozilla Community Space"). */
	venue: text().max(MAX_VENUE_LENGTH).nullable(),
	/** Its street address, for maps and the calendar file. */
	address: text().max(MAX_VENUE_LENGTH).nullable(),
	onlineLink: webLink.nullable(),
	area: z.enum(AREAS).nullable(),
	capacity: z.number().int().positive().max(1_000_000).nullable(),
	visibility: z.enum(EVENT_VISIBILITY),
	organizerIds: z.array(id).min(1).max(MAX_ORGANIZERS),
	doorIds: z.array(id).max(MAX_DOOR_HELPERS),
	cancelled: z.boolean(),
	/** The organizer's report after the event (Reps' reporting). */
	reportNotes: text().max(MAX_REPORT_NOTES_LENGTH),
	photosLink: webLink.nullable(),
	publicKey: z.string().max(100).nullable(),
	checkInCode: z.string().max(20).nullable(),
	checkInCodeHash: z.string().max(200).nullable(),
	createdAt: timestamp,
	version
});
export type GatherEvent = z.infer<typeof eventSchema>;

/**
 * `registered` holds a seat and a ticket; `waitlisted` waits for one (promoted in order when
 * a seat frees); `cancelled` by the attendee; `revoked` by an organizer. Cancelled and
 * revoked registrations are the revocation list every door device holds.
 */
export const REGISTRATION_STATUS = ['registered', 'waitlisted', 'cancelled', 'revoked'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUS)[number];

/**
 * A registration is the ticket. `ticketCode` is the signed QR payload (domain/tickets.ts),
 * made by the server: null while waitlisted, cancelled or not yet synced. `walkIn`: registered
 * at the door (by an organizer, or by the attendee's self check-in).
 */
export const registrationSchema = z.object({
	id,
	eventId: id,
	personId: id,
	status: z.enum(REGISTRATION_STATUS),
	ticketCode: z.string().min(8).max(512).nullable(),
	walkIn: z.boolean(),
	createdAt: timestamp,
	version
});
export type Registration = z.infer<typeof registrationSchema>;

/** How a person came through the door. */
export const ADMISSION_METHODS = ['scan', 'search', 'walk_in', 'self'] as const;
export type AdmissionMethod = (typeof ADMISSION_METHODS)[number];

/** One device letting a person in: who, where, when and how. */
export const admissionSchema = z.object({
	deviceId: id,
	/** The name the door gave its device ("Door 2"); '' when none was given. */
	deviceName: text().max(MAX_DEVICE_NAME_LENGTH),
	recordedBy: id,
	at: timestamp,
	method: z.enum(ADMISSION_METHODS)
});
export type Admission = z.infer<typeof admissionSchema>;

/**
 * One check-in per (event, person). `admissions` keeps each recording device's own (the
 * earliest per device): two of them mean the person was admitted twice (the report lists it).
 * `checkedInAt` and `recordedBy` are the earliest admission's, kept as columns to query by.
 */
export const checkInSchema = z.object({
	eventId: id,
	personId: id,
	checkedInAt: timestamp,
	recordedBy: id,
	admissions: z.array(admissionSchema).min(1),
	version
});
export type CheckIn = z.infer<typeof checkInSchema>;

export const contributionDescription = text().trim().min(1).max(500);
export const MAX_CONTRIBUTION_MINUTES = 24 * 60;
export const MAX_LOCATION_LENGTH = 200;
export const contributionMinutes = z.number().int().min(1).max(MAX_CONTRIBUTION_MINUTES);
export const contributionLocation = text().trim().min(1).max(MAX_LOCATION_LENGTH);

/**
 * What someone did. Logged by its author (or made by the server: `attended` for a check-in);
 * the author edits or deletes it within the rules of `contributionEditProblem` (permissions.ts);
 * a mentor or organizer verifies it. `area` and `activityType` are taxonomy slugs.
 */
export const contributionSchema = z.object({
	id,
	personId: id,
	area: taxonomySlug,
	activityType: taxonomySlug,
	description: contributionDescription,
	happenedOn: calendarDate,
	/** Evidence: a link to what was done. */
	link: webLink.nullable(),
	eventId: id.nullable(),
	durationMinutes: contributionMinutes.nullable(),
	location: contributionLocation.nullable(),
	createdAt: timestamp,
	/** The last edit by its author; null when never edited. */
	editedAt: timestamp.nullable(),
	verifiedBy: id.nullable(),
	verifiedAt: timestamp.nullable(),
	version
});
export type Contribution = z.infer<typeof contributionSchema>;

/** An admin's row of the taxonomy (see taxonomy.ts), keyed by (kind, slug). */
export const taxonomyTermSchema = z.object({
	kind: z.enum(TAXONOMY_KINDS),
	slug: taxonomySlug,
	names: z.record(
		z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/),
		text().trim().min(1).max(MAX_TERM_NAME_LENGTH)
	),
	weight: z.number().int().min(0).max(MAX_WEIGHT).nullable(),
	archived: z.boolean(),
	position: z.number().int().min(0).max(100_000),
	version
});
export type TaxonomyTerm = z.infer<typeof taxonomyTermSchema>;

/**
 * A badge's picture travels inside the badge row (every device shows it offline), made small
 * on the device first: a square of BADGE_IMAGE_SIZE_PX, PNG or WebP or JPEG, at most
 * BADGE_IMAGE_MAX_CHARS as a data URL. The server also checks the bytes are that image type.
 */
export const BADGE_IMAGE_MAX_CHARS = 120_000;
export const BADGE_IMAGE_SIZE_PX = 256;
export const badgeImageSchema = z
	.string()
	.max(BADGE_IMAGE_MAX_CHARS)
	.regex(/^data:image\/(webp|jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/);

export const badgeSchema = z.object({
	id,
	slug: z.string().regex(/^[a-z0-9-]{2,64}$/),
	name: text().trim().min(1).max(100),
	description: text().max(2000),
	/** The criteria narrative: what someone does to earn it, in words. */
	criteria: text().max(2000),
	image: badgeImageSchema.nullable(),
	/** When set, the server awards the badge itself to whoever meets the rule (badge-rules.ts). */
	rule: badgeRuleSchema.nullable(),
	/** An archived badge is no longer awarded (by hand or by rule); its awards stay. */
	archived: z.boolean(),
	createdAt: timestamp,
	version
});
export type Badge = z.infer<typeof badgeSchema>;

export const AWARD_SOURCES = ['manual', 'nomination', 'rule'] as const;
export type AwardSource = (typeof AWARD_SOURCES)[number];

/**
 * One award per (badge, person). `id` names it in its Open Badges credential and public
 * verification page. A revoked award stays (its credential must verify as revoked); granting
 * the badge again reinstates it.
 */
export const awardSchema = z.object({
	id,
	badgeId: id,
	personId: id,
	awardedAt: timestamp,
	/** Who awarded it (the approver of a nomination); null when the server's rule did. */
	awardedBy: id.nullable(),
	source: z.enum(AWARD_SOURCES),
	evidence: text().max(2000).nullable(),
	revokedAt: timestamp.nullable(),
	revokedBy: id.nullable(),
	revocationReason: text().max(1000).nullable(),
	version
});
export type Award = z.infer<typeof awardSchema>;

export const NOMINATION_STATUSES = ['pending', 'approved', 'declined'] as const;
export type NominationStatus = (typeof NOMINATION_STATUSES)[number];
export const MAX_NOMINATION_REASON_LENGTH = 1000;

/** A peer proposes someone for a badge; someone who may award it approves or declines. */
export const nominationSchema = z.object({
	id,
	badgeId: id,
	personId: id,
	nominatedBy: id,
	reason: text().trim().min(1).max(MAX_NOMINATION_REASON_LENGTH),
	status: z.enum(NOMINATION_STATUSES),
	decidedBy: id.nullable(),
	decidedAt: timestamp.nullable(),
	createdAt: timestamp,
	version
});
export type Nomination = z.infer<typeof nominationSchema>;

/** Reason codes for a mutation the server refused; each has a translated message. */
export const REJECTION_REASONS = [
	'forbidden',
	'invalid',
	'conflict',
	'not_found',
	'unknown',
	'clock',
	'revoked',
	'closed',
	'wrong_code',
	'too_late',
	'not_registered',
	'verified',
	'already_decided'
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
