import { eq, sql } from 'drizzle-orm';
import type { Transaction } from './create';
import { syncState } from './schema';

/**
 * Take the next server version for this writing transaction. Call it once per transaction and
 * stamp every synced row the transaction writes with the result.
 *
 * The UPDATE holds the sync_state row lock until commit, so versions are handed out and
 * committed in order: a pull that sees version N has every version below N too. A sequence
 * would not do: a slower transaction could commit a lower number after a client pulled past it.
 */
export async function nextVersion(tx: Transaction): Promise<number> {
	const [row] = await tx
		.update(syncState)
		.set({ version: sql`${syncState.version} + 1` })
		.where(eq(syncState.id, 1))
		.returning({ version: syncState.version });
	if (!row)
		throw new Error('sync_state row 1 is missing: was the database opened with createDatabase?');
	return row.version;
}

/** The last committed version visible to this transaction's snapshot. */
export async function currentVersion(tx: Transaction): Promise<number> {
	const [row] = await tx
		.select({ version: syncState.version })
		.from(syncState)
		.where(eq(syncState.id, 1));
	return row?.version ?? 0;
}
