/**
 * The admin people endpoints' bodies and answers (/api/admin/duplicates, merge, merges,
 * import), one zod schema each, used by the server to answer and by the screens to read.
 */
import { z } from 'zod';

const id = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** What an admin needs to tell two records apart and pick the one to keep. */
export const personSummarySchema = z.object({
	id,
	displayName: z.string(),
	email: z.string().nullable(),
	city: z.string().nullable(),
	country: z.string().nullable(),
	roles: z.array(z.string()),
	createdAt: timestamp,
	activity: z.object({
		contributions: count,
		checkIns: count,
		awards: count,
		memberships: count,
		registrations: count,
		passkeys: count
	})
});
export type PersonSummary = z.infer<typeof personSummarySchema>;

/** Why two people look like one: the same mailbox, or similar names in the same city. */
export const DUPLICATE_REASONS = ['email', 'name'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export const duplicatePairSchema = z.object({
	a: personSummarySchema,
	b: personSummarySchema,
	reasons: z.array(z.enum(DUPLICATE_REASONS)).min(1),
	/** Trigram similarity of the names (0–1) when they were compared; null otherwise. */
	similarity: z.number().min(0).max(1).nullable()
});
export type DuplicatePair = z.infer<typeof duplicatePairSchema>;

export const duplicatesAnswerSchema = z.object({
	pairs: z.array(duplicatePairSchema),
	/** More pairs were found than one answer lists: merge some and look again. */
	truncated: z.boolean()
});
export type DuplicatesAnswer = z.infer<typeof duplicatesAnswerSchema>;

export const mergeRequestSchema = z.object({ survivorId: id, mergedId: id });

/** Why a merge was refused; each has a translated message. */
export const MERGE_REFUSALS = [
	'same_person',
	'not_found',
	'survivor_inactive',
	'merged_inactive'
] as const;
export type MergeRefusal = (typeof MERGE_REFUSALS)[number];

/** What a merge moved or folded, by kind of row (the keys of `moved`). */
export const MERGE_COUNTS = [
	'contributions',
	'checkIns',
	'checkInsFolded',
	'awards',
	'awardsFolded',
	'memberships',
	'membershipsFolded',
	'registrations',
	'registrationsFolded',
	'passkeys',
	'sessions',
	'devices',
	'recoveryCodes',
	'emailTokens',
	'rejectedMutations',
	'eventsOrganized',
	'awardsGiven',
	'checkInsRecorded',
	'earlierMerges'
] as const;
export type MergeCount = (typeof MERGE_COUNTS)[number];
export type MergeCounts = Record<MergeCount, number>;

/** One merge as the log shows it; a name is '' for a person who has since deleted their account. */
export const mergeLogEntrySchema = z.object({
	id,
	createdAt: timestamp,
	survivor: z.object({ id, displayName: z.string() }),
	/** The merged person as they were just before the merge. */
	merged: z.object({ id, displayName: z.string(), email: z.string().nullable() }),
	mergedBy: z.object({ id, displayName: z.string() }).nullable(),
	moved: z.record(z.string(), count),
	/** The survivor's empty profile fields filled from the merged person. */
	filled: z.array(z.string())
});
export type MergeLogEntry = z.infer<typeof mergeLogEntrySchema>;

export const mergeAnswerSchema = z.object({ merge: mergeLogEntrySchema });
export const mergesAnswerSchema = z.object({ merges: z.array(mergeLogEntrySchema) });

/** Limits of one CSV import. */
export const IMPORT_MAX_BYTES = 2_000_000;
export const IMPORT_MAX_ROWS = 10_000;

/** The columns an import reads (header names are matched case-insensitively, with aliases). */
export const IMPORT_COLUMNS = [
	'email',
	'displayName',
	'pronouns',
	'city',
	'country',
	'languages',
	'skills'
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/**
 * What a row does: a new person; fills an existing person's empty fields (their email as
 * written); nothing new for them; folds into a person whose mailbox is the same but spelled
 * differently, or into an earlier row of the file with the same mailbox; or nothing (errors).
 */
export const IMPORT_ACTIONS = ['create', 'update', 'unchanged', 'merge', 'error'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

export const IMPORT_ROW_ERRORS = [
	'column_count',
	'email_missing',
	'email_invalid',
	'email_unavailable',
	'name_missing',
	'country_unknown',
	'language_invalid',
	'too_long',
	'too_many',
	'nul'
] as const;

export const importRowErrorSchema = z.object({
	code: z.enum(IMPORT_ROW_ERRORS),
	column: z.enum(IMPORT_COLUMNS).nullable(),
	/** The offending value (a country, a language tag), when there is one to show. */
	value: z.string().optional(),
	/** For too_long and too_many: the limit; for column_count: the expected count. */
	limit: z.number().int().optional(),
	/** For column_count: how many columns the row had. */
	found: z.number().int().optional()
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

export const importChangeSchema = z.object({
	field: z.enum(IMPORT_COLUMNS),
	/** The new value as it reads (lists joined with ", "). */
	value: z.string()
});
export type ImportChange = z.infer<typeof importChangeSchema>;

export const importRowSchema = z.object({
	/** The row's number in the file as a spreadsheet shows it: the header is row 1. */
	row: z.number().int().min(2),
	action: z.enum(IMPORT_ACTIONS),
	email: z.string().nullable(),
	displayName: z.string().nullable(),
	/** The existing person it updates or merges into (null for a new person). */
	target: z.object({ id, displayName: z.string(), email: z.string().nullable() }).nullable(),
	/** For a merge into an earlier row of the same file: that row's number. */
	sameAsRow: z.number().int().nullable(),
	/** The fields this row sets (only empty fields are ever filled). */
	changes: z.array(importChangeSchema),
	errors: z.array(importRowErrorSchema)
});
export type ImportRow = z.infer<typeof importRowSchema>;

export const IMPORT_FILE_ERRORS = [
	'empty',
	'not_text',
	'too_large',
	'too_many_rows',
	'unclosed_quote',
	'malformed',
	'no_email_column',
	'duplicate_column',
	'no_rows'
] as const;

export const importFileErrorSchema = z.object({
	code: z.enum(IMPORT_FILE_ERRORS),
	/** Where the parser gave up (unclosed_quote, malformed). */
	row: z.number().int().optional(),
	/** For too_large (bytes) and too_many_rows. */
	limit: z.number().int().optional(),
	/** For duplicate_column: the header seen twice. */
	column: z.string().optional()
});
export type ImportFileError = z.infer<typeof importFileErrorSchema>;

export const importRequestSchema = z.object({
	csv: z.string(),
	/** false: preview only; true: write the valid rows. */
	apply: z.boolean()
});
export type ImportRequest = z.infer<typeof importRequestSchema>;

export const importAnswerSchema = z.object({
	applied: z.boolean(),
	fileError: importFileErrorSchema.nullable(),
	counts: z.object(
		Object.fromEntries(IMPORT_ACTIONS.map((action) => [action, count])) as {
			[Action in ImportAction]: typeof count;
		}
	),
	/** Header cells that name no column the import knows: their values are not read. */
	ignoredColumns: z.array(z.string()),
	rows: z.array(importRowSchema)
});
export type ImportAnswer = z.infer<typeof importAnswerSchema>;
