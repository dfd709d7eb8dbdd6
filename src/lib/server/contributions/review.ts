/** The review queue's page (domain/contribution-review.ts), read for one reviewer. */
import { and, desc, eq, gte, isNull, lt, ne, or } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { REVIEW_WINDOW_DAYS, type ReviewAnswer } from '$lib/domain/contribution-review';
import { ATTENDED } from '$lib/domain/taxonomy';
import type { Database } from '$lib/server/db';
import { contributions, people } from '$lib/server/db/schema';
import { toContribution, toPerson } from '$lib/server/sync/rows';

const DAY_MS = 86_400_000;

/**
 * Others' logged, unverified contributions from the last REVIEW_WINDOW_DAYS, newest first,
 * after `cursor`; each with its author's name as `reviewer` may see it.
 */
export async function reviewQueue(
	db: Database,
	reviewer: Actor,
	{ cursor, limit }: { cursor?: string; limit: number },
	now = Date.now()
): Promise<ReviewAnswer> {
	const after = cursor ? cursor.split('_') : null;
	const afterAt = after ? new Date(after[0]) : null;
	const rows = await db
		.select({ contribution: contributions, author: people })
		.from(contributions)
		.innerJoin(people, eq(people.id, contributions.personId))
		.where(
			and(
				isNull(contributions.verifiedAt),
				ne(contributions.activityType, ATTENDED),
				ne(contributions.personId, reviewer.personId),
				eq(people.status, 'active'),
				gte(contributions.createdAt, new Date(now - REVIEW_WINDOW_DAYS * DAY_MS)),
				after && afterAt && !Number.isNaN(afterAt.getTime())
					? or(
							lt(contributions.createdAt, afterAt),
							and(eq(contributions.createdAt, afterAt), lt(contributions.id, after[1]))
						)
					: undefined
			)
		)
		.orderBy(desc(contributions.createdAt), desc(contributions.id))
		.limit(limit + 1);
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return {
		items: page.map(({ contribution, author }) => ({
			contribution: toContribution(contribution),
			authorName: toPerson(author, reviewer)?.displayName ?? null
		})),
		nextCursor:
			rows.length > limit && last
				? `${last.contribution.createdAt.toISOString()}_${last.contribution.id}`
				: null
	};
}
