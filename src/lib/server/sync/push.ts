/**
 * POST /api/sync/push: apply a device's outbox, in order, exactly once.
 */
import { eq } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { isTooFarAhead } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import {
	isMutationName,
	mutations,
	prepareMutation,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import type { PushedMutation, PushRequest, PushResponse } from '$lib/domain/sync-protocol';
import type { Database, Transaction } from '$lib/server/db';
import { devices, rejectedMutations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { serverMutations, type ServerMutation } from './apply';
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
 * Register the device to the actor on first sight, mark it seen and lock its row for this
 * transaction, in one statement: `ON CONFLICT DO UPDATE` locks the conflicting row even when
 * its WHERE (the owner is the actor) is false, and then returns nothing. Returns the device's
 * lastMutationId; throws DeviceOwnershipError when another person owns it.
 */
async function lockDevice(
	tx: Transaction,
	actor: Actor,
	deviceId: string,
	now: Date
): Promise<number> {
	const [row] = await tx
		.insert(devices)
		.values({ id: deviceId, personId: actor.personId, lastMutationId: 0, lastSeenAt: now })
		.onConflictDoUpdate({
			target: devices.id,
			set: { lastSeenAt: now },
			setWhere: eq(devices.personId, actor.personId)
		})
		.returning({ lastMutationId: devices.lastMutationId });
	if (!row) throw new DeviceOwnershipError(deviceId);
	return row.lastMutationId;
}

type Applicable = { name: MutationName; args: unknown; context: MutationContext };
/** A mutation ready to apply: its arguments passed the registry, or the reason they did not. */
type Prepared = Applicable | { rejection: MutationRejected };

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
		return { name: mutation.name, args, context };
	} catch (failure) {
		if (failure instanceof MutationRejected) return { rejection: failure };
		throw failure;
	}
}

/** The PostgreSQL error code (SQLSTATE) behind a failure, through Drizzle's wrapping. */
function sqlState(failure: unknown): string | null {
	for (let cause = failure; cause instanceof Error; cause = cause.cause) {
		const code = (cause as { code?: unknown }).code;
		if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
	}
	return null;
}

/**
 * The rejection a failure stands for, or null when it is not the mutation's fault (the
 * database is down: the batch is retried). Data the database itself refuses (class 22, a
 * value it cannot store; class 23, a broken constraint) is the mutation's fault: refused,
 * never retried forever.
 */
function asRejection(failure: unknown): MutationRejected | null {
	if (failure instanceof MutationRejected) return failure;
	const state = sqlState(failure);
	if (state?.startsWith('22') || state?.startsWith('23'))
		return new MutationRejected('invalid', `the database refused it (${state})`);
	return null;
}

/**
 * Apply prepared mutations in order, inside the batch's transaction. Each runs in a savepoint,
 * so a refusal rolls back only its own writes; a run of a mutation with `applyMany` goes in
 * one statement, falling back to one at a time (which finds the culprit) if that fails.
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
		const server = serverMutations[first.name] as ServerMutation<MutationName>;
		let end = index + 1;
		while (server.applyMany && end < prepared.length) {
			const next = prepared[end];
			if ('rejection' in next || next.name !== first.name) break;
			end += 1;
		}
		const run = prepared.slice(index, end) as Applicable[];
		index = end;
		if (server.applyMany && run.length > 1) {
			const applyMany = server.applyMany.bind(server);
			const many = await tx
				.transaction((savepoint) => applyMany(savepoint, run as never, version))
				.catch(() => null);
			if (many) {
				outcomes.push(...many);
				continue;
			}
		}
		for (const item of run) outcomes.push(await applyOne(tx, server, item, version));
	}
	return outcomes;
}

async function applyOne(
	tx: Transaction,
	server: ServerMutation<MutationName>,
	item: Applicable,
	version: number
): Promise<MutationRejected | null> {
	try {
		await tx.transaction((savepoint) =>
			server.apply(savepoint, item.args as never, item.context, version)
		);
		return null;
	} catch (failure) {
		const rejection = asRejection(failure);
		if (!rejection) throw failure;
		return rejection;
	}
}

/** Text PostgreSQL can store: NUL (U+0000) is refused in text and jsonb alike. */
function storable(text: string): string {
	return text.replaceAll('\u0000', '\uFFFD');
}

/** Keep a refused write as sent, minus what the database cannot store. */
async function keepRejected(
	tx: Transaction,
	actor: Actor,
	deviceId: string,
	rejected: { mutation: PushedMutation; rejection: MutationRejected }[],
	at: Date,
	version: number
): Promise<void> {
	await tx.insert(rejectedMutations).values(
		rejected.map(({ mutation, rejection }) => ({
			id: newId(),
			personId: actor.personId,
			deviceId,
			mutationId: mutation.mutationId,
			name: storable(mutation.name),
			args:
				mutation.args === undefined
					? null
					: (JSON.parse(JSON.stringify(mutation.args), (_key, value: unknown) =>
							typeof value === 'string' ? storable(value) : value
						) as unknown),
			reason: rejection.reason,
			detail: rejection.detail ? storable(rejection.detail).slice(0, MAX_DETAIL) : null,
			rejectedAt: at,
			version
		}))
	);
	for (const { mutation } of rejected) {
		if (!isMutationName(mutation.name)) continue;
		const args = mutations[mutation.name].args.safeParse(mutation.args);
		const server = serverMutations[mutation.name] as ServerMutation<MutationName>;
		if (args.success) await server.touch(tx, args.data as never, version, actor);
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
	return db.transaction(async (tx) => {
		const at = now();
		const last = await lockDevice(tx, actor, request.deviceId, new Date(at));
		const response: PushResponse = { lastMutationId: last, applied: 0, rejected: 0, gap: false };
		let expected = last + 1;
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
		if (todo.length === 0) return response;

		const prepared = todo.map((mutation) => prepare(actor, request.deviceId, mutation, at));
		const version = await nextVersion(tx);
		const outcomes = await applyAll(tx, prepared, version);
		const rejected = outcomes.flatMap((rejection, index) =>
			rejection ? [{ mutation: todo[index], rejection }] : []
		);
		if (rejected.length > 0)
			await keepRejected(tx, actor, request.deviceId, rejected, new Date(at), version);
		response.lastMutationId = expected - 1;
		await tx
			.update(devices)
			.set({ lastMutationId: response.lastMutationId })
			.where(eq(devices.id, request.deviceId));
		await notifyVersion(tx, version);
		response.rejected = rejected.length;
		response.applied = todo.length - rejected.length;
		return response;
	});
}
