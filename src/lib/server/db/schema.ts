/**
 * The server's tables: one Drizzle schema for PGlite and PostgreSQL alike.
 * Every table a device mirrors carries `version`: the server version of the transaction that
 * last wrote the row (see sync/versions.ts). Pull pages through rows by version.
 */
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	customType,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import type { BadgeRule } from '$lib/domain/badge-rules';
import {
	AWARD_SOURCES,
	DEFAULT_PRIVACY,
	NOMINATION_STATUSES,
	EVENT_VISIBILITY,
	GROUP_KINDS,
	MEMBERSHIP_POLICIES,
	MEMBERSHIP_STATUS,
	PERSON_STATUS,
	REGISTRATION_STATUS,
	REJECTION_REASONS,
	type Admission,
	type ClockedKey,
	type Privacy,
	type ProfileLink
} from '$lib/domain/entities';
import type { SyncedTable } from '$lib/domain/sync-protocol';
import { TAXONOMY_KINDS } from '$lib/domain/taxonomy';

const version = () => bigint('version', { mode: 'number' }).notNull();

/** Text compared byte by byte whatever the database's locale: prefix ranges and sort order of the directory. */
const byteOrderedText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });
/** PostgreSQL full-text search's document type (Drizzle has no builder for it). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A single row holding the last version handed out; bumped under a row lock per writing transaction. */
export const syncState = pgTable('sync_state', {
	id: integer('id').primaryKey(),
	version: bigint('version', { mode: 'number' }).notNull()
});

export const people = pgTable(
	'people',
	{
		id: uuid('id').primaryKey(),
		displayName: text('display_name').notNull(),
		/** Stored trimmed and lower-cased; unique across people. */
		email: text('email'),
		pronouns: text('pronouns'),
		bio: text('bio'),
		/** A small data: URL (resized on the device; AVATAR_MAX_CHARS). */
		avatar: text('avatar'),
		city: text('city'),
		country: text('country'),
		timezone: text('timezone'),
		languages: text('languages')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		skills: text('skills')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		interests: text('interests')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		links: jsonb('links').$type<ProfileLink[]>().notNull().default([]),
		areas: text('areas')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** Per field, who may see it (domain/privacy.ts); missing fields take DEFAULT_PRIVACY. */
		privacy: jsonb('privacy').$type<Privacy>().notNull().default(DEFAULT_PRIVACY),
		roles: text('roles')
			.array()
			.notNull()
			.default(sql`'{member}'::text[]`),
		status: text('status', { enum: PERSON_STATUS }).notNull().default('active'),
		/** A merged person points at the person they were merged into. */
		mergedInto: uuid('merged_into'),
		/** Per clocked key, the hybrid logical clock of the write that set it (last writer wins). */
		fieldClocks: jsonb('field_clocks')
			.$type<Partial<Record<ClockedKey, string>>>()
			.notNull()
			.default({}),
		createdAt: createdAt(),
		version: version(),
		/*
		 * The directory's search columns (server/directory.ts), computed by the database from the
		 * fields above on every write, whoever writes: only what a signed-in member may see goes
		 * in (a private city is never findable by city). The gather_search_* functions are in
		 * drizzle/0003. Folded like domain/directory.ts foldText: case and accents ignored.
		 */
		/** The display name's folded words, ' maria garcia': the sort order and "name begins with". */
		searchName: byteOrderedText('search_name').generatedAlwaysAs(
			sql`gather_search_words(display_name)`
		),
		/** Lexemes 'n:<name word>' and 'o:<word of the visible city, skills, interests>'. */
		searchVector: tsvector('search_vector').generatedAlwaysAs(
			sql`gather_search_vector(display_name, city, skills, interests, privacy)`
		),
		/** The visible filter values: 'skill:…', 'language:…', 'country:…', 'area:…'. */
		searchFacets: text('search_facets')
			.array()
			.generatedAlwaysAs(sql`gather_search_facets(languages, skills, country, areas, privacy)`)
	},
	(table) => [
		uniqueIndex('people_email_key').on(table.email),
		index('people_version_idx').on(table.version),
		index('people_merged_into_idx').on(table.mergedInto),
		// Active people in directory order. Migration 0003 adds INCLUDE (search_vector,
		// search_facets), which Drizzle cannot write: a search walks this index alone (an
		// index-only scan) while matches are frequent.
		index('people_directory_order_idx')
			.on(table.searchName, table.id)
			.where(sql`status = 'active'`),
		index('people_directory_vector_idx')
			.using('gin', table.searchVector)
			.where(sql`status = 'active'`),
		index('people_directory_facets_idx')
			.using('gin', table.searchFacets)
			.where(sql`status = 'active'`)
	]
);

