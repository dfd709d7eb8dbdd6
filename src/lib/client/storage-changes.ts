/**
 * What a committed write touched, read from Dexie's `storagemutated` event (the one liveQuery
 * is built on; it fires for this tab's writes and, through BroadcastChannel, for other tabs').
 * The indexes kept in memory (directory.ts, door.ts) read again only the rows it names.
 */
import { cmp, RangeSet, type IntervalTree, type ObservabilitySet } from 'dexie';

/**
 * The keys of `table` in the database `databaseName` that the writes put or deleted, or 'all'
 * when one touched a range of keys (a clear), after which every row is to be read again.
 */
export function touchedKeys(
	parts: ObservabilitySet,
	databaseName: string,
	table: string
): unknown[] | 'all' {
	const keys: unknown[] = [];
	const prefix = `idb://${databaseName}/${table}/`;
	for (const part of [prefix, `${prefix}:dels`]) {
		const tree: IntervalTree | undefined = parts[part];
		if (!tree) continue;
		for (const range of RangeSet(tree)) {
			if (cmp(range.from, range.to) !== 0) return 'all';
			keys.push(range.from);
		}
	}
	return keys;
}
