/**
 * Deletions of synced rows, recorded so devices delete their copies: pull sends every deletion
 * in its window (sync-protocol.ts `deletions`) before the page's rows. Whoever deletes a row a
 * device may mirror (a merge, a membership ended, an account deleted) records it here, in the
 * same transaction and with the same version; so does whoever narrows who may see a row that
 * stays (restampAudience).
 */
import type { SQL } from 'drizzle-orm';
import type { SyncedTable } from '$lib/domain/sync-protocol';
import type { Transaction } from '$lib/server/db';
import { checkIns, deletions, events, memberships, registrations } from '$lib/server/db/schema';

export type DeletionKey = string | [string, string];

export async function recordDeletions(
	tx: Transaction,
	table: SyncedTable,
	keys: DeletionKey[],
	version: number
): Promise<void> {
	if (keys.length === 0) return;
	await tx.insert(deletions).values(keys.map((key) => ({ tableName: table, key, version })));
}

export function recordDeletion(
	tx: Transaction,
	table: SyncedTable,
	key: DeletionKey,
	version: number
): Promise<void> {
	return recordDeletions(tx, table, [key], version);
}

type Restamp = (tx: Transaction, where: SQL | undefined, version: number) => Promise<DeletionKey[]>;

/** Re-stamp the rows `where` selects, answering their keys as devices hold them. */
const restampers = {
	async events(tx, where, version) {
		const rows = await tx.update(events).set({ version }).where(where).returning({ id: events.id });
		return rows.map((row) => row.id);
	},
	async registrations(tx, where, version) {
		const rows = await tx
			.update(registrations)
			.set({ version })
			.where(where)
			.returning({ id: registrations.id });
		return rows.map((row) => row.id);
	},
	async checkIns(tx, where, version) {
		const rows = await tx
			.update(checkIns)
			.set({ version })
			.where(where)
			.returning({ eventId: checkIns.eventId, personId: checkIns.personId });
		return rows.map((row): DeletionKey => [row.eventId, row.personId]);
	},
	async memberships(tx, where, version) {
		const rows = await tx
			.update(memberships)
			.set({ version })
			.where(where)
			.returning({ groupId: memberships.groupId, personId: memberships.personId });
		return rows.map((row): DeletionKey => [row.groupId, row.personId]);
	}
} satisfies Partial<Record<SyncedTable, Restamp>>;

/**
 * Who may see some rows changed (a new curator or admin, an event's door staff): re-stamp the
 * rows of `table` that `where` selects, so whoever may see them now receives them in their next
 * pull. When someone lost them (`revoke`), each is also recorded as deleted with the same
 * version: a page applies its deletions before its rows and never splits a version, so the
 * devices still allowed get them back in that same page and only the others drop them.
 */
export async function restampAudience(
	tx: Transaction,
	table: keyof typeof restampers,
	where: SQL | undefined,
	version: number,
	{ revoke }: { revoke: boolean }
): Promise<void> {
	const keys = await restampers[table](tx, where, version);
	if (revoke) await recordDeletions(tx, table, keys, version);
}
