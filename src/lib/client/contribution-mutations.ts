/**
 * The device side of the contribution and taxonomy mutations (edit, delete, verify a
 * contribution; an admin's taxonomy term): the same rules as the server's appliers
 * (server/contributions/apply.ts), decided over what this device holds. A row the device does
 * not hold (someone else's contribution a mentor verifies) is left to the server.
 *
 * After a refusal the server re-stamps the rows these appliers changed (their `touch`), so the
 * next pull restores them; only a row this device made and the server never had is removed.
 */
import { mutationTime, writtenAt } from '$lib/domain/mutations';
import { canVerifyContribution, contributionEditProblem } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import { requireLoggable } from '$lib/domain/taxonomy';
import type { LocalMutation } from './mutations';
import { discardUnconfirmed } from './unconfirmed';

type ContributionMutationName =
	'contribution.edit' | 'contribution.delete' | 'contribution.verify' | 'taxonomy.save';

export const contributionMutations: {
	[Name in ContributionMutationName]: LocalMutation<Name>;
} = {
	'contribution.edit': {
		async apply(db, { id, ...fields }, context) {
			const row = await db.contributions.get(id);
			if (!row) return; // not on this device: the server decides
			const problem = contributionEditProblem(context.actor, row, writtenAt(context), 'edit');
			if (problem) throw new MutationRejected(problem);
			if (fields.area !== row.area || fields.activityType !== row.activityType)
				requireLoggable(await db.taxonomy(), fields.area, fields.activityType);
			await db.contributions.put({ ...row, ...fields, editedAt: mutationTime(context) });
		},
		async discard() {
			// The server re-stamps the contribution after a refusal: the next pull restores it.
		}
	},
	'contribution.delete': {
		async apply(db, args, context) {
			const row = await db.contributions.get(args.id);
			if (!row) return;
			const problem = contributionEditProblem(context.actor, row, writtenAt(context), 'delete');
			if (problem) throw new MutationRejected(problem);
			await db.contributions.delete(args.id);
		},
		async discard() {
			// As for an edit: the server re-stamps a contribution it kept, and the pull brings it back.
		}
	},
	'contribution.verify': {
		async apply(db, args, context) {
			const row = await db.contributions.get(args.id);
			if (!row) return; // someone else's: this device only holds the review screen's copy
			if (!canVerifyContribution(context.actor, row)) throw new MutationRejected('forbidden');
			await db.contributions.put(
				args.verified
					? {
							...row,
							verifiedBy: row.verifiedBy ?? context.actor.personId,
							verifiedAt: row.verifiedAt ?? mutationTime(context)
						}
					: { ...row, verifiedBy: null, verifiedAt: null }
			);
		},
		async discard() {
			// The server re-stamps the contribution after a refusal: the next pull restores it.
		}
	},
	'taxonomy.save': {
		async apply(db, args) {
			const existing = await db.taxonomyTerms.get([args.kind, args.slug]);
			await db.taxonomyTerms.put({
				...args,
				weight: args.kind === 'activity' ? args.weight : null,
				version: existing?.version ?? 0
			});
		},
		async discard(db, args) {
			// A term the server had is re-stamped and pulled again; a new one goes away.
			await discardUnconfirmed(db.taxonomyTerms, [args.kind, args.slug]);
		}
	}
};
