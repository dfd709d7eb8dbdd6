/** Badge words: a rule said in words, rule and image problems, statuses and award sources. */
import type { BadgeRule, RuleProblem } from '$lib/domain/badge-rules';
import type { AwardSource, NominationStatus } from '$lib/domain/entities';
import type { Taxonomy } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import { formatNumber } from './format';
import type { ImageProblem } from './image-resize';
import { slugName } from './labels';

/** A rule as the parts of one sentence ("Contributions: 10 · Area: Localization · …"). */
export function ruleInWords(rule: BadgeRule, taxonomy: Taxonomy): string[] {
	switch (rule.kind) {
		case 'contributions': {
			if (
				rule.count === 1 &&
				rule.area === null &&
				rule.activityType === null &&
				rule.withinDays === null
			)
				return [m.badge_rule_first_words()];
			const parts = [m.badge_rule_contributions_words({ count: formatNumber(rule.count) })];
			if (rule.activityType !== null)
				parts.push(
					m.badge_rule_type_words({ type: slugName(taxonomy, 'activity', rule.activityType) })
				);
			if (rule.area !== null)
				parts.push(m.badge_rule_area_words({ area: slugName(taxonomy, 'area', rule.area) }));
			if (rule.withinDays !== null)
				parts.push(m.badge_rule_within_words({ days: formatNumber(rule.withinDays) }));
			return parts;
		}
		case 'events_attended': {
			const parts = [m.badge_rule_events_words({ count: formatNumber(rule.count) })];
			if (rule.withinDays !== null)
				parts.push(m.badge_rule_within_words({ days: formatNumber(rule.withinDays) }));
			return parts;
		}
		case 'streak':
			return [m.badge_rule_streak_words({ weeks: formatNumber(rule.weeks) })];
	}
}

export const ruleProblemLabels: Record<RuleProblem, () => string> = {
	unknown_area: m.badge_rule_unknown_area,
	unknown_activity: m.badge_rule_unknown_activity,
	attended_activity: m.badge_rule_attended_activity
};

export const badgeImageProblemLabels: Record<ImageProblem, () => string> = {
	not_image: m.badge_image_not_image,
	file_too_big: m.badge_image_too_big,
	cannot_shrink: m.badge_image_cannot_shrink
};

export const nominationStatusLabels: Record<NominationStatus, () => string> = {
	pending: m.nomination_status_pending,
	approved: m.nomination_status_approved,
	declined: m.nomination_status_declined
};

export const awardSourceLabels: Record<AwardSource, () => string> = {
	manual: m.badge_source_manual,
	nomination: m.badge_source_nomination,
	rule: m.badge_source_rule
};
