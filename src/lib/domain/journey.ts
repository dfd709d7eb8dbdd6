/**
 * A person's journey: what they gave, the events they came to, their streak and their badges,
 * from their contributions and awards alone. Pure: the device computes it for its own person
 * offline, and the server for someone else's profile (when their privacy lets the viewer see it).
 */
import type { Award, Badge, Contribution } from './entities';
import { ATTENDED, weightOf, type Taxonomy } from './taxonomy';
import { addMonths, monthOf, weeklyStreak, type Streak } from './weeks';

/** How many months the month-by-month row shows, ending with this month. */
export const JOURNEY_MONTHS = 12;

export type JourneyContribution = Pick<
	Contribution,
	'id' | 'area' | 'activityType' | 'description' | 'happenedOn' | 'eventId' | 'durationMinutes'
>;
export type JourneyAward = Pick<Award, 'id' | 'badgeId' | 'awardedAt' | 'revokedAt'>;
export type JourneyBadge = Pick<Badge, 'id' | 'name' | 'image'>;

export interface JourneyTotals {
	/** Contributions logged (attending an event is not one). */
	contributions: number;
	/** Logged contributions, each counted by its activity type's weight. */
	points: number;
	/** Distinct events the person was checked in at. */
	eventsAttended: number;
	/** Hours given, from the durations people entered (attendance included), one decimal. */
	hours: number;
}

export interface EarnedBadge {
	awardId: string;
	badgeId: string;
	name: string;
	image: string | null;
	awardedAt: string;
}

export type TimelineItem =
	| { kind: 'contribution'; day: string; contribution: JourneyContribution }
	| { kind: 'badge'; day: string; badge: EarnedBadge };

export interface Journey {
	totals: JourneyTotals;
	/** Logged contributions per area slug, most first. */
	byArea: { slug: string; count: number }[];
	/** Logged contributions per month (YYYY-MM), the last JOURNEY_MONTHS months, oldest first. */
	byMonth: { month: string; count: number }[];
	/** Weeks in a row with any contribution, attendance included. */
	streak: Streak;
	/** Badges earned and not revoked, newest first. */
	badges: EarnedBadge[];
	/** Everything by month, newest month first, newest first within a month. */
	timeline: { month: string; items: TimelineItem[] }[];
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
	const logged = contributions.filter((c) => c.activityType !== ATTENDED);
	const events = new Set(
		contributions.flatMap((c) => (c.activityType === ATTENDED && c.eventId ? [c.eventId] : []))
	);
	const minutes = contributions.reduce((sum, c) => sum + (c.durationMinutes ?? 0), 0);
	const totals: JourneyTotals = {
		contributions: logged.length,
		points: logged.reduce((sum, c) => sum + weightOf(taxonomy, c.activityType), 0),
		eventsAttended: events.size,
		hours: Math.round(minutes / 6) / 10
	};

	const areas = new Map<string, number>();
	for (const c of logged) areas.set(c.area, (areas.get(c.area) ?? 0) + 1);
	const byArea = [...areas]
		.map(([slug, count]) => ({ slug, count }))
		.sort((a, b) => b.count - a.count || (a.slug < b.slug ? -1 : 1));

	const thisMonth = monthOf(today);
	const byMonth = Array.from({ length: JOURNEY_MONTHS }, (_, index) => ({
		month: addMonths(thisMonth, index - (JOURNEY_MONTHS - 1)),
		count: 0
	}));
	for (const c of logged) {
		const slot = byMonth.find((entry) => entry.month === monthOf(c.happenedOn));
		if (slot) slot.count += 1;
	}

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

	const items: TimelineItem[] = [
		...contributions.map((contribution) => ({
			kind: 'contribution' as const,
			day: contribution.happenedOn,
			contribution
		})),
		...earned.map((badge) => ({ kind: 'badge' as const, day: badge.awardedAt.slice(0, 10), badge }))
	].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
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

/** The answer of GET /api/people/:id/journey. */
export interface JourneyResponse {
	/** The person it is about (a merged id answers for the person who survived). */
	personId: string;
	journey: Journey;
}
