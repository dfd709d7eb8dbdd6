/**
 * The server side of the mutation registry: how each mutation writes to PostgreSQL. Arguments
 * arrive already validated, authorized and checked by prepareMutation; what is left here are
 * the rules only the server's data can decide (does the row exist, whose is it) and the
 * conflict rules of domain/conflicts.ts, the same functions the device applies.
 * Typed over MutationName, so a mutation added to the registry without an applier here does
 * not compile.
 */
import { and, eq } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { mergeProfile } from '$lib/domain/conflicts';
import {
	mutationTime,
	type MutationArgs,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { canCurate, canDismissRejection, canJoinGroup } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import { loggableProblem } from '$lib/domain/taxonomy';
import type { Transaction } from '$lib/server/db';
import { badgeMutations } from '$lib/server/badges/apply';
import { evaluateAwardsSafely, type IncomingFact } from '$lib/server/badges/evaluate';
import { contributionMutations } from '$lib/server/contributions/apply';
import { readTaxonomy } from '$lib/server/contributions/taxonomy';
import { eventMutations } from '$lib/server/events/apply';
import {
	contributions,
	groups,
	memberships,
	people,
	rejectedMutations
} from '$lib/server/db/schema';
import { recordDeletion, restampAudience } from './deletions';

/** How one mutation writes on the server. Typed over MutationName: none can be left out. */
export interface ServerMutation<Name extends MutationName> {
	apply(
		tx: Transaction,
		args: MutationArgs<Name>,
		context: MutationContext,
		version: number
	): Promise<void>;
	/**
	 * After a refusal: re-stamp the rows the author's device may have changed optimistically
	 * (`version`), so its next pull brings the server's values back instead of leaving the
	 * refused ones on screen. Rows the device only adds need nothing: it discards them itself.
	 * `actor` is the author: some rows are keyed by them (their own membership).
	 */
	touch(tx: Transaction, args: MutationArgs<Name>, version: number, actor: Actor): Promise<void>;
	/**
	 * A run of consecutive mutations of this name in one statement; per item, null when
	 * applied or the rejection. push.ts falls back to `apply` one at a time if it throws.
	 */
	applyMany?(
		tx: Transaction,
		items: { args: MutationArgs<Name>; context: MutationContext }[],
		version: number
	): Promise<(MutationRejected | null)[]>;
}

/**
 * Contributions are append-only, so a run of them is one multi-row INSERT: an id seen before
 * (earlier, or earlier in the same statement) is a conflict, never an overwrite.
 */
async function insertContributions(
	tx: Transaction,
	items: { args: MutationArgs<'contribution.log'>; context: MutationContext }[],
	version: number
): Promise<(MutationRejected | null)[]> {
	const taxonomy = await readTaxonomy(tx);
	const outcomes = items.map(({ args }) => {
		const problem = loggableProblem(taxonomy, args.area, args.activityType);
		return problem ? new MutationRejected('invalid', problem) : null;
	});
	const loggable = items.filter((_, index) => outcomes[index] === null);
	if (loggable.length === 0) return outcomes;
	const inserted = await tx
		.insert(contributions)
		.values(
			loggable.map(({ args, context }) => ({
				...args,
				personId: context.actor.personId,
				createdAt: new Date(mutationTime(context)),
				deviceId: context.deviceId,
				mutationId: context.mutationId,
				version
			}))
		)
		.onConflictDoNothing({ target: contributions.id })
		.returning({ id: contributions.id, mutationId: contributions.mutationId });
	const won = new Set(inserted.map((row) => `${row.id}/${row.mutationId}`));
	// Automatic badges: once per author, as of their latest contribution's mutation time, for
	// the rules their new contributions can have made met.
	const byPerson = new Map<string, { at: number; incoming: IncomingFact[] }>();
	for (const { args, context } of loggable)
		if (won.has(`${args.id}/${context.mutationId}`)) {
			const at = Date.parse(mutationTime(context));
			const entry = byPerson.get(context.actor.personId);
			if (entry) entry.at = Math.max(at, entry.at);
			else byPerson.set(context.actor.personId, { at, incoming: [] });
			byPerson.get(context.actor.personId)?.incoming.push(args);
		}
	for (const [personId, { at, incoming }] of byPerson)
		await evaluateAwardsSafely(tx, personId, version, at, incoming);
	return items.map(
		({ args, context }, index) =>
			outcomes[index] ??
			(won.has(`${args.id}/${context.mutationId}`)
				? null
				: new MutationRejected('conflict', 'contribution id already used'))
	);
}

export const serverMutations: { [Name in MutationName]: ServerMutation<Name> } = {
	'contribution.log': {
		async apply(tx, args, context, version) {
			const [rejection] = await insertContributions(tx, [{ args, context }], version);
			if (rejection) throw rejection;
		},
		applyMany: insertContributions,
		// The device only added a row, and discards it itself after a refusal.
		touch: () => Promise.resolve()
	},

	'profile.update': {
		async apply(tx, args, context, version) {
			const [row] = await tx
				.select({ fieldClocks: people.fieldClocks, privacy: people.privacy, status: people.status })
				.from(people)
				.where(eq(people.id, args.personId))
				.for('update');
			if (!row || row.status !== 'active') throw new MutationRejected('not_found', 'person');
			const merged = mergeProfile(
				{ fieldClocks: row.fieldClocks, privacy: { ...DEFAULT_PRIVACY, ...row.privacy } },
				args.changes,
				context.hlc
			);
			// Written (and re-stamped) even when an older clock changes nothing: the author's
			// optimistic copy must receive the value that won.
			await tx
				.update(people)
				.set({
					...merged.changes,
					privacy: merged.privacy,
					fieldClocks: merged.clocks,
					version
				})
				.where(eq(people.id, args.personId));
		},
		async touch(tx, args, version) {
			await tx.update(people).set({ version }).where(eq(people.id, args.personId));
		}
	},

	...eventMutations,
	...contributionMutations,
	...badgeMutations,

	'rejection.dismiss': {
		async apply(tx, args, context, version) {
			const [row] = await tx
				.select({ personId: rejectedMutations.personId })
				.from(rejectedMutations)
				.where(eq(rejectedMutations.id, args.id))
				.for('update');
			if (!row) throw new MutationRejected('not_found');
			if (!canDismissRejection(context.actor, row.personId))
				throw new MutationRejected('forbidden');
			await tx
				.update(rejectedMutations)
				.set({ dismissed: true, version })
				.where(eq(rejectedMutations.id, args.id));
		},
		async touch(tx, args, version) {
			// The device marked it dismissed: send the server's `dismissed` back.
			await tx.update(rejectedMutations).set({ version }).where(eq(rejectedMutations.id, args.id));
		}
	},

	'group.save': {
		async apply(tx, args, _context, version) {
			const values = { ...args, version };
			// A slug taken by another group is a unique violation: push refuses it as invalid.
			await tx.insert(groups).values(values).onConflictDoUpdate({ target: groups.id, set: values });
		},
		async touch(tx, args, version) {
			await tx.update(groups).set({ version }).where(eq(groups.id, args.id));
		}
	},

	'group.join': {
		async apply(tx, args, context, version) {
			const { group } = await groupForDecision(tx, args.groupId);
			const personId = context.actor.personId;
			const [existing] = await tx
				.select()
				.from(memberships)
				.where(membershipKey({ groupId: args.groupId, personId }));
			if (existing) {
				// Joining twice changes nothing; re-stamped so the author's copy is the server's.
				await tx.update(memberships).set({ version }).where(membershipKey(existing));
				return;
			}
			if (!canJoinGroup(context.actor, group)) throw new MutationRejected('forbidden');
			await tx.insert(memberships).values({
				groupId: args.groupId,
				personId,
				status: group.policy === 'open' ? 'member' : 'pending',
				curator: false,
				createdAt: new Date(mutationTime(context)),
				version
			});
		},
		touch: touchOwnMembership
	},

	'group.leave': {
		async apply(tx, args, context, version) {
			await removeMembership(
				tx,
				{ groupId: args.groupId, personId: context.actor.personId },
				version
			);
		},
		// The device deleted its row: a refused leave (a clock too far ahead) must bring it back.
		touch: touchOwnMembership
	},

	'membership.set': {
		async apply(tx, args, context, version) {
			const { curatorIds } = await groupForDecision(tx, args.groupId);
			if (!canCurate(context.actor, curatorIds)) throw new MutationRejected('forbidden');
			if (args.status === 'removed') {
				await removeMembership(tx, args, version);
				return;
			}
			const [person] = await tx
				.select({ status: people.status })
				.from(people)
				.where(eq(people.id, args.personId));
			if (!person || person.status !== 'active') throw new MutationRejected('not_found', 'person');
			const values = { status: 'member' as const, curator: args.curator, version };
			await tx
				.insert(memberships)
				.values({
					groupId: args.groupId,
					personId: args.personId,
					createdAt: new Date(mutationTime(context)),
					...values
				})
				.onConflictDoUpdate({
					target: [memberships.groupId, memberships.personId],
					set: values
				});
			const wasCurator = curatorIds.includes(args.personId);
			if (args.curator !== wasCurator)
				await restampPending(tx, version, { groupId: args.groupId, revoke: wasCurator });
		},
		async touch(tx, args, version) {
			await tx.update(memberships).set({ version }).where(membershipKey(args));
		}
	},

	'person.setRoles': {
		async apply(tx, args, _context, version) {
			const where = and(eq(people.id, args.personId), eq(people.status, 'active'));
			const [before] = await tx
				.select({ roles: people.roles })
				.from(people)
				.where(where)
				.for('update');
			if (!before) throw new MutationRejected('not_found', 'person');
			await tx.update(people).set({ roles: args.roles, version }).where(where);
			const wasAdmin = before.roles.includes('admin');
			if (args.roles.includes('admin') !== wasAdmin)
				await restampPending(tx, version, { revoke: wasAdmin });
		},
		async touch(tx, args, version) {
			await tx.update(people).set({ version }).where(eq(people.id, args.personId));
		}
	}
};

/** The group's curators, read under a lock on the group (decisions about it serialise). */
async function groupForDecision(tx: Transaction, groupId: string) {
	const [group] = await tx.select().from(groups).where(eq(groups.id, groupId)).for('update');
	if (!group) throw new MutationRejected('not_found', 'group');
	const curators = await tx
		.select({ personId: memberships.personId })
		.from(memberships)
		.where(and(eq(memberships.groupId, groupId), eq(memberships.curator, true)));
	return { group, curatorIds: curators.map((row) => row.personId) };
}

/**
 * Who decides the requests of a group (all groups: omit `groupId`) changed. Someone who now
 * decides (a new curator, a new admin) must receive the requests made before; someone who no
 * longer decides (`revoke`) must lose them (restampAudience).
 */
async function restampPending(
	tx: Transaction,
	version: number,
	{ groupId, revoke }: { groupId?: string; revoke: boolean }
) {
	const where = and(
		eq(memberships.status, 'pending'),
		groupId === undefined ? undefined : eq(memberships.groupId, groupId)
	);
	await restampAudience(tx, 'memberships', where, version, { revoke });
}

/** Someone leaves or is taken out: every device drops the row; a curator's requests go too. */
async function removeMembership(
	tx: Transaction,
	key: { groupId: string; personId: string },
	version: number
) {
	const [removed] = await tx
		.delete(memberships)
		.where(membershipKey(key))
		.returning({ curator: memberships.curator });
	if (!removed) return;
	await recordDeletion(tx, 'memberships', [key.groupId, key.personId], version);
	if (removed.curator) await restampPending(tx, version, { groupId: key.groupId, revoke: true });
}

/** The author's own membership, as the server holds it (if it does), back to their devices. */
async function touchOwnMembership(
	tx: Transaction,
	args: { groupId: string },
	version: number,
	actor: Actor
) {
	await tx
		.update(memberships)
		.set({ version })
		.where(membershipKey({ groupId: args.groupId, personId: actor.personId }));
}

function membershipKey(args: { groupId: string; personId: string }) {
	return and(eq(memberships.groupId, args.groupId), eq(memberships.personId, args.personId));
}
