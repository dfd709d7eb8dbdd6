/**
 * The server side of the badge mutations (badge classes, revocations, nominations).
 */
import { MutationRejected } from '$lib/domain/rejection';
import type { ServerMutation } from '$lib/server/sync/apply';

type BadgeMutationName = 'badge.save' | 'award.revoke' | 'nomination.create' | 'nomination.decide';

// Placeholders of the contract commit: replaced by the real appliers in the same issue.
const pending = {
	apply() {
		return Promise.reject(new MutationRejected('unknown', 'not implemented yet'));
	},
	touch: () => Promise.resolve()
};

export const badgeMutations: { [Name in BadgeMutationName]: ServerMutation<Name> } = {
	'badge.save': pending,
	'award.revoke': pending,
	'nomination.create': pending,
	'nomination.decide': pending
};
