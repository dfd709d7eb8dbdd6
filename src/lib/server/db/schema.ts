/**
 * The server's tables: one Drizzle schema for PGlite and PostgreSQL alike.
 * Every table a device mirrors carries `version`: the server version of the transaction that
 * last wrote the row (see sync/versions.ts). Pull pages through rows by version.
 */
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
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
import {
	EVENT_VISIBILITY,
	REGISTRATION_STATUS,
	REJECTION_REASONS,
	type ProfileField
} from '$lib/domain/entities';

const version = () => bigint('version', { mode: 'number' }).notNull();
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
		city: text('city'),
		country: text('country'),
		roles: text('roles')
			.array()
			.notNull()
			.default(sql`'{member}'::text[]`),
		/** Per profile field, the hybrid logical clock of the write that set it (last writer wins). */
		fieldClocks: jsonb('field_clocks')
			.$type<Partial<Record<ProfileField, string>>>()
			.notNull()
			.default({}),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		uniqueIndex('people_email_key').on(table.email),
		index('people_version_idx').on(table.version)
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
		onlineLink: text('online_link'),
		area: text('area'),
		capacity: integer('capacity'),
		visibility: text('visibility', { enum: EVENT_VISIBILITY }).notNull(),
		organizerIds: uuid('organizer_ids')
			.array()
			.notNull()
			.default(sql`'{}'::uuid[]`),
		cancelled: boolean('cancelled').notNull().default(false),
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
		ticketCode: text('ticket_code').notNull(),
		createdAt: createdAt(),
		version: version()
	},
	(table) => [
		uniqueIndex('registrations_event_person_key').on(table.eventId, table.personId),
		index('registrations_version_idx').on(table.version)
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
		deviceIds: uuid('device_ids').array().notNull(),
		recordedBy: uuid('recorded_by').notNull(),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.eventId, table.personId] }),
		index('check_ins_version_idx').on(table.version)
	]
);

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
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		/** Where it was written: the device and its mutationId (for audit and idempotency checks). */
		deviceId: uuid('device_id'),
		mutationId: bigint('mutation_id', { mode: 'number' }),
		version: version()
	},
	(table) => [
		index('contributions_person_idx').on(table.personId, table.happenedOn),
		index('contributions_version_idx').on(table.version)
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
		imageUrl: text('image_url'),
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
		badgeId: uuid('badge_id')
			.notNull()
			.references(() => badges.id, { onDelete: 'cascade' }),
		personId: uuid('person_id')
			.notNull()
			.references(() => people.id, { onDelete: 'cascade' }),
		awardedAt: timestamp('awarded_at', { withTimezone: true }).notNull(),
		awardedBy: uuid('awarded_by'),
		evidence: text('evidence'),
		version: version()
	},
	(table) => [
		primaryKey({ columns: [table.badgeId, table.personId] }),
		index('awards_version_idx').on(table.version)
	]
);

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
