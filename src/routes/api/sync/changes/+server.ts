import { openDatabaseHandle } from '$lib/server/db';
import { jsonError, requireActor } from '$lib/server/http';
import { onVersion, startChangeFeed } from '$lib/server/sync/changes';
import type { RequestHandler } from './$types';

/** A comment line every so often keeps proxies and phones from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

/**
 * GET /api/sync/changes: a server-sent event stream of committed versions. It carries no data
 * (a device learns what changed through its scoped pull), only "something changed: pull".
 */
export const GET: RequestHandler = async ({ locals, request }) => {
	requireActor(locals);
	try {
		await startChangeFeed(await openDatabaseHandle());
	} catch {
		return jsonError(503, 'unavailable', 'The change feed is not available right now');
	}
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
			request.signal.addEventListener('abort', () => {
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
};
