/**
 * The server side of the contribution and taxonomy mutations (edit, delete, verify a
 * contribution; an admin's taxonomy term). The device mirrors these rules over what it holds
 * (client/contribution-mutations.ts); here the stored rows decide.
 */
import { and, eq } from 'drizzle-orm';
import { mutationTime, writtenAt } from '$lib/domain/mutations';
import { canVerifyContribution, contributionEditProblem } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import { requireLoggable } from '$lib/domain/taxonomy';
import type { Transaction } from '$lib/server/db';
import { evaluateAwardsSafely } from '$lib/server/badges/evaluate';
import { contributions, taxonomyTerms } from '$lib/server/db/schema';
import type { ServerMutation } from '$lib/server/sync/apply';
import { recordDeletion } from '$lib/server/sync/deletions';
import { readTaxonomy } from './taxonomy';

type ContributionMutationName =
	'contribution.edit' | 'contribution.delete' | 'contribution.verify' | 'taxonomy.save';

/** The stored contribution, locked for this mutation, as domain/permissions reads it. */
async function lockedContribution(tx: Transaction, id: string) {
	const [row] = await tx.select().from(contributions).where(eq(contributions.id, id)).for('update');
	if (!row) throw new MutationRejected('not_found', 'contribution');
	return {
		...row,
		createdAt: row.createdAt.toISOString(),
		verifiedAt: row.verifiedAt?.toISOString() ?? null
	};
}

/** A refused change to a contribution: its author's device gets the server's row back. */
async function restampContribution(tx: Transaction, id: string, version: number): Promise<void> {
	await tx.update(contributions).set({ version }).where(eq(contributions.id, id));
}

export const contributionMutations: {
	[Name in ContributionMutationName]: ServerMutation<Name>;
} = {
	'contribution.edit': {
		async apply(tx, { id, ...fields }, context, version) {
			const row = await lockedContribution(tx, id);
			const problem = contributionEditProblem(context.actor, row, writtenAt(context), 'edit');
			if (problem) throw new MutationRejected(problem);
			if (fields.area !== row.area || fields.activityType !== row.activityType)
				requireLoggable(await readTaxonomy(tx), fields.area, fields.activityType);
			await tx
				.update(contributions)
				.set({ ...fields, editedAt: new Date(mutationTime(context)), version })
				.where(eq(contributions.id, id));
			// An edit can make a rule badge met (another area, an earlier date inside a streak).
			await evaluateAwardsSafely(tx, row.personId, version, writtenAt(context), [fields]);
		},
		touch: (tx, args, version) => restampContribution(tx, args.id, version)
	},
	'contribution.delete': {
		async apply(tx, args, context, version) {
			const row = await lockedContribution(tx, args.id);
			const problem = contributionEditProblem(context.actor, row, writtenAt(context), 'delete');
			if (problem) throw new MutationRejected(problem);
			await tx.delete(contributions).where(eq(contributions.id, args.id));
			await recordDeletion(tx, 'contributions', args.id, version);
		},
		touch: (tx, args, version) => restampContribution(tx, args.id, version)
	},
	'contribution.verify': {
		async apply(tx, args, context, version) {
			const row = await lockedContribution(tx, args.id);
			if (!canVerifyContribution(context.actor, row)) throw new MutationRejected('forbidden');
			const verified = args.verified
				? {
						verifiedBy: row.verifiedBy ?? context.actor.personId,
						verifiedAt: row.verifiedAt ? new Date(row.verifiedAt) : new Date(mutationTime(context))
					}
				: { verifiedBy: null, verifiedAt: null };
			await tx
				.update(contributions)
				.set({ ...verified, version })
				.where(eq(contributions.id, args.id));
		},
		touch: (tx, args, version) => restampContribution(tx, args.id, version)
	},
	'taxonomy.save': {
		async apply(tx, args, _context, version) {
			const values = {
				names: args.names,
				weight: args.kind === 'activity' ? args.weight : null,
				archived: args.archived,
				position: args.position,
				version
			};
			await tx
				.insert(taxonomyTerms)
				.values({ kind: args.kind, slug: args.slug, ...values })
				.onConflictDoUpdate({ target: [taxonomyTerms.kind, taxonomyTerms.slug], set: values });
		},
		async touch(tx, args, version) {
			await tx
				.update(taxonomyTerms)
				.set({ version })
				.where(and(eq(taxonomyTerms.kind, args.kind), eq(taxonomyTerms.slug, args.slug)));
		}
	}
};
