/**
 * The server side of the mutation registry: how each mutation writes to PostgreSQL. Arguments
 * arrive already validated, authorized and checked by prepareMutation; what is left here are
 * the rules only the server's data can decide (does the row exist, whose is it).
 * Typed over MutationName, so a mutation added to the registry without an applier here does
 * not compile.
 */
import { eq } from 'drizzle-orm';
import {
	mutationTime,
	type MutationArgs,
	type MutationContext,
	type MutationName
} from '$lib/domain/mutations';
import { canDismissRejection } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import type { Transaction } from '$lib/server/db';
import { contributions, rejectedMutations } from '$lib/server/db/schema';

export type ServerApplier<Name extends MutationName> = (
	tx: Transaction,
	args: MutationArgs<Name>,
	context: MutationContext,
	version: number
) => Promise<void>;

export const serverAppliers: { [Name in MutationName]: ServerApplier<Name> } = {
	async 'contribution.log'(tx, args, context, version) {
		// Contributions are append-only: an id seen before is a conflict, never an overwrite.
		const inserted = await tx
			.insert(contributions)
			.values({
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
			})
			.onConflictDoNothing({ target: contributions.id })
			.returning({ id: contributions.id });
		if (inserted.length === 0)
			throw new MutationRejected('conflict', 'contribution id already used');
	},

	async 'rejection.dismiss'(tx, args, context, version) {
		const [row] = await tx
			.select({ personId: rejectedMutations.personId })
			.from(rejectedMutations)
			.where(eq(rejectedMutations.id, args.id))
			.for('update');
		if (!row) throw new MutationRejected('not_found');
		if (!canDismissRejection(context.actor, row.personId)) throw new MutationRejected('forbidden');
		await tx
			.update(rejectedMutations)
			.set({ dismissed: true, version })
			.where(eq(rejectedMutations.id, args.id));
	}
};
