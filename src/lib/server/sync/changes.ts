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

/** A comment line every so often keeps proxies and phones from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

// Kept on globalThis like the database handle (db/index.ts): Vite's dev server re-imports
// this module on every change, and each copy would LISTEN again on the same connection.
const FEED_KEY = Symbol.for('gather.changeFeed');
type Feed = { listeners: Set<Listener>; listening: Promise<unknown> | null };
const holder = globalThis as typeof globalThis & { [FEED_KEY]?: Feed };
const feed: Feed = (holder[FEED_KEY] ??= { listeners: new Set(), listening: null });

/** Queue the notification of `version`; PostgreSQL delivers it when the transaction commits. */
export async function notifyVersion(tx: Transaction, version: number): Promise<void> {
	await tx.execute(sql`select pg_notify(${CHANNEL}, ${String(version)})`);
}

/** LISTEN on the database once per process. A failure is not remembered: the next call retries. */
export function startChangeFeed(handle: DatabaseHandle): Promise<unknown> {
	feed.listening ??= handle
		.listen(CHANNEL, (payload) => {
			const version = Number(payload);
			if (!Number.isSafeInteger(version)) return;
			for (const listener of feed.listeners) listener(version);
		})
		.catch((failure: unknown) => {
			feed.listening = null;
			throw failure;
		});
	return feed.listening;
}

/** Listen for committed versions; returns the function that stops listening. */
export function onVersion(listener: Listener): () => void {
	feed.listeners.add(listener);
	return () => feed.listeners.delete(listener);
}

/** The server-sent event stream of one device: `event: version` per commit, until it hangs up. */
export function versionStream(signal: AbortSignal): Response {
	const encoder = new TextEncoder();
	let stop = () => {};
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					stop();
				}
			};
			const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
			const unsubscribe = onVersion((version) => send(`event: version\ndata: ${version}\n\n`));
			stop = () => {
				clearInterval(heartbeat);
				unsubscribe();
			};
			signal.addEventListener('abort', () => {
				stop();
				try {
					controller.close();
				} catch {
					// already closed
				}
			});
			send('retry: 5000\n\n');
		},
		cancel() {
			stop();
		}
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/event-stream',
			'cache-control': 'no-store',
			connection: 'keep-alive'
		}
	});
}
