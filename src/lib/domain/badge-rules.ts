/**
 * Automatic badge rules: what a badge class may ask for, so the server awards it by itself
 * when someone meets it (server/badges/), and a person's device shows their progress toward it.
 * Presets on the badge form ("first contribution", "attended 3 events", "10 contributions in
 * an area within 90 days", "mentored someone") are rules of these kinds.
 */
import { z } from 'zod';
import { ATTENDED, findTerm, taxonomySlug, type Taxonomy } from './taxonomy';
import { addDays, weeklyStreak } from './weeks';

export const MAX_RULE_COUNT = 10_000;
export const MAX_RULE_DAYS = 3650;
export const MAX_RULE_WEEKS = 520;

const count = z.number().int().min(1).max(MAX_RULE_COUNT);
const withinDays = z.number().int().min(1).max(MAX_RULE_DAYS).nullable();

export const badgeRuleSchema = z.discriminatedUnion('kind', [
	/**
	 * `count` contributions (never `attended`: that is events_attended), optionally only in
	 * one area and/or of one activity type, optionally within the last `withinDays` days
	 * (counting today). First contribution = count 1; mentored someone = activity `mentored`.
	 */
	z.object({
		kind: z.literal('contributions'),
		count,
		area: taxonomySlug.nullable(),
		activityType: taxonomySlug.nullable(),
		withinDays
	}),
	/** Checked in at `count` different events (optionally within the last `withinDays` days). */
	z.object({ kind: z.literal('events_attended'), count, withinDays }),
	/** Something done (anything, attending included) in `weeks` weeks in a row. */
	z.object({ kind: z.literal('streak'), weeks: z.number().int().min(2).max(MAX_RULE_WEEKS) })
]);
export type BadgeRule = z.infer<typeof badgeRuleSchema>;
export type BadgeRuleKind = BadgeRule['kind'];

/** Why a well-formed rule still cannot be evaluated; each has a translated message. */
export type RuleProblem = 'unknown_area' | 'unknown_activity' | 'attended_activity';

export function ruleProblem(rule: BadgeRule, taxonomy: Taxonomy): RuleProblem | null {
	if (rule.kind !== 'contributions') return null;
	if (rule.activityType === ATTENDED) return 'attended_activity';
	if (rule.area !== null && !findTerm(taxonomy, 'area', rule.area)) return 'unknown_area';
	if (rule.activityType !== null && !findTerm(taxonomy, 'activity', rule.activityType))
		return 'unknown_activity';
	return null;
}

/** What a rule reads about one person: their contributions (attended ones are the events). */
export interface RuleFact {
	happenedOn: string;
	area: string;
	activityType: string;
	eventId: string | null;
}

export interface RuleProgress {
	current: number;
	target: number;
	met: boolean;
}

/**
 * How far a person is toward a rule as of `today` (their calendar date). The definition the
 * server's evaluation must agree with (server/badges/ is tested against it).
 */
export function ruleProgress(
	rule: BadgeRule,
	facts: readonly RuleFact[],
	today: string
): RuleProgress {
	const since = (days: number | null) => (days === null ? null : addDays(today, -(days - 1)));
	const inWindow = (fact: RuleFact, from: string | null) =>
		fact.happenedOn <= today && (from === null || fact.happenedOn >= from);
	let current: number;
	let target: number;
	switch (rule.kind) {
		case 'contributions': {
			const from = since(rule.withinDays);
			current = facts.filter(
				(fact) =>
					fact.activityType !== ATTENDED &&
					inWindow(fact, from) &&
					(rule.area === null || fact.area === rule.area) &&
					(rule.activityType === null || fact.activityType === rule.activityType)
			).length;
			target = rule.count;
			break;
		}
		case 'events_attended': {
			const from = since(rule.withinDays);
			const events = new Set<string>();
			for (const fact of facts)
				if (fact.activityType === ATTENDED && fact.eventId !== null && inWindow(fact, from))
					events.add(fact.eventId);
			current = events.size;
			target = rule.count;
			break;
		}
		case 'streak': {
			// Met once any run reached the length (a streak that ended still earned it).
			const streak = weeklyStreak(
				facts.map((fact) => fact.happenedOn),
				today
			);
			target = rule.weeks;
			current = streak.longest >= target ? target : streak.current;
			break;
		}
	}
	return { current: Math.min(current, target), target, met: current >= target };
}
