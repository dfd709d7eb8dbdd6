import type { RejectionReason } from './entities';

/**
 * Thrown by a mutation's apply (on either side) when the write can never succeed as sent.
 * The server rolls back its effects, keeps it in rejected_mutations with the reason and
 * acknowledges it; the author sees it under "needs attention".
 */
export class MutationRejected extends Error {
	constructor(
		readonly reason: RejectionReason,
		readonly detail: string | null = null
	) {
		super(detail ? `${reason}: ${detail}` : reason);
		this.name = 'MutationRejected';
	}
}
