import { openDatabaseHandle } from '$lib/server/db';
import { jsonError, requireActor } from '$lib/server/http';
import { startChangeFeed, versionStream } from '$lib/server/sync/changes';
import type { RequestHandler } from './$types';

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
	return versionStream(request.signal);
};
