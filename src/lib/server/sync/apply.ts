/**
 * The server side of the mutation registry: how each mutation writes to PostgreSQL. Arguments
 * arrive already validated, authorized and checked by prepareMutation; what is left here are
 * the rules only the server's data can decide (does the row exist, whose is it) and the
 * conflict rules of domain/conflicts.ts, the same functions the device applies.
 * Typed over MutationName, so a mutation added to the registry without an applier here does
 * not compile.
 */
import { and, eq } from 'drizzle-orm';
import { mergeAward, mergeCheckIn, mergeProfile } from '$lib/domain/conflicts';
import {
	mutationTime,
	type MutationArgs,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { canCheckIn, canDismissRejection } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import type { Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	events,
	people,
	rejectedMutations
} from '$lib/server/db/schema';

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
	 */
	touch(tx: Transaction, args: MutationArgs<Name>, version: number): Promise<void>;
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

async function personExists(tx: Transaction, personId: string): Promise<boolean> {
	const [row] = await tx.select({ id: people.id }).from(people).where(eq(people.id, personId));
	return row !== undefined;
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
	const inserted = await tx
		.insert(contributions)
		.values(
			items.map(({ args, context }) => ({
				id: args.id,
				personId: context.actor.personId,
				area: args.area,
				activityType: args.activityType,
				description: args.description,
				happenedOn: args.happenedOn,
				link: args.link,
				eventId: null,
				createdAt: new Date(mutationTime(context)),
				deviceId: context.deviceId,
				mutationId: context.mutationId,
				version
			}))
		)
		.onConflictDoNothing({ target: contributions.id })
		.returning({ id: contributions.id, mutationId: contributions.mutationId });
	const won = new Set(inserted.map((row) => `${row.id}/${row.mutationId}`));
	return items.map(({ args, context }) =>
		won.has(`${args.id}/${context.mutationId}`)
			? null
			: new MutationRejected('conflict', 'contribution id already used')
	);
}

const nothingToTouch = () => Promise.resolve();

export const serverMutations: { [Name in MutationName]: ServerMutation<Name> } = {
	'contribution.log': {
		async apply(tx, args, context, version) {
			const [rejection] = await insertContributions(tx, [{ args, context }], version);
			if (rejection) throw rejection;
		},
		applyMany: insertContributions,
		touch: nothingToTouch
	},

	'profile.update': {
		async apply(tx, args, context, version) {
			const [row] = await tx
				.select({ fieldClocks: people.fieldClocks })
				.from(people)
				.where(eq(people.id, args.personId))
				.for('update');
			if (!row) throw new MutationRejected('not_found', 'person');
			const merged = mergeProfile(row.fieldClocks, args.changes, context.hlc);
			// Written (and re-stamped) even when an older clock changes nothing: the author's
			// optimistic copy must receive the value that won.
			await tx
				.update(people)
				.set({ ...merged.changes, fieldClocks: merged.clocks, version })
				.where(eq(people.id, args.personId));
		},
		async touch(tx, args, version) {
			await tx.update(people).set({ version }).where(eq(people.id, args.personId));
		}
	},

	'checkin.record': {
		async apply(tx, args, context, version) {
			const [event] = await tx
				.select({ organizerIds: events.organizerIds })
				.from(events)
				.where(eq(events.id, args.eventId));
			if (!event) throw new MutationRejected('not_found', 'event');
			if (!canCheckIn(context.actor, event.organizerIds)) throw new MutationRejected('forbidden');
			if (!(await personExists(tx, args.personId)))
				throw new MutationRejected('not_found', 'person');
			const where = checkInKey(args);
			const [existing] = await tx.select().from(checkIns).where(where).for('update');
			const merged = mergeCheckIn(
				existing ? { ...existing, checkedInAt: existing.checkedInAt.toISOString() } : null,
				{
					checkedInAt: args.checkedInAt,
					deviceIds: [context.deviceId],
					recordedBy: context.actor.personId
				}
			);
			const values = {
				checkedInAt: new Date(merged.checkedInAt),
				deviceIds: merged.deviceIds,
				recordedBy: merged.recordedBy,
				version
			};
			if (existing) await tx.update(checkIns).set(values).where(where);
			else
				await tx
					.insert(checkIns)
					.values({ eventId: args.eventId, personId: args.personId, ...values });
		},
		async touch(tx, args, version) {
			await tx.update(checkIns).set({ version }).where(checkInKey(args));
		}
	},

	'award.grant': {
		async apply(tx, args, context, version) {
			const [badge] = await tx
				.select({ id: badges.id })
				.from(badges)
				.where(eq(badges.id, args.badgeId));
			if (!badge) throw new MutationRejected('not_found', 'badge');
			if (!(await personExists(tx, args.personId)))
				throw new MutationRejected('not_found', 'person');
			const where = awardKey(args);
			const [existing] = await tx.select().from(awards).where(where).for('update');
			const merged = mergeAward(
				existing ? { ...existing, awardedAt: existing.awardedAt.toISOString() } : null,
				{
					awardedAt: mutationTime(context),
					awardedBy: context.actor.personId,
					evidence: args.evidence
				}
			);
			const values = { ...merged, awardedAt: new Date(merged.awardedAt), version };
			if (existing) await tx.update(awards).set(values).where(where);
			else
				await tx
					.insert(awards)
					.values({ badgeId: args.badgeId, personId: args.personId, ...values });
		},
		async touch(tx, args, version) {
			await tx.update(awards).set({ version }).where(awardKey(args));
		}
	},

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
	}
};

function checkInKey(args: { eventId: string; personId: string }) {
	return and(eq(checkIns.eventId, args.eventId), eq(checkIns.personId, args.personId));
}

function awardKey(args: { badgeId: string; personId: string }) {
	return and(eq(awards.badgeId, args.badgeId), eq(awards.personId, args.personId));
}