export const credentials = pgTable(
	'credentials',
	{
		/** The credential id, base64url. */
		id: text('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		/** COSE public key, base64url. */
		publicKey: text('public_key').notNull(),
		counter: bigint('counter', { mode: 'number' }).notNull().default(0),
		transports: text('transports')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		deviceType: text('device_type').notNull(),
		backedUp: boolean('backed_up').notNull().default(false),
		name: text('name'),
		createdAt: createdAt(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true })
	},
	(table) => [index('credentials_person_idx').on(table.personId)]
);

export const sessions = pgTable(
	'sessions',
	{
		/** SHA-256 of the token in the cookie, hex: a leaked table does not leak sessions. */
		id: text('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(table) => [index('sessions_person_idx').on(table.personId)]
);

/** WebAuthn challenges between options and verification; the id is in an HttpOnly cookie. */
export const authChallenges = pgTable('auth_challenges', {
	id: text('id').primaryKey(),
	challenge: text('challenge').notNull(),
	purpose: text('purpose', { enum: ['register', 'authenticate'] }).notNull(),
	/** For registration: the person to be created (id, name, email) once the passkey verifies. */
	personId: uuid('person_id'),
	displayName: text('display_name'),
	email: text('email'),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
});

/** A browser profile that syncs, registered to one person. */
export const devices = pgTable(
	'devices',
	{
		id: uuid('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		lastMutationId: bigint('last_mutation_id', { mode: 'number' }).notNull().default(0),
		createdAt: createdAt(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow()
	},
	(table) => [index('devices_person_idx').on(table.personId)]
);

export const events = pgTable(
	'events',
	{
		id: uuid('id').primaryKey(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
		timezone: text('timezone').notNull(),
		venue: text('venue'),
		address: text('address'),
		onlineLink: text('online_link'),
		area: text('area'),
		capacity: integer('capacity'),
		visibility: text('visibility', { enum: EVENT_VISIBILITY }).notNull(),
		organizerIds: uuid('organizer_ids')
			.array()
			.notNull()
			.default(sql`'{}'::uuid[]`),
		doorIds: uuid('door_ids')
			.array()
			.notNull()
			.default(sql`'{}'::uuid[]`),
		cancelled: boolean('cancelled').notNull().default(false),
		reportNotes: text('report_notes').notNull().default(''),
		photosLink: text('photos_link'),
		/** Ed25519 public key (base64url) that verifies the event's tickets; the private half is in event_keys. */
		publicKey: text('public_key'),
		/** The self check-in code, and its PBKDF2 hash (domain/self-check-in.ts). */
		checkInCode: text('check_in_code'),
		checkInCodeHash: text('check_in_code_hash'),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		index('events_version_idx').on(table.version),
		index('events_starts_idx').on(table.startsAt)
	]
);

export const registrations = pgTable(
	'registrations',
	{
		id: uuid('id').primaryKey(),
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		status: text('status', { enum: REGISTRATION_STATUS }).notNull(),
		ticketCode: text('ticket_code'),
		walkIn: boolean('walk_in').notNull().default(false),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		uniqueIndex('registrations_event_person_key').on(table.eventId, table.personId),
		index('registrations_version_idx').on(table.version),
		// Counting seats and promoting the waiting list in order.
		index('registrations_event_status_idx').on(table.eventId, table.status, table.createdAt)
	]
);

export const checkIns = pgTable(
	'check_ins',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => events.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		checkedInAt: timestamp('checked_in_at', { withTimezone: true }).notNull(),
		recordedBy: uuid('recorded_by').notNull(),
		admissions: jsonb('admissions').$type<Admission[]>().notNull().default([]),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.eventId, table.personId] }),
		index('check_ins_version_idx').on(table.version)
	]
);

/**
 * Each event's Ed25519 private key (JWK `d`, base64url), made by the server when the event
 * first arrives. Never synced, never sent: only the server signs tickets.
 */
export const eventKeys = pgTable('event_keys', {
	eventId: uuid('event_id')
		.primaryKey()
		.references(() => events.id, { onDelete: 'cascade' }),
	privateKey: text('private_key').notNull(),
	createdAt: createdAt()
});

export const contributions = pgTable(
	'contributions',
	{
		id: uuid('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		area: text('area').notNull(),
		activityType: text('activity_type').notNull(),
		description: text('description').notNull(),
		happenedOn: date('happened_on', { mode: 'string' }).notNull(),
		link: text('link'),
		eventId: uuid('event_id').references(() => events.id, { onDelete: 'set null' }),
		durationMinutes: integer('duration_minutes'),
		location: text('location'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		editedAt: timestamp('edited_at', { withTimezone: true }),
		verifiedBy: uuid('verified_by'),
		verifiedAt: timestamp('verified_at', { withTimezone: true }),
		/** Where it was written: the device and its mutationId (for audit and idempotency checks). */
		deviceId: uuid('device_id'),
		mutationId: bigint('mutation_id', { mode: 'number' }),
		version: version()
	},
	(table) => [
		index('contributions_person_idx').on(table.personId, table.happenedOn),
		index('contributions_version_idx').on(table.version),
		index('contributions_event_idx').on(table.eventId)
	]
);

/** Admins' rows of the taxonomy (domain/taxonomy.ts): built-in terms overridden, new terms. */
export const taxonomyTerms = pgTable(
	'taxonomy_terms',
	{
		kind: text('kind', { enum: TAXONOMY_KINDS }).notNull(),
		slug: text('slug').notNull(),
		names: jsonb('names').$type<Record<string, string>>().notNull().default({}),
		weight: integer('weight'),
		archived: boolean('archived').notNull().default(false),
		position: integer('position').notNull().default(0),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.kind, table.slug] }),
		index('taxonomy_terms_version_idx').on(table.version)
	]
);

