/**
 * The server side of the contribution and taxonomy mutations (edit, delete, verify a
 * contribution; an admin's taxonomy term).
 */
import { MutationRejected } from '$lib/domain/rejection';
import type { ServerMutation } from '$lib/server/sync/apply';

type ContributionMutationName =
	'contribution.edit' | 'contribution.delete' | 'contribution.verify' | 'taxonomy.save';

// Placeholders of the contract commit: replaced by the real appliers in the same issue.
const pending = {
	apply() {
		return Promise.reject(new MutationRejected('unknown', 'not implemented yet'));
	},
	touch: () => Promise.resolve()
};

export const contributionMutations: {
	[Name in ContributionMutationName]: ServerMutation<Name>;
} = {
	'contribution.edit': pending,
	'contribution.delete': pending,
	'contribution.verify': pending,
	'taxonomy.save': pending
};
