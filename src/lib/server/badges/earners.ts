/**
 * Who earned a badge, for the badge's page: a signed-in member sees the earners whose journey
 * privacy lets them (maySeeJourney); admins see every earner, since they revoke awards.
 * Revoked awards are left out. Paged by offset, newest first.
 */
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import { EARNERS_PAGE_SIZE, type EarnersPage } from '$lib/domain/badge-earners';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { canRevokeAward } from '$lib/domain/permissions';
import type { Database } from '$lib/server/db';
import { awards, people } from '$lib/server/db/schema';

export const earnersRequestSchema = z.object({
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
});

export async function listEarners(
	db: Database,
	viewer: Actor,
	badgeId: string,
	offset: number
): Promise<EarnersPage> {
	// A level stored before `journey` existed takes the default (domain/privacy.ts maySeeJourney).
	const journey = sql`coalesce(${people.privacy}->>'journey', ${DEFAULT_PRIVACY.journey})`;
	const visible = canRevokeAward(viewer)
		? undefined
		: or(eq(people.id, viewer.personId), sql`${journey} <> 'private'`);
	const rows = await db
		.select({
			awardId: awards.id,
			personId: people.id,
			displayName: people.displayName,
			awardedAt: awards.awardedAt,
			source: awards.source
		})
		.from(awards)
		.innerJoin(people, eq(people.id, awards.personId))
		.where(
			and(
				eq(awards.badgeId, badgeId),
				isNull(awards.revokedAt),
				eq(people.status, 'active'),
				visible
			)
		)
		.orderBy(desc(awards.awardedAt), awards.personId)
		.limit(EARNERS_PAGE_SIZE + 1)
		.offset(offset);
	return {
		earners: rows.slice(0, EARNERS_PAGE_SIZE).map((row) => ({
			...row,
			awardedAt: row.awardedAt.toISOString()
		})),
		nextOffset: rows.length > EARNERS_PAGE_SIZE ? offset + EARNERS_PAGE_SIZE : null
	};
}
