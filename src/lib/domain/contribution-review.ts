/**
 * The review queue of contributions (GET /api/contributions/review): others' logged
 * contributions nobody has verified yet, for the people who may verify them. One schema for
 * the query and one for the answer, used by the endpoint and the client module alike.
 */
import { z } from 'zod';
import type { Actor } from './actor';
import { contributionSchema } from './entities';
import { hasRole } from './permissions';

/** How far back the queue reaches (by when the contribution was logged). */
export const REVIEW_WINDOW_DAYS = 90;
export const REVIEW_PAGE_SIZE = 20;

/** Who sees the queue: the roles that may verify (canVerifyContribution). */
export function canReviewContributions(actor: Actor | null): boolean {
	return actor !== null && (hasRole(actor, 'mentor') || hasRole(actor, 'organizer'));
}

/** A page's position: the last item's createdAt and id (newest first, ties by id). */
export const reviewCursorSchema = z
	.string()
	.max(100)
	.regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[0-9a-f-]{36}$/);

export const reviewQuerySchema = z.object({
	cursor: reviewCursorSchema.optional(),
	limit: z.coerce.number().int().min(1).max(50).default(REVIEW_PAGE_SIZE)
});

export const reviewItemSchema = z.object({
	contribution: contributionSchema,
	/** The author's name as the reviewer may see it; null when it may not be shown. */
	authorName: z.string().nullable()
});
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export const reviewAnswerSchema = z.object({
	items: z.array(reviewItemSchema),
	nextCursor: reviewCursorSchema.nullable()
});
export type ReviewAnswer = z.infer<typeof reviewAnswerSchema>;
