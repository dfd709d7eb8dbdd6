/**
 * The review screen's call to the server (GET /api/contributions/review): online only, the
 * answer checked against the domain's schema; every failure is a ReviewRequestError with a
 * kind the screen translates.
 */
import { reviewAnswerSchema, type ReviewAnswer } from '$lib/domain/contribution-review';

export type ReviewFailure = 'network' | 'signed_out' | 'forbidden' | 'server';

export class ReviewRequestError extends Error {
	constructor(readonly failure: ReviewFailure) {
		super(failure);
		this.name = 'ReviewRequestError';
	}
}

/** One page of the queue, after `cursor` (the previous page's nextCursor). */
export async function fetchReviewPage(cursor: string | null = null): Promise<ReviewAnswer> {
	const params = new URLSearchParams();
	if (cursor) params.set('cursor', cursor);
	let response: Response;
	try {
		response = await fetch(`/api/contributions/review?${params}`, {
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
	} catch {
		throw new ReviewRequestError('network');
	}
	if (response.status === 401) throw new ReviewRequestError('signed_out');
	if (response.status === 403) throw new ReviewRequestError('forbidden');
	const body: unknown = await response.json().catch(() => null);
	const parsed = reviewAnswerSchema.safeParse(body);
	if (!response.ok || !parsed.success) throw new ReviewRequestError('server');
	return parsed.data;
}
