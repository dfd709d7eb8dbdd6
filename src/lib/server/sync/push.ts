/**
 * POST /api/sync/push: apply a device's outbox, in order, exactly once.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import { isTooFarAhead } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import {
	isMutationName,
	prepareMutation,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import type { PushedMutation, PushRequest, PushResponse } from '$lib/domain/sync-protocol';
import type { Database, Transaction } from '$lib/server/db';
import { devices, rejectedMutations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { batchAppliers, serverAppliers, touchAfterRejection, type ServerApplier } from './apply';
import { notifyVersion } from './changes';

/** The device id is registered to someone else: the endpoint answers 403. */
export class DeviceOwnershipError extends Error {
	constructor(readonly deviceId: string) {
		super(`Device ${deviceId} belongs to another person`);
		this.name = 'DeviceOwnershipError';
	}
}

/** Longest detail kept with a rejection (the entity schema's limit). */
const MAX_DETAIL = 1000;

/**
 * Register the device to the actor on first sight and mark it seen. Returns its
 * lastMutationId; throws DeviceOwnershipError when another person owns it.
 */
async function registerDevice(db: Database, actor: Actor, deviceId: string): Promise<number> {
	const rows = await db
		.insert(devices)
		.values({ id: deviceId, personId: actor.personId, lastMutationId: 0 })
		.onConflictDoUpdate({
			target: devices.id,
			set: { lastSeenAt: sql`now()` },
			// Only the owner's own device is touched; no row back means someone else's.
			setWhere: eq(devices.personId, actor.personId)
		})
		.returning({ lastMutationId: devices.lastMutationId });
	const [row] = rows;
	if (!row) throw new DeviceOwnershipError(deviceId);
	return row.lastMutationId;
}

/** A mutation ready to apply: its arguments passed the registry, or the reason they did not. */
type Prepared =
	| { mutation: PushedMutation; name: MutationName; args: unknown; context: MutationContext }
	| { mutation: PushedMutation; rejection: MutationRejected };

function prepare(actor: Actor, deviceId: string, mutation: PushedMutation, now: number): Prepared {
	const context: MutationContext = {
		actor,
		deviceId,
		mutationId: mutation.mutationId,
		hlc: mutation.hlc
	};
	try {
		if (isTooFarAhead(mutation.hlc, now))
			throw new MutationRejected('clock', 'more than 5 minutes ahead of the server');
		if (!isMutationName(mutation.name))
			throw new MutationRejected('unknown', `no mutation named ${mutation.name}`);
		const args = prepareMutation(mutation.name, mutation.args, context);
		return { mutation, name: mutation.name, args, context };
	} catch (failure) {
		const rejection = asRejection(failure);
		if (!rejection) throw failure;
		return { mutation, rejection };
	}
}

/** The rejection a failure stands for, or null when it is not the mutation's fault. */
function asRejection(failure: unknown): MutationRejected | null {
	if (failure instanceof MutationRejected) return failure;
	if (failure instanceof z.ZodError)
		return new MutationRejected('invalid', z.prettifyError(failure));
	return null;
}

/**
 * Apply prepared mutations in order, inside the batch's transaction. Each runs in a savepoint,
 * so a refusal rolls back only its own writes; runs of a batchable mutation (batchAppliers)
 * go in one statement, falling back to one at a time if that statement fails.
 * Returns, per mutation, null when applied or the rejection.
 */
async function applyAll(
	tx: Transaction,
	prepared: Prepared[],
	version: number
): Promise<(MutationRejected | null)[]> {
	const outcomes: (MutationRejected | null)[] = [];
	let index = 0;
	while (index < prepared.length) {
		const first = prepared[index];
		if ('rejection' in first) {
			outcomes.push(first.rejection);
			index += 1;
			continue;
		}
		const batch = batchAppliers[first.name] as BatchApplier | undefined;
		let end = index + 1;
		if (batch) {
			while (end < prepared.length) {
				const next = prepared[end];
				if ('rejection' in next || next.name !== first.name) break;
				end += 1;
			}
		}
		const run = prepared.slice(index, end) as Extract<Prepared, { name: MutationName }>[];
		if (batch && run.length > 1) {
			try {
				outcomes.push(...(await tx.transaction((savepoint) => batch(savepoint, run, version))));
				index = end;
				continue;
			} catch {
				// Something in the run broke the statement: find it by applying one at a time.
			}
		}
		for (const item of run) outcomes.push(await applyOne(tx, item, version));
		index = end;
	}
	return outcomes;
}

