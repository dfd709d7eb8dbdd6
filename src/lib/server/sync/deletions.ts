/**
 * Deletions of synced rows, recorded so devices delete their copies: pull sends every deletion
 * in its window (sync-protocol.ts `deletions`) before the page's rows. Whoever deletes a row a
 * device may mirror (a merge, a membership ended, an account deleted) records it here, in the
 * same transaction and with the same version.
 */
import type { SyncedTable } from '$lib/domain/sync-protocol';
import type { Transaction } from '$lib/server/db';
import { deletions } from '$lib/server/db/schema';

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
