/**
 * The change feed: every committed push NOTIFYs the version it wrote on one PostgreSQL channel
 * (inside its transaction, so the notification is delivered only on commit). Each app server
 * LISTENs once and passes versions on to its open `/api/sync/changes` streams, so online
 * devices pull at once instead of waiting for their timer — whichever app server took the push.
 * PGlite supports LISTEN/NOTIFY within its one process, so the same code runs on both.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, Transaction } from '$lib/server/db';

const CHANNEL = 'gather_versions';

type Listener = (version: number) => void;

const listeners = new Set<Listener>();
let listening: Promise<unknown> | null = null;

/** Queue the notification of `version`; PostgreSQL delivers it when the transaction commits. */
export async function notifyVersion(tx: Transaction, version: number): Promise<void> {
	await tx.execute(sql`select pg_notify(${CHANNEL}, ${String(version)})`);
}

/** LISTEN on the database once per process. A failure is not remembered: the next call retries. */
export function startChangeFeed(handle: DatabaseHandle): Promise<unknown> {
	listening ??= handle
		.listen(CHANNEL, (payload) => {
			const version = Number(payload);
			if (!Number.isSafeInteger(version)) return;
			for (const listener of listeners) listener(version);
		})
		.catch((failure: unknown) => {
			listening = null;
			throw failure;
		});
	return listening;
}

/** Listen for committed versions; returns the function that stops listening. */
export function onVersion(listener: Listener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}