type BatchApplier = (
	tx: Transaction,
	items: { args: unknown; context: MutationContext }[],
	version: number
) => Promise<(MutationRejected | null)[]>;

async function applyOne(
	tx: Transaction,
	item: Extract<Prepared, { name: MutationName }>,
	version: number
): Promise<MutationRejected | null> {
	const applier = serverAppliers[item.name] as ServerApplier<MutationName>;
	try {
		await tx.transaction((savepoint) =>
			applier(savepoint, item.args as never, item.context, version)
		);
		return null;
	} catch (failure) {
		const rejection = asRejection(failure);
		if (!rejection) throw failure;
		return rejection;
	}
}

/**
 * Apply a pushed batch in order, in one transaction with one version. Already-applied
 * mutations are skipped, so a replayed batch changes nothing; the batch stops at a gap. A
 * refused mutation is rolled back, kept in rejected_mutations with its reason, and still
 * acknowledged. Unexpected failures (the database is down) roll the whole batch back and
 * propagate: the endpoint answers 503 and the device resends what was not acknowledged.
 * The device row is locked for the transaction, so two tabs or a retried request pushing the
 * same batch at once still apply each mutationId once.
 */
export async function handlePush(
	db: Database,
	actor: Actor,
	request: PushRequest,
	now: () => number = Date.now
): Promise<PushResponse> {
	const registered = await registerDevice(db, actor, request.deviceId);
	const response: PushResponse = {
		lastMutationId: registered,
		applied: 0,
		rejected: 0,
		gap: false
	};
	if (request.mutations.length === 0) return response;
	await db.transaction(async (tx) => {
		const [device] = await tx
			.select({ personId: devices.personId, lastMutationId: devices.lastMutationId })
			.from(devices)
			.where(eq(devices.id, request.deviceId))
			.for('update');
		if (!device || device.personId !== actor.personId)
			throw new DeviceOwnershipError(request.deviceId);
		let expected = device.lastMutationId + 1;
		const todo: PushedMutation[] = [];
		for (const mutation of request.mutations) {
			if (mutation.mutationId < expected) continue;
			if (mutation.mutationId > expected) {
				response.gap = true;
				break;
			}
			todo.push(mutation);
			expected += 1;
		}
		response.lastMutationId = expected - 1;
		if (todo.length === 0) return;

		const at = now();
		const prepared = todo.map((mutation) => prepare(actor, request.deviceId, mutation, at));
		const version = await nextVersion(tx);
		const outcomes = await applyAll(tx, prepared, version);
		const rejected = outcomes.flatMap((rejection, index) =>
			rejection ? [{ mutation: todo[index], rejection }] : []
		);
		if (rejected.length > 0) {
			await tx.insert(rejectedMutations).values(
				rejected.map(({ mutation, rejection }) => ({
					id: newId(),
					personId: actor.personId,
					deviceId: request.deviceId,
					mutationId: mutation.mutationId,
					name: mutation.name.slice(0, 100),
					args: mutation.args ?? null,
					reason: rejection.reason,
					detail: rejection.detail?.slice(0, MAX_DETAIL) ?? null,
					rejectedAt: new Date(at),
					version
				}))
			);
			for (const { mutation } of rejected)
				if (isMutationName(mutation.name))
					await touchAfterRejection(tx, mutation.name, mutation.args, version);
		}
		await tx
			.update(devices)
			.set({ lastMutationId: response.lastMutationId, lastSeenAt: new Date(at) })
			.where(eq(devices.id, request.deviceId));
		await notifyVersion(tx, version);
		response.rejected = rejected.length;
		response.applied = todo.length - rejected.length;
	});
	return response;
}
