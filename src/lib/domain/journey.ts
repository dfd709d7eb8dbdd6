/**
 * A person's journey: what they gave, the events they came to, their streak and their badges,
 * from their contributions and awards alone. Pure: the device computes it for its own person
 * offline, and the server for someone else's profile (when their privacy lets the viewer see it).
 */
import { z } from 'zod';
import type { Award, Badge, Contribution } from './entities';
import { ATTENDED, weightOf, type Taxonomy } from './taxonomy';
import { addMonths, monthOf, weeklyStreak } from './weeks';

/** How many months the month-by-month row shows, ending with this month. */
export const JOURNEY_MONTHS = 12;

export type JourneyContribution = Pick<
	Contribution,
	'id' | 'area' | 'activityType' | 'description' | 'happenedOn' | 'eventId' | 'durationMinutes'
>;
export type JourneyAward = Pick<Award, 'id' | 'badgeId' | 'awardedAt' | 'revokedAt'>;
export type JourneyBadge = Pick<Badge, 'id' | 'name' | 'image'>;

/*
 * The journey's shape, as the server sends someone's journey (GET /api/people/:id/journey) and
 * the device checks it. Loose on purpose: the rows were valid when written.
 */
const count = z.number().int().min(0);

const journeyContributionSchema = z.object({
	id: z.string(),
	area: z.string(),
	activityType: z.string(),
	description: z.string(),
	happenedOn: z.string(),
	eventId: z.string().nullable(),
	durationMinutes: z.number().nullable()
}) satisfies z.ZodType<JourneyContribution>;

const earnedBadgeSchema = z.object({
	awardId: z.string(),
	badgeId: z.string(),
	name: z.string(),
	image: z.string().nullable(),
	awardedAt: z.string()
});
export type EarnedBadge = z.infer<typeof earnedBadgeSchema>;

const timelineItemSchema = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('contribution'),
		day: z.string(),
		contribution: journeyContributionSchema
	}),
	z.object({ kind: z.literal('badge'), day: z.string(), badge: earnedBadgeSchema })
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const journeySchema = z.object({
	totals: z.object({
		/** Contributions logged (attending an event is not one). */
		contributions: count,
		/** Logged contributions, each counted by its activity type's weight. */
		points: count,
		/** Distinct events the person was checked in at. */
		eventsAttended: count,
		/** Hours given, from the durations people entered (attendance included), one decimal. */
		hours: z.number().min(0)
	}),
	/** Logged contributions per area slug, most first. */
	byArea: z.array(z.object({ slug: z.string(), count })),
	/** Logged contributions per month (YYYY-MM), the last JOURNEY_MONTHS months, oldest first. */
	byMonth: z.array(z.object({ month: z.string(), count })),
	/** Weeks in a row with any contribution, attendance included (weeks.ts weeklyStreak). */
	streak: z.object({ current: count, longest: count, thisWeek: z.boolean() }),
	/** Badges earned and not revoked, newest first. */
	badges: z.array(earnedBadgeSchema),
	/** Everything by month, newest month first, newest first within a month. */
	timeline: z.array(z.object({ month: z.string(), items: z.array(timelineItemSchema) }))
});
export type Journey = z.infer<typeof journeySchema>;
export type JourneyTotals = Journey['totals'];

/** The answer of GET /api/people/:id/journey. */
export const journeyResponseSchema = z.object({
	/** The person it is about (a merged id answers for the person who survived). */
	personId: z.string(),
	journey: journeySchema
});
export type JourneyResponse = z.infer<typeof journeyResponseSchema>;

/** The first `items` items of a timeline, in their months (a page of it, newest first). */
export function timelineHead(timeline: Journey['timeline'], items: number): Journey['timeline'] {
	let left = items;
	const groups: Journey['timeline'] = [];
	for (const group of timeline) {
		if (left <= 0) break;
		groups.push({ month: group.month, items: group.items.slice(0, left) });
		left -= group.items.length;
	}
	return groups;
}

export interface JourneyInput {
	contributions: readonly JourneyContribution[];
	awards: readonly JourneyAward[];
	badges: readonly JourneyBadge[];
	taxonomy: Taxonomy;
	/** The viewer's calendar date, YYYY-MM-DD. */
	today: string;
}

export function journeyOf({
	contributions,
	awards,
	badges,
	taxonomy,
	today
}: JourneyInput): Journey {
	// One pass over the contributions: totals, areas, months, streak days and timeline items.
	const thisMonth = monthOf(today);
	const byMonth = Array.from({ length: JOURNEY_MONTHS }, (_, index) => ({
		month: addMonths(thisMonth, index - (JOURNEY_MONTHS - 1)),
		count: 0
	}));
	const monthSlots = new Map(byMonth.map((slot) => [slot.month, slot]));
	const totals: JourneyTotals = { contributions: 0, points: 0, eventsAttended: 0, hours: 0 };
	const events = new Set<string>();
	const areas = new Map<string, number>();
	let minutes = 0;
	const items: TimelineItem[] = [];
	for (const c of contributions) {
		minutes += c.durationMinutes ?? 0;
		const { id, area, activityType, description, happenedOn, eventId, durationMinutes } = c;
		items.push({
			kind: 'contribution',
			day: happenedOn,
			contribution: { id, area, activityType, description, happenedOn, eventId, durationMinutes }
		});
		if (activityType === ATTENDED) {
			if (eventId) events.add(eventId);
			continue;
		}
		totals.contributions += 1;
		totals.points += weightOf(taxonomy, activityType);
		areas.set(area, (areas.get(area) ?? 0) + 1);
		const slot = monthSlots.get(monthOf(happenedOn));
		if (slot) slot.count += 1;
	}
	totals.eventsAttended = events.size;
	totals.hours = Math.round(minutes / 6) / 10;
	const byArea = [...areas]
		.map(([slug, count]) => ({ slug, count }))
		.sort((a, b) => b.count - a.count || (a.slug < b.slug ? -1 : 1));

	const badgeById = new Map(badges.map((badge) => [badge.id, badge]));
	const earned: EarnedBadge[] = awards
		.filter((award) => award.revokedAt === null)
		.flatMap((award) => {
			const badge = badgeById.get(award.badgeId);
			if (!badge) return [];
			return [
				{
					awardId: award.id,
					badgeId: badge.id,
					name: badge.name,
					image: badge.image,
					awardedAt: award.awardedAt
				}
			];
		})
		.sort((a, b) => (a.awardedAt < b.awardedAt ? 1 : a.awardedAt > b.awardedAt ? -1 : 0));

	for (const badge of earned)
		items.push({ kind: 'badge', day: badge.awardedAt.slice(0, 10), badge });
	items.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
	const timeline: Journey['timeline'] = [];
	for (const item of items) {
		const month = monthOf(item.day);
		const last = timeline.at(-1);
		if (last?.month === month) last.items.push(item);
		else timeline.push({ month, items: [item] });
	}

	return {
		totals,
		byArea,
		byMonth,
		streak: weeklyStreak(
			contributions.map((c) => c.happenedOn),
			today
		),
		badges: earned,
		timeline
	};
}
