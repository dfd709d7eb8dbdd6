/**
 * POST /api/sync/push: apply a device's outbox, in order, exactly once.
 * One database transaction per mutation, holding the device row lock, so two tabs or a retried
 * request pushing the same batch concurrently still apply each mutationId once.
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
import { serverAppliers, type ServerApplier } from './apply';

/** The device id is registered to someone else: the endpoint answers 403. */
export class DeviceOwnershipError extends Error {
	constructor(readonly deviceId: string) {
		super(`Device ${deviceId} belongs to another person`);
		this.name = 'DeviceOwnershipError';
	}
}

/** Longest detail kept with a rejection (the entity schema's limit). */
const MAX_DETAIL = 1000;

type Outcome = 'applied' | 'rejected' | 'skipped' | 'gap';

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

async function applyMutation<Name extends MutationName>(
	tx: Transaction,
	name: Name,
	rawArgs: unknown,
	context: MutationContext,
	version: number
): Promise<void> {
	const args = prepareMutation(name, rawArgs, context);
	const applier = serverAppliers[name] as ServerApplier<Name>;
	await applier(tx, args, context, version);
}

/** The rejection a failure stands for, or null when it is not the mutation's fault. */
function asRejection(failure: unknown): MutationRejected | null {
	if (failure instanceof MutationRejected) return failure;
	if (failure instanceof z.ZodError)
		return new MutationRejected('invalid', z.prettifyError(failure));
	return null;
}

async function processMutation(
	tx: Transaction,
	actor: Actor,
	deviceId: string,
	mutation: PushedMutation,
	now: number
): Promise<{ outcome: Outcome; lastMutationId: number }> {
	const [device] = await tx
		.select({ personId: devices.personId, lastMutationId: devices.lastMutationId })
		.from(devices)
		.where(eq(devices.id, deviceId))
		.for('update');
	if (!device || device.personId !== actor.personId) throw new DeviceOwnershipError(deviceId);
	const last = device.lastMutationId;
	if (mutation.mutationId <= last) return { outcome: 'skipped', lastMutationId: last };
	if (mutation.mutationId > last + 1) return { outcome: 'gap', lastMutationId: last };

	const version = await nextVersion(tx);
	const context: MutationContext = {
		actor,
		deviceId,
		mutationId: mutation.mutationId,
		hlc: mutation.hlc
	};
	let outcome: Outcome = 'applied';
	try {
		// A savepoint: a rejected mutation's partial writes vanish, the bookkeeping below stays.
		await tx.transaction(async (savepoint) => {
			if (isTooFarAhead(mutation.hlc, now)) throw new MutationRejected('invalid', 'clock');
			if (!isMutationName(mutation.name))
				throw new MutationRejected('unknown', `no mutation named ${mutation.name}`);
			await applyMutation(savepoint, mutation.name, mutation.args, context, version);
		});
	} catch (failure) {
		const rejection = asRejection(failure);
		if (!rejection) throw failure;
		outcome = 'rejected';
		await tx.insert(rejectedMutations).values({
			id: newId(),
			personId: actor.personId,
			deviceId,
			mutationId: mutation.mutationId,
			name: mutation.name,
			args: mutation.args ?? null,
			reason: rejection.reason,
			detail: rejection.detail?.slice(0, MAX_DETAIL) ?? null,
			rejectedAt: new Date(now),
			version
		});
	}
	await tx
		.update(devices)
		.set({ lastMutationId: mutation.mutationId, lastSeenAt: new Date(now) })
		.where(eq(devices.id, deviceId));
	return { outcome, lastMutationId: mutation.mutationId };
}

/**
 * Apply a pushed batch in order. Already-applied mutations are skipped, so a replayed batch
 * changes nothing; the batch stops at a gap. Unexpected failures (the database is down)
 * propagate: the endpoint answers 503 and the device retries what was not acknowledged.
 */
export async function handlePush(
	db: Database,
	actor: Actor,
	request: PushRequest,
	now: () => number = Date.now
): Promise<PushResponse> {
	const response: PushResponse = {
		lastMutationId: await registerDevice(db, actor, request.deviceId),
		applied: 0,
		rejected: 0,
		gap: false
	};
	for (const mutation of request.mutations) {
		const result = await db.transaction((tx) =>
			processMutation(tx, actor, request.deviceId, mutation, now())
		);
		response.lastMutationId = result.lastMutationId;
		if (result.outcome === 'gap') {
			response.gap = true;
			break;
		}
		if (result.outcome === 'applied') response.applied += 1;
		if (result.outcome === 'rejected') response.rejected += 1;
	}
	return response;
}
