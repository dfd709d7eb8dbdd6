import { MAX_PUSH_BATCH, MAX_PUSH_BYTES, type PushedMutation } from '$lib/domain/sync-protocol';
import type { GatherDatabase, OutboxEntry } from '../db';
import type { SyncTransport } from './transport';

/** How far a push or pull has come: `done` of `total` rows or writes. */
export interface Progress {
	done: number;
	total: number;
}

/** The leading mutations whose JSON fits in MAX_PUSH_BYTES (always at least one). */
function withinBytes(entries: OutboxEntry[]): PushedMutation[] {
	const encoder = new TextEncoder();
	const mutations: PushedMutation[] = [];
	let bytes = 0;
	for (const { mutationId, name, args, hlc } of entries) {
		const mutation = { mutationId, name, args, hlc };
		bytes += encoder.encode(JSON.stringify(mutation)).length + 1;
		if (mutations.length > 0 && bytes > MAX_PUSH_BYTES) break;
		mutations.push(mutation);
	}
	return mutations;
}

/**
 * Send the outbox in order, in batches, resuming after what the server already processed.
 * The server applies each mutationId once, so resending after a lost answer is harmless.
 * Entries stay in the outbox until a pull acknowledges them (see pull.ts).
 */
export async function pushOutbox(
	db: GatherDatabase,
	transport: SyncTransport,
	onProgress?: (progress: Progress) => void
): Promise<number> {
	let deviceId = await db.deviceId();
	const start = (await db.getMeta('pushedThrough')) ?? 0;
	// Entries above pushedThrough are never deleted before they are pushed, and mutationIds
	// go up by one, so this count is exactly what this push has to send (writes made while it
	// runs are sent too: then the total grows).
	let total = await db.unpushedCount();
	let pushed = 0;
	// Each round either advances pushedThrough or stops; the bound guards against a server
	// that keeps answering without progress.
	for (let round = 0; round < 1000; round++) {
		const after = (await db.getMeta('pushedThrough')) ?? 0;
		const waiting = await db.outbox
			.where('mutationId')
			.above(after)
			.limit(MAX_PUSH_BATCH)
			.toArray();
		if (waiting.length === 0) return pushed;
		if (round === 0) onProgress?.({ done: 0, total });
		const response = await transport.push({ deviceId, mutations: withinBytes(waiting) });
		const oldest = await db.outbox.orderBy('mutationId').first();
		if (response.gap && oldest && response.lastMutationId + 1 < oldest.mutationId) {
			// The server lost what it had acknowledged (see startAsNewDevice): a gap this device
			// can never fill. Resending forever would only spin.
			deviceId = await db.startAsNewDevice();
			continue;
		}
		await db.setMeta('pushedThrough', response.lastMutationId);
		pushed += response.applied + response.rejected;
		const done = Math.max(0, response.lastMutationId - start);
		total = Math.max(total, done);
		onProgress?.({ done, total });
		if (response.lastMutationId <= after && !response.gap) return pushed;
	}
	return pushed;
}
