/**
 * Server push throughput, in-process: handlePush with batches of 500 contribution.log, beside
 * the bare batched INSERT of the same rows (one multi-row drizzle insert per 500 rows, same
 * table). Batches of the two alternate, so drift during the run hits both alike.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import { AREAS, LOGGED_ACTIVITY_TYPES } from '$lib/domain/taxonomy';
import type { Database } from '$lib/server/db';
import { contributions, people } from '$lib/server/db/schema';
import { handlePush } from '$lib/server/sync/push';

export const PUSH_BATCH = 500;

export interface PushResult {
	mutations: number;
	pushMs: number;
	bareMs: number;
	/** Per batch, for the spread. */
	pushBatches: number[];
	bareBatches: number[];
	database: string;
}

function args(index: number, today: string) {
	return {
		id: newId(),
		area: AREAS[index % AREAS.length],
		activityType: LOGGED_ACTIVITY_TYPES[index % LOGGED_ACTIVITY_TYPES.length],
		description: `Pushed contribution number ${index}: reviewed translations and docs`,
		happenedOn: today,
		link: index % 3 === 0 ? `https://example.org/contributions/${index}` : null
	};
}

function batchOf(firstMutationId: number, node: string): PushedMutation[] {
	const today = new Date().toISOString().slice(0, 10);
	const now = Date.now();
	return Array.from({ length: PUSH_BATCH }, (_, offset) => ({
		mutationId: firstMutationId + offset,
		name: 'contribution.log',
		args: args(firstMutationId + offset, today),
		hlc: encodeHlc({ millis: now, counter: offset, node })
	}));
}

/** The rows the contribution applier writes for a batch, with fresh ids (a bare insert, no checks). */
function bareRows(batch: PushedMutation[], personId: string, deviceId: string) {
	return batch.map((mutation) => ({
		...(mutation.args as ReturnType<typeof args>),
		id: newId(),
		personId,
		eventId: null,
		createdAt: new Date(),
		deviceId,
		mutationId: mutation.mutationId,
		version: 1
	}));
}

async function pushOnce(db: Database, actor: Actor, deviceId: string, batch: PushedMutation[]) {
	const response = await handlePush(db, actor, { deviceId, mutations: batch });
	if (response.applied !== batch.length || response.gap)
		throw new Error(`push applied ${response.applied} of ${batch.length}`);
}

export async function benchmarkPush(
	db: Database,
	database: string,
	batches: number
): Promise<PushResult> {
	const personId = newId();
	await db.insert(people).values({
		id: personId,
		displayName: 'Bench pusher',
		email: null,
		roles: ['member'],
		version: 0
	});
	const actor: Actor = { personId, roles: ['member'] };
	const node = personId.slice(0, 8);

	// Warm-up: JIT, statement plans, the table's first pages.
	const warmDevice = crypto.randomUUID();
	for (let warm = 0; warm < 2; warm += 1) {
		const batch = batchOf(1 + warm * PUSH_BATCH, node);
		await pushOnce(db, actor, warmDevice, batch);
		await db.insert(contributions).values(bareRows(batch, personId, warmDevice));
	}

	const deviceId = crypto.randomUUID();
	const plans = Array.from({ length: batches }, (_, index) =>
		batchOf(1 + index * PUSH_BATCH, node)
	);
	const result: PushResult = {
		mutations: batches * PUSH_BATCH,
		pushMs: 0,
		bareMs: 0,
		pushBatches: [],
		bareBatches: [],
		database
	};
	for (const batch of plans) {
		const rows = bareRows(batch, personId, deviceId);
		let started = performance.now();
		await db.insert(contributions).values(rows);
		const bare = performance.now() - started;
		started = performance.now();
		await pushOnce(db, actor, deviceId, batch);
		const push = performance.now() - started;
		result.bareBatches.push(bare);
		result.pushBatches.push(push);
		result.bareMs += bare;
		result.pushMs += push;
	}
	const [{ total }] = await db
		.select({ total: sql<number>`count(*)::int` })
		.from(contributions)
		.where(sql`${contributions.personId} = ${personId}`);
	if (total !== (batches + 2) * PUSH_BATCH * 2)
		throw new Error(`expected ${(batches + 2) * PUSH_BATCH * 2} rows, found ${total}`);
	return result;
}
