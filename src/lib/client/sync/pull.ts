import type { Actor } from '$lib/domain/actor';
import {
	PULL_PAGE_SIZE,
	SYNCED_TABLES,
	type Deletion,
	type PullResponse
} from '$lib/domain/sync-protocol';
import type { GatherDatabase } from '../db';
import { discardEntry, reapplyEntry, receiveClocks } from '../mutations';
import type { Progress } from './push';
import type { SyncTransport } from './transport';

/**
 * Bring the server's truth down, page by page from the cursor. Each page commits in one
 * Dexie transaction with its cursor, so an interrupted pull resumes where it stopped.
 * The next page is asked for as soon as a page arrives (its answer says where the next one
 * starts) and travels while this one is written: the network and IndexedDB work at once,
 * one request in flight, and pages are still written one after the other, in order.
 * The first page also asks how many rows follow it, for the progress bar; later pages do
 * not (each count costs the server a query per table). Rows committed while the pull runs
 * arrive too: then `done` passes the first estimate and the total grows with it.
 */
export async function pullChanges(
	db: GatherDatabase,
	actor: Actor,
	transport: SyncTransport,
	onProgress?: (progress: Progress) => void
): Promise<number> {
	const deviceId = await db.deviceId();
	const ask = (cursor: number, first: boolean) =>
		transport.pull({
			deviceId,
			cursor,
			limit: PULL_PAGE_SIZE,
			...(first ? { count: true } : {})
		});
	let received = 0;
	let total = 0;
	let next = ask((await db.getMeta('cursor')) ?? 0, true);
	for (let first = true; ; first = false) {
		const page = await next;
		const following = page.more ? ask(page.cursor, false) : null;
		// Its failure is met when it is awaited, after this page; not an unhandled rejection.
		following?.catch(() => {});
		// Not written (a failure): neither is its cursor, and the next pull asks again.
		received += await applyPage(db, actor, deviceId, page);
		if (first) total = received + (page.remaining ?? 0);
		total = Math.max(total, received);
		onProgress?.({ done: received, total });
		if (!following) return received;
		next = following;
	}
}

/** Apply one pulled page; exported for tests and benchmarks. */
export async function applyPage(
	db: GatherDatabase,
	actor: Actor,
	deviceId: string,
	page: PullResponse
): Promise<number> {
	return db.transaction('rw', [...db.mirroredTables, db.outbox, db.meta], async () => {
		if (page.reset) await Promise.all(db.mirroredTables.map((table) => table.clear()));
		// Deletions first: a row in this page was written after any deletion of it.
		// One bulkDelete per table: removing someone from a door can delete thousands of rows.
		const keysByTable = new Map<string, Deletion['key'][]>();
		for (const { table, key } of page.deletions) {
			const keys = keysByTable.get(table);
			if (keys) keys.push(key);
			else keysByTable.set(table, [key]);
		}
		for (const [table, keys] of keysByTable) await db.table(table).bulkDelete(keys);
		let count = page.deletions.length;
		for (const name of SYNCED_TABLES) {
			const rows = page.changes[name];
			if (rows.length === 0) continue;
			count += rows.length;
			await db.table(name).bulkPut(rows);
		}
		const clocks = page.changes.people.flatMap((person) => Object.values(person.fieldClocks));
		if (clocks.length > 0) await receiveClocks(db, deviceId, clocks);
		await db.setMeta('cursor', page.cursor);
		if (!page.more) {
			// Only the last page may acknowledge: every row those mutations wrote is now here.
			const acknowledged = await db.outbox
				.where('mutationId')
				.belowOrEqual(page.lastMutationId)
				.toArray();
			for (const entry of acknowledged) await discardEntry(db, actor, entry);
			await db.outbox.bulkDelete(acknowledged.map((entry) => entry.mutationId));
			// The server's word, either way: behind what it once answered means it lost those
			// writes (a restored database), and the next push resends them (see push.ts).
			const pushedThrough = (await db.getMeta('pushedThrough')) ?? 0;
			if (page.lastMutationId !== pushedThrough)
				await db.setMeta('pushedThrough', page.lastMutationId);
		}
		// Rebase: pending writes go back on top of the server's rows, in the same transaction,
		// so no screen ever shows the stale server state in between.
		const pending = await db.outbox.toArray();
		for (const entry of pending) await reapplyEntry(db, actor, deviceId, entry);
		return count;
	});
}
