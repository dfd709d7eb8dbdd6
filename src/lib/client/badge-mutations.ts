/**
 * The device side of the badge mutations (badge classes, revocations, nominations): the same
 * rules as the server's appliers (server/badges/apply.ts), decided over what this device holds.
 */
import { MutationRejected } from '$lib/domain/rejection';
import type { LocalMutation } from './mutations';

type BadgeMutationName = 'badge.save' | 'award.revoke' | 'nomination.create' | 'nomination.decide';

// Placeholders of the contract commit: replaced by the real appliers in the same issue.
const pending = {
	apply() {
		return Promise.reject(new MutationRejected('unknown', 'not implemented yet'));
	},
	discard: () => Promise.resolve()
};

export const badgeMutations: { [Name in BadgeMutationName]: LocalMutation<Name> } = {
	'badge.save': pending,
	'award.revoke': pending,
	'nomination.create': pending,
	'nomination.decide': pending
};
