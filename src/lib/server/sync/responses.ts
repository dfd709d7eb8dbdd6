import { jsonError } from '$lib/server/http';
import { DeviceOwnershipError } from './push';

/**
 * The answer to a sync request that failed after validation: 403 for someone else's device
 * (retrying cannot help), otherwise 503 so the device keeps its outbox and retries later.
 */
export function syncFailure(operation: 'push' | 'pull', failure: unknown): Response {
	if (failure instanceof DeviceOwnershipError)
		return jsonError(403, 'device_owned', 'This device is registered to another person');
	console.error(`sync ${operation} failed`, failure);
	return jsonError(503, 'unavailable', 'Sync is unavailable right now; it will retry');
}
