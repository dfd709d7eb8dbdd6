/**
 * The device side of the contribution and taxonomy mutations (edit, delete, verify a
 * contribution; an admin's taxonomy term): the same rules as the server's appliers
 * (server/contributions/apply.ts), decided over what this device holds.
 */
import { MutationRejected } from '$lib/domain/rejection';
import type { LocalMutation } from './mutations';

type ContributionMutationName =
	'contribution.edit' | 'contribution.delete' | 'contribution.verify' | 'taxonomy.save';

// Placeholders of the contract commit: replaced by the real appliers in the same issue.
const pending = {
	apply() {
		return Promise.reject(new MutationRejected('unknown', 'not implemented yet'));
	},
	discard: () => Promise.resolve()
};

export const contributionMutations: {
	[Name in ContributionMutationName]: LocalMutation<Name>;
} = {
	'contribution.edit': pending,
	'contribution.delete': pending,
	'contribution.verify': pending,
	'taxonomy.save': pending
};
