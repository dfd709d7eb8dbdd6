/**
 * The badge form's fields, and how they become badge.save arguments: the rule presets (none,
 * first contribution, attended N events, N contributions in an area and/or of a type within D
 * days, mentored someone, an N-week streak), the rule's problems against the taxonomy in force
 * (ruleProblem), and the registry's own schema, each problem as a translated message.
 */
import { ruleProblem, type BadgeRule } from '$lib/domain/badge-rules';
import type { Badge } from '$lib/domain/entities';
import { saveBadgeArgs, type SaveBadgeArgs } from '$lib/domain/mutations';
import type { Taxonomy } from '$lib/domain/taxonomy';
import { ruleProblemLabels } from '$lib/client/badge-labels';
import { m } from '$lib/paraglide/messages';

export const RULE_PRESETS = [
	'none',
	'first',
	'events',
	'contributions',
	'mentored',
	'streak'
] as const;
export type RulePreset = (typeof RULE_PRESETS)[number];

export const MENTORED = 'mentored';

export interface BadgeFields {
	name: string;
	slug: string;
	description: string;
	criteria: string;
	image: string | null;
	archived: boolean;
	preset: RulePreset;
	count: string;
	area: string;
	activityType: string;
	withinDays: string;
	weeks: string;
}

export type BadgeFieldErrors = Partial<
	Record<'name' | 'slug' | 'count' | 'withinDays' | 'weeks' | 'rule', string>
>;

function presetOf(rule: BadgeRule | null): RulePreset {
	if (rule === null) return 'none';
	if (rule.kind === 'events_attended') return 'events';
	if (rule.kind === 'streak') return 'streak';
	if (rule.count === 1 && !rule.area && !rule.activityType && rule.withinDays === null)
		return 'first';
	if (rule.activityType === MENTORED && rule.area === null) return 'mentored';
	return 'contributions';
}

export function fieldsFrom(badge: Badge | null): BadgeFields {
	const rule = badge?.rule ?? null;
	return {
		name: badge?.name ?? '',
		slug: badge?.slug ?? '',
		description: badge?.description ?? '',
		criteria: badge?.criteria ?? '',
		image: badge?.image ?? null,
		archived: badge?.archived ?? false,
		preset: presetOf(rule),
		count: rule && rule.kind !== 'streak' ? String(rule.count) : '3',
		area: rule?.kind === 'contributions' ? (rule.area ?? '') : '',
		activityType: rule?.kind === 'contributions' ? (rule.activityType ?? '') : '',
		withinDays:
			rule && rule.kind !== 'streak' && rule.withinDays !== null ? String(rule.withinDays) : '',
		weeks: rule?.kind === 'streak' ? String(rule.weeks) : '4'
	};
}

function whole(text: string, min: number, max: number): number | null {
	if (!/^\d+$/.test(text.trim())) return null;
	const value = Number(text.trim());
	return value >= min && value <= max ? value : null;
}

/** The rule the fields describe, or what is wrong with it per field. */
export function ruleFrom(
	fields: BadgeFields,
	taxonomy: Taxonomy
): { rule: BadgeRule | null; errors: BadgeFieldErrors } {
	const errors: BadgeFieldErrors = {};
	const count = whole(fields.count, 1, 10_000);
	const days = fields.withinDays.trim() === '' ? null : whole(fields.withinDays, 1, 3650);
	const needsCount = ['events', 'contributions', 'mentored'].includes(fields.preset);
	if (needsCount && count === null) errors.count = m.badge_error_count();
	if (needsCount && fields.withinDays.trim() !== '' && days === null)
		errors.withinDays = m.badge_error_days();
	let rule: BadgeRule | null = null;
	switch (fields.preset) {
		case 'none':
			return { rule: null, errors: {} };
		case 'first':
			rule = { kind: 'contributions', count: 1, area: null, activityType: null, withinDays: null };
			break;
		case 'events':
			if (count !== null) rule = { kind: 'events_attended', count, withinDays: days };
			break;
		case 'contributions':
			if (count !== null)
				rule = {
					kind: 'contributions',
					count,
					area: fields.area || null,
					activityType: fields.activityType || null,
					withinDays: days
				};
			break;
		case 'mentored':
			if (count !== null)
				rule = {
					kind: 'contributions',
					count,
					area: null,
					activityType: MENTORED,
					withinDays: days
				};
			break;
		case 'streak': {
			const weeks = whole(fields.weeks, 2, 520);
			if (weeks === null) errors.weeks = m.badge_error_weeks();
			else rule = { kind: 'streak', weeks };
			break;
		}
	}
	if (rule && Object.keys(errors).length === 0) {
		const problem = ruleProblem(rule, taxonomy);
		if (problem) errors.rule = ruleProblemLabels[problem]();
	}
	return { rule, errors };
}

export type BadgeFormOutcome =
	{ ok: true; args: SaveBadgeArgs } | { ok: false; errors: BadgeFieldErrors };

export function toArguments(
	id: string,
	fields: BadgeFields,
	takenSlugs: ReadonlySet<string>,
	taxonomy: Taxonomy
): BadgeFormOutcome {
	const slug = fields.slug.trim();
	const { rule, errors } = ruleFrom(fields, taxonomy);
	const name = fields.name.trim();
	if (name === '') errors.name = m.badge_error_name();
	if (!/^[a-z0-9-]{2,64}$/.test(slug)) errors.slug = m.badge_error_slug();
	else if (takenSlugs.has(slug)) errors.slug = m.badge_error_slug_taken();
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	const parsed = saveBadgeArgs.safeParse({
		id,
		slug,
		name,
		description: fields.description.trim(),
		criteria: fields.criteria.trim(),
		image: fields.image,
		rule,
		archived: fields.archived
	});
	if (!parsed.success) return { ok: false, errors: { name: m.badge_error_invalid() } };
	return { ok: true, args: parsed.data };
}
