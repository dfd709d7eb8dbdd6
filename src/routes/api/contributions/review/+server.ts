import { z } from 'zod';
import { canReviewContributions, reviewQuerySchema } from '$lib/domain/contribution-review';
import { openDatabase } from '$lib/server/db';
import { reviewQueue } from '$lib/server/contributions/review';
import { actorOf, jsonError, privateJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * GET /api/contributions/review?cursor=&limit=: one page of others' unverified contributions of
 * the last 90 days, newest first, for mentors, organizers and admins (server/contributions/review.ts).
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	const actor = actorOf(locals);
	if (!actor) return jsonError(401, 'unauthorized', 'Sign in to continue');
	if (!canReviewContributions(actor))
		return jsonError(403, 'forbidden', 'Only mentors, organizers and admins review contributions');
	const parsed = reviewQuerySchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) return jsonError(400, 'invalid', z.prettifyError(parsed.error));
	try {
		return privateJson(await reviewQueue(await openDatabase(), actor, parsed.data));
	} catch (failure) {
		console.error('review queue failed', failure);
		return jsonError(503, 'unavailable', 'The review queue is unavailable right now');
	}
};
