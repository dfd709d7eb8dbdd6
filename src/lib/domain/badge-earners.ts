/** GET /api/badges/[id]/earners: one page of the people who hold a badge (server/badges/earners.ts). */
import { z } from 'zod';
import { AWARD_SOURCES } from './entities';

export const EARNERS_PAGE_SIZE = 50;

export const earnerSchema = z.object({
	awardId: z.string(),
	personId: z.string(),
	displayName: z.string(),
	awardedAt: z.string(),
	source: z.enum(AWARD_SOURCES)
});
export type Earner = z.infer<typeof earnerSchema>;

export const earnersPageSchema = z.object({
	earners: z.array(earnerSchema),
	/** The offset of the next page, or null at the end. */
	nextOffset: z.number().int().nullable()
});
export type EarnersPage = z.infer<typeof earnersPageSchema>;
