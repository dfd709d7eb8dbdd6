/** Undoing a refused write on the device (the appliers' `discard`, mutations.ts). */
import type { Table } from 'dexie';

/**
 * Take away a row this device wrote and the server never confirmed (version 0), after the
 * server refused the write that made it; a row the server had is re-sent by it, so it stays.
 */
export async function discardUnconfirmed<Row extends { version: number }, Key>(
	table: Table<Row, Key>,
	key: NoInfer<Key>
): Promise<void> {
	const row = await table.get(key);
	if (row && row.version === 0) await table.delete(key);
}
