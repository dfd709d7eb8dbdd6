/**
 * The device side of the mutation registry (src/lib/domain/mutations.ts): how each mutation
 * applies to Dexie, how its optimistic effects are undone when the server refused it, and
 * `runMutation`, the one way screens write: domain rows, outbox entry and counters commit in
 * a single IndexedDB transaction, or nothing does.
 */
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { canCurate, canJoinGroup } from '$lib/domain/permissions';
import { mergeProfile, type FieldClocks } from '$lib/domain/conflicts';
import {
	MAX_CLOCK_DRIFT_MS,
	decodeHlc,
	encodeHlc,
	receiveHlc,
	tickHlc,
	type Hlc
} from '$lib/domain/hlc';
import {
	mutationTime,
	prepareMutation,
	type MutationArgs,
	type MutationInput,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import { requireLoggable } from '$lib/domain/taxonomy';
import type { GatherDatabase, OutboxEntry } from './db';
import { badgeMutations } from './badge-mutations';
import { contributionMutations } from './contribution-mutations';
import { eventMutations } from './event-mutations';
import { discardUnconfirmed } from './unconfirmed';

export interface LocalMutation<Name extends MutationName> {
	/** Apply on the device. Must be idempotent: it runs again on every rebase until acknowledged. */
	apply(db: GatherDatabase, args: MutationArgs<Name>, context: MutationContext): Promise<void>;
	/**
	 * Undo what `apply` did when the server refused the mutation (its rows never reached the
	 * server). `actor` is the author: some rows are keyed by them (their own membership).
	 */
	discard(db: GatherDatabase, args: MutationArgs<Name>, actor: Actor): Promise<void>;
}

const localMutations: { [Name in MutationName]: LocalMutation<Name> } = {
	...eventMutations,
	...contributionMutations,
	...badgeMutations,
	'contribution.log': {
		async apply(db, args, context) {
			const existing = await db.contributions.get(args.id);
			// Already confirmed by the server: the pulled row is the truth.
			if (existing && existing.version > 0) return;
			if (existing && existing.personId !== context.actor.personId)
				throw new MutationRejected('conflict');
			requireLoggable(await db.taxonomy(), args.area, args.activityType);
			await db.contributions.put({
				...args,
				personId: context.actor.personId,
				createdAt: mutationTime(context),
				editedAt: null,
				verifiedBy: null,
				verifiedAt: null,
				version: 0
			});
		},
		async discard(db, args) {
			await discardUnconfirmed(db.contributions, args.id);
		}
	},
	'profile.update': {
		async apply(db, args, context) {
			const person = await db.people.get(args.personId);
			// Someone this device does not mirror: nothing to show; the server decides.
			if (!person) return;
			// Rows stored before field clocks or privacy existed: every field unset, defaults.
			const merged = mergeProfile(
				{
					fieldClocks: (person.fieldClocks as FieldClocks | undefined) ?? {},
					privacy: { ...DEFAULT_PRIVACY, ...person.privacy }
				},
				args.changes,
				context.hlc
			);
			await db.people.put({
				...person,
				...merged.changes,
				privacy: merged.privacy,
				fieldClocks: merged.clocks
			});
		},
		async discard() {
			// The server re-stamps the person after a refusal: the next pull restores the row.
		}
	},
	'rejection.dismiss': {
		async apply(db, args) {
			await db.rejectedMutations.update(args.id, { dismissed: true });
		},
		async discard() {
			// The next pull carries the server's value of `dismissed`.
		}
	},
	'group.save': {
		async apply(db, args, context) {
			const existing = await db.groups.get(args.id);
			await db.groups.put({
				...args,
				createdAt: existing?.createdAt ?? mutationTime(context),
				version: existing?.version ?? 0
			});
		},
		async discard(db, args) {
			await discardUnconfirmed(db.groups, args.id);
		}
	},
	'group.join': {
		async apply(db, args, context) {
			const group = await db.groups.get(args.groupId);
			if (!group) return; // not mirrored yet: the server decides
			const key: [string, string] = [args.groupId, context.actor.personId];
			if (await db.memberships.get(key)) return;
			if (!canJoinGroup(context.actor, group)) throw new MutationRejected('forbidden');
			await db.memberships.put({
				groupId: args.groupId,
				personId: context.actor.personId,
				status: group.policy === 'open' ? 'member' : 'pending',
				curator: false,
				createdAt: mutationTime(context),
				version: 0
			});
		},
		async discard(db, args, actor) {
			// Only the author's own row: others this device added (a curator's) are theirs to keep.
			await discardUnconfirmed(db.memberships, [args.groupId, actor.personId]);
		}
	},
	'group.leave': {
		async apply(db, args, context) {
			await db.memberships.delete([args.groupId, context.actor.personId]);
		},
		async discard() {
			// A refused leave: the server re-stamps the membership, and the next pull restores it.
		}
	},
	'membership.set': {
		async apply(db, args, context) {
			const curators = await db.memberships
				.where('groupId')
				.equals(args.groupId)
				.filter((row) => row.curator)
				.toArray();
			if (
				!canCurate(
					context.actor,
					curators.map((row) => row.personId)
				)
			)
				throw new MutationRejected('forbidden');
			const key: [string, string] = [args.groupId, args.personId];
			if (args.status === 'removed') {
				await db.memberships.delete(key);
				return;
			}
			const existing = await db.memberships.get(key);
			await db.memberships.put({
				groupId: args.groupId,
				personId: args.personId,
				status: 'member',
				curator: args.curator,
				createdAt: existing?.createdAt ?? mutationTime(context),
				version: existing?.version ?? 0
			});
		},
		async discard(db, args) {
			// A membership the server had is re-stamped after a refusal and comes back with the
			// next pull; one this device added (never on the server) goes.
			await discardUnconfirmed(db.memberships, [args.groupId, args.personId]);
		}
	},
	'person.setRoles': {
		async apply(db, args) {
			await db.people.update(args.personId, { roles: args.roles });
		},
		async discard() {
			// The server re-stamps the person after a refusal: the next pull restores the row.
		}
	}
};

function localMutation<Name extends MutationName>(name: Name): LocalMutation<Name> {
	return localMutations[name] as LocalMutation<Name>;
}

/**
 * The last clock value, unless it lies further ahead than the server accepts: a phone whose
 * date was wrong would otherwise stamp every later write with the bad time, and each would be
 * refused until the real time caught up.
 */
function trustedClock(previous: string | undefined, now: number): Hlc | null {
	const decoded = previous ? decodeHlc(previous) : null;
	return decoded && decoded.millis - now <= MAX_CLOCK_DRIFT_MS ? decoded : null;
}

/**
 * Take in the clocks of pulled writes (inside the caller's transaction), so this device's next
 * write orders after everything it has seen, even when its own clock runs behind: that is
 * what makes the clock hybrid. A clock beyond the drift limit is not taken in.
 */
export async function receiveClocks(
	db: GatherDatabase,
	deviceId: string,
	clocks: string[]
): Promise<void> {
	const now = Date.now();
	let local = trustedClock(await db.getMeta('hlc'), now);
	for (const clock of clocks) {
		const remote = trustedClock(clock, now);
		if (remote && (!local || encodeHlc(remote) > encodeHlc(local)))
			local = receiveHlc(local, remote, now, nodeOf(deviceId));
	}
	if (local) await db.setMeta('hlc', encodeHlc(local));
}

/** The clock's node: enough of the device id to break ties between devices. */
function nodeOf(deviceId: string): string {
	return deviceId.slice(0, 8);
}

/**
 * Write locally and queue for the server, atomically. Throws MutationRejected (nothing
 * written) when the arguments break a domain rule, exactly as the server would refuse them.
 */
export async function runMutation<Name extends MutationName>(
	db: GatherDatabase,
	actor: Actor,
	name: Name,
	args: MutationInput<Name>
): Promise<OutboxEntry> {
	return db.transaction('rw', [...db.mirroredTables, db.outbox, db.meta], async () => {
		// Requests that do not depend on each other go out together: each awaited IndexedDB
		// request costs a round trip through the event loop (see docs/benchmarks.md).
		const [deviceRow, counterRow, clockRow] = await db.meta.bulkGet([
			'deviceId',
			'mutationCounter',
			'hlc'
		]);
		const deviceId = (deviceRow?.value as string | undefined) ?? (await db.deviceId());
		const mutationId = ((counterRow?.value as number | undefined) ?? 0) + 1;
		const now = Date.now();
		const previous = clockRow?.value as string | undefined;
		const hlc = encodeHlc(tickHlc(trustedClock(previous, now), now, nodeOf(deviceId)));
		const context: MutationContext = { actor, deviceId, mutationId, hlc };
		const parsed = prepareMutation(name, args, context);
		await localMutation(name).apply(db, parsed, context);
		const entry: OutboxEntry = {
			mutationId,
			name,
			args: parsed,
			hlc,
			createdAt: new Date().toISOString()
		};
		await Promise.all([
			db.outbox.add(entry),
			db.meta.bulkPut([
				{ key: 'mutationCounter', value: mutationId },
				{ key: 'hlc', value: hlc }
			])
		]);
		return entry;
	});
}

/** Re-apply a queued mutation over freshly pulled rows (inside the caller's transaction). */
export async function reapplyEntry(
	db: GatherDatabase,
	actor: Actor,
	deviceId: string,
	entry: OutboxEntry
): Promise<void> {
	const context: MutationContext = {
		actor,
		deviceId,
		mutationId: entry.mutationId,
		hlc: entry.hlc
	};
	try {
		const args = prepareMutation(entry.name, entry.args, context);
		await localMutation(entry.name).apply(db, args as never, context);
	} catch (error) {
		// A pending write that no longer applies locally stays queued: the server decides.
		if (!(error instanceof MutationRejected)) throw error;
	}
}

/** Undo the optimistic effects of an acknowledged mutation the server did not keep. */
export async function discardEntry(
	db: GatherDatabase,
	actor: Actor,
	entry: OutboxEntry
): Promise<void> {
	await localMutation(entry.name).discard(db, entry.args as never, actor);
}