export const badges = pgTable(
	'badges',
	{
		id: uuid('id').primaryKey(),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		criteria: text('criteria').notNull().default(''),
		/** A small picture as a data URL (domain badgeImageSchema). */
		image: text('image'),
		/** The automatic rule (domain/badge-rules.ts), or null: awarded by people only. */
		rule: jsonb('rule').$type<BadgeRule>(),
		archived: boolean('archived').notNull().default(false),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		uniqueIndex('badges_slug_key').on(table.slug),
		index('badges_version_idx').on(table.version)
	]
);

export const awards = pgTable(
	'awards',
	{
		/** Names the award in its Open Badges credential and verification page. */
		id: uuid('id').notNull().defaultRandom(),
		badgeId: uuid('badge_id')
			.notNull()
			.references(() => badges.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		awardedAt: timestamp('awarded_at', { withTimezone: true }).notNull(),
		awardedBy: uuid('awarded_by'),
		source: text('source', { enum: AWARD_SOURCES }).notNull().default('manual'),
		evidence: text('evidence'),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		revokedBy: uuid('revoked_by'),
		revocationReason: text('revocation_reason'),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.badgeId, table.personId] }),
		uniqueIndex('awards_id_key').on(table.id),
		index('awards_person_idx').on(table.personId),
		index('awards_version_idx').on(table.version)
	]
);

/** Peer nominations for a badge, decided by someone who may award it. */
export const nominations = pgTable(
	'nominations',
	{
		id: uuid('id').primaryKey(),
		badgeId: uuid('badge_id')
			.notNull()
			.references(() => badges.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		nominatedBy: uuid('nominated_by').notNull(),
		reason: text('reason').notNull(),
		status: text('status', { enum: NOMINATION_STATUSES }).notNull().default('pending'),
		decidedBy: uuid('decided_by'),
		decidedAt: timestamp('decided_at', { withTimezone: true }),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		index('nominations_version_idx').on(table.version),
		index('nominations_badge_person_idx').on(table.badgeId, table.personId)
	]
);

/**
 * The community's signing keys for Open Badges credentials (VC-JWT): the private JWK never
 * leaves the server; the public one is published with the issuer profile. `id` is the kid.
 */
export const issuerKeys = pgTable('issuer_keys', {
	id: text('id').primaryKey(),
	algorithm: text('algorithm').notNull(),
	privateJwk: jsonb('private_jwk').$type<Record<string, unknown>>().notNull(),
	publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
	createdAt: createdAt()
});

/** Writes the server refused: never dropped, synced back to their author with the reason. */
export const rejectedMutations = pgTable(
	'rejected_mutations',
	{
		id: uuid('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		deviceId: uuid('device_id').notNull(),
		mutationId: bigint('mutation_id', { mode: 'number' }).notNull(),
		name: text('name').notNull(),
		args: jsonb('args'),
		reason: text('reason', { enum: REJECTION_REASONS }).notNull(),
		detail: text('detail'),
		rejectedAt: timestamp('rejected_at', { withTimezone: true }).notNull().defaultNow(),
		dismissed: boolean('dismissed').notNull().default(false),
		version: version()
	},
	(table) => [
		uniqueIndex('rejected_device_mutation_key').on(table.deviceId, table.mutationId),
		index('rejected_person_version_idx').on(table.personId, table.version)
	]
);

export const groups = pgTable(
	'groups',
	{
		id: uuid('id').primaryKey(),
		kind: text('kind', { enum: GROUP_KINDS }).notNull(),
		slug: text('slug').notNull(),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		policy: text('policy', { enum: MEMBERSHIP_POLICIES }).notNull(),
		area: text('area'),
		country: text('country'),
		archived: boolean('archived').notNull().default(false),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		uniqueIndex('groups_slug_key').on(table.slug),
		index('groups_version_idx').on(table.version)
	]
);

export const memberships = pgTable(
	'memberships',
	{
		groupId: uuid('group_id')
			.notNull()
			.references(() => groups.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		status: text('status', { enum: MEMBERSHIP_STATUS }).notNull(),
		curator: boolean('curator').notNull().default(false),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.groupId, table.personId] }),
		index('memberships_person_idx').on(table.personId),
		index('memberships_version_idx').on(table.version)
	]
);

