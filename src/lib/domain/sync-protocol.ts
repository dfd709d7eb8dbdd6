/**
 * The wire contract of /api/sync/push and /api/sync/pull, validated with the same schemas on
 * both sides. See docs/architecture.md for the protocol.
 */
import { z } from 'zod';
import {
	awardSchema,
	badgeSchema,
	checkInSchema,
	contributionSchema,
	eventSchema,
	groupSchema,
	membershipSchema,
	nominationSchema,
	personSchema,
	registrationSchema,
	rejectedMutationSchema,
	taxonomyTermSchema
} from './entities';

export const MAX_PUSH_BATCH = 500;
/**
 * A push body stays under this many bytes of JSON, whatever the batch holds (long texts in
 * scripts of three bytes a character): adapter-node refuses bodies over 512 KB by default.
 */
export const MAX_PUSH_BYTES = 256 * 1024;
export const PULL_PAGE_SIZE = 1000;

export const pushedMutationSchema = z.object({
	mutationId: z.number().int().positive(),
	name: z.string().min(1).max(100),
	args: z.unknown(),
	hlc: z.string().min(1).max(100)
});
export type PushedMutation = z.infer<typeof pushedMutationSchema>;

export const pushRequestSchema = z.object({
	deviceId: z.uuid(),
	mutations: z.array(pushedMutationSchema).max(MAX_PUSH_BATCH)
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResponseSchema = z.object({
	/** The highest mutationId of this device the server has processed (applied or rejected). */
	lastMutationId: z.number().int().nonnegative(),
	applied: z.number().int().nonnegative(),
	rejected: z.number().int().nonnegative(),
	/** True when the server stopped at a gap in mutationIds: the client must resend from lastMutationId + 1. */
	gap: z.boolean()
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullRequestSchema = z.object({
	deviceId: z.uuid(),
	/** The server version the device has everything up to; 0 for a fresh device. */
	cursor: z.number().int().nonnegative(),
	limit: z.number().int().min(1).max(5000).optional(),
	/** Also count the rows still to come after this page (for a progress bar; costs a query per table). */
	count: z.boolean().optional()
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

/** The tables a device mirrors, keyed as in Dexie. */
export const pullChangesSchema = z.object({
	people: z.array(personSchema),
	events: z.array(eventSchema),
	registrations: z.array(registrationSchema),
	checkIns: z.array(checkInSchema),
	contributions: z.array(contributionSchema),
	badges: z.array(badgeSchema),
	awards: z.array(awardSchema),
	rejectedMutations: z.array(rejectedMutationSchema),
	groups: z.array(groupSchema),
	memberships: z.array(membershipSchema),
	taxonomyTerms: z.array(taxonomyTermSchema),
	nominations: z.array(nominationSchema)
});
export type PullChanges = z.infer<typeof pullChangesSchema>;
export type SyncedTable = keyof PullChanges;
export const SYNCED_TABLES = Object.keys(pullChangesSchema.shape) as SyncedTable[];

/** A row deleted on the server (a merge, a membership ended): the device deletes it too. */
export const deletionSchema = z.object({
	table: z.enum(SYNCED_TABLES as [SyncedTable, ...SyncedTable[]]),
	/** The row's Dexie key: its id, or [first, second] for a compound key. */
	key: z.union([z.string().min(1).max(100), z.tuple([z.string().max(100), z.string().max(100)])])
});
export type Deletion = z.infer<typeof deletionSchema>;

/** A page's changes with nothing in them. */
export function emptyChanges(): PullChanges {
	return Object.fromEntries(SYNCED_TABLES.map((table) => [table, []])) as unknown as PullChanges;
}

export const pullResponseSchema = z.object({
	/** Pass this back as the next cursor. */
	cursor: z.number().int().nonnegative(),
	/** More pages follow: pull again at once with the new cursor. */
	more: z.boolean(),
	/** The device's cursor was unknown to the server: drop the mirrored tables, then apply. */
	reset: z.boolean(),
	/**
	 * This device's last processed mutationId, read in the same snapshot as the rows. Only
	 * the last page (more = false) may be used to acknowledge outbox entries: only then are
	 * all the rows those mutations wrote delivered.
	 */
	lastMutationId: z.number().int().nonnegative(),
	/** With `count`: rows in scope after this page, in the same snapshot. */
	remaining: z.number().int().nonnegative().optional(),
	/**
	 * Rows deleted in this page's window. The device applies them before `changes`: a row
	 * present in the page was written after any deletion of it, so it stays.
	 */
	deletions: z.array(deletionSchema),
	changes: pullChangesSchema
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** The body of every 4xx/5xx JSON answer. */
export const apiErrorSchema = z.object({
	/** A stable code where the client acts on it (e.g. email_taken). */
	error: z.string().optional(),
	message: z.string()
});
export type ApiError = z.infer<typeof apiErrorSchema>;