/**
 * Rows deleted from a synced table, so devices that mirror them delete them too: a pull sends
 * the deletions in its window before the rows (see sync/deletions.ts).
 */
export const deletions = pgTable(
	'deletions',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		tableName: text('table_name').$type<SyncedTable>().notNull(),
		/** The row's Dexie key: its id, or [first, second] for a compound key. */
		key: jsonb('key').$type<string | [string, string]>().notNull(),
		version: version()
	},
	(table) => [index('deletions_version_idx').on(table.version)]
);

/** One-time recovery codes, shown once at sign-up; only their SHA-256 is kept. */
export const recoveryCodes = pgTable(
	'recovery_codes',
	{
		/** SHA-256 of the normalised code, hex. */
		id: text('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(table) => [index('recovery_codes_person_idx').on(table.personId)]
);

/** Email sign-in links: the SHA-256 of the token in the link, single use, short-lived. */
export const emailTokens = pgTable(
	'email_tokens',
	{
		id: text('id').primaryKey(),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(table) => [index('email_tokens_person_idx').on(table.personId)]
);

/** Attempts per key (an action and an IP or an account) in fixed windows: brute-force limits. */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
	attempts: integer('attempts').notNull()
});

/** Every merge of two people: who was merged into whom, by whom, and what moved. */
export const personMerges = pgTable(
	'person_merges',
	{
		id: uuid('id').primaryKey(),
		survivorId: uuid('survivor_id')
			.notNull()
			.references(() => people.id),
		mergedId: uuid('merged_id')
			.notNull()
			.references(() => people.id),
		mergedBy: uuid('merged_by').references(() => people.id, { onDelete: 'set null' }),
		/** The merged person's profile before the merge, and counts of the rows that moved. */
		snapshot: jsonb('snapshot').notNull(),
		moved: jsonb('moved').$type<Record<string, number>>().notNull(),
		createdAt: createdAt()
	},
	(table) => [index('person_merges_created_idx').on(table.createdAt)]
);

// ————— Community metrics' rollups (server/metrics/queries.ts) —————
// Kept by the triggers of drizzle/0008_metrics_triggers.sql on contributions, check-ins,
// registrations, events, people, memberships and taxonomy_terms; never synced, never written by
// the app. `area` is an area slug or '*' (every area); `country` an ISO code or '*' (every
// person); `group_id` a group or METRIC_ALL_GROUPS (every person). Attended contributions are
// not contributions here (attendance is counted from check-ins).

/** Per person, area (and '*') and week (its Monday): contributions and their weighted points. */
export const metricPersonWeeks = pgTable(
	'metric_person_weeks',
	{
		personId: uuid('person_id').notNull(),
		area: text('area').notNull(),
		week: date('week', { mode: 'string' }).notNull(),
		contributions: integer('contributions').notNull(),
		points: integer('points').notNull()
	},
	(table) => [primaryKey({ columns: [table.personId, table.area, table.week] })]
);

/** Per person, area (and '*') and month (its first day): contributions. */
export const metricPersonMonths = pgTable(
	'metric_person_months',
	{
		personId: uuid('person_id').notNull(),
		area: text('area').notNull(),
		month: date('month', { mode: 'string' }).notNull(),
		contributions: integer('contributions').notNull()
	},
	(table) => [primaryKey({ columns: [table.personId, table.area, table.month] })]
);

/** Per person, event area (and '*') and day (in the event's time zone): check-ins. */
export const metricPersonCheckIns = pgTable(
	'metric_person_check_ins',
	{
		personId: uuid('person_id').notNull(),
		area: text('area').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		checkIns: integer('check_ins').notNull()
	},
	(table) => [primaryKey({ columns: [table.personId, table.area, table.day] })]
);

/** Per person and area (and '*'): the first check-in, and whether a contribution followed within 90 days. */
export const metricPersonState = pgTable(
	'metric_person_state',
	{
		personId: uuid('person_id').notNull(),
		area: text('area').notNull(),
		firstCheckIn: date('first_check_in', { mode: 'string' }).notNull(),
		converted: boolean('converted').notNull()
	},
	(table) => [primaryKey({ columns: [table.personId, table.area] })]
);

/**
 * People counted per filter and day, by kind (METRIC_KINDS in server/metrics/queries.ts): for
 * weekly kinds `day` is a Monday; first check-ins and conversions are by day.
 */
export const metricCounts = pgTable(
	'metric_counts',
	{
		area: text('area').notNull(),
		country: text('country').notNull(),
		groupId: uuid('group_id').notNull(),
		kind: integer('kind').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		value: integer('value').notNull()
	},
	(table) => [
		primaryKey({ columns: [table.area, table.country, table.groupId, table.kind, table.day] })
	]
);

/** Retention: people whose first contribution is in `cohort` (a month) who contributed in `month`. */
export const metricCohorts = pgTable(
	'metric_cohorts',
	{
		area: text('area').notNull(),
		country: text('country').notNull(),
		groupId: uuid('group_id').notNull(),
		cohort: date('cohort', { mode: 'string' }).notNull(),
		month: date('month', { mode: 'string' }).notNull(),
		people: integer('people').notNull()
	},
	(table) => [
		primaryKey({
			columns: [table.area, table.country, table.groupId, table.cohort, table.month]
		})
	]
);

/**
 * Per person and area (and '*'): contributions in the 12, 26 and 52 weeks ending with the week
 * of metric_recent_as_of (the dashboard's preset periods), moved on by metric_recent_roll
 * (drizzle/0009_metrics_absence.sql), with the person's filter keys while active; every change
 * of a row is carried into metric_recent_histogram by a statement trigger (0015).
 */
export const metricPersonRecent = pgTable(
	'metric_person_recent',
	{
		personId: uuid('person_id').notNull(),
		area: text('area').notNull(),
		/** The person's country while active. */
		country: text('country'),
		/** The groups the person is a member of while active. */
		groups: uuid('groups')
			.array()
			.notNull()
			.default(sql`'{}'`),
		c12: integer('c12').notNull(),
		c26: integer('c26').notNull(),
		c52: integer('c52').notNull()
	},
	(table) => [primaryKey({ columns: [table.personId, table.area] })]
);

/**
 * The absence factor's histogram: per filter (area, country, group as in metric_counts) and
 * preset period (12, 26 or 52 weeks), how many people made exactly `contributions` in it; the
 * factor walks it from the busiest down (metric_absence_top), a few hundred rows at most.
 */
export const metricRecentHistogram = pgTable(
	'metric_recent_histogram',
	{
		area: text('area').notNull(),
		country: text('country').notNull(),
		groupId: uuid('group_id').notNull(),
		weeks: integer('weeks').notNull(),
		contributions: integer('contributions').notNull(),
		people: integer('people').notNull()
	},
	(table) => [
		primaryKey({
			columns: [table.area, table.country, table.groupId, table.weeks, table.contributions]
		})
	]
);

/** The Monday metric_person_recent's periods end with (one row). */
export const metricRecentAsOf = pgTable('metric_recent_as_of', {
	week: date('week', { mode: 'string' }).primaryKey()
});

/** Per event and filter: registrations (status registered) and check-ins. */
export const metricEventPeople = pgTable(
	'metric_event_people',
	{
		eventId: uuid('event_id').notNull(),
		country: text('country').notNull(),
		groupId: uuid('group_id').notNull(),
		registrations: integer('registrations').notNull(),
		checkIns: integer('check_ins').notNull()
	},
	(table) => [primaryKey({ columns: [table.eventId, table.country, table.groupId] })]
);
