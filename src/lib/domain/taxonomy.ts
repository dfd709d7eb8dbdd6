/**
 * The taxonomy of functional areas and activity types. Slugs are stable identifiers stored
 * with each contribution. The built-in terms below always exist, their names translated in
 * messages/ (area_<slug>, activity_<slug>); admins edit the taxonomy with `taxonomy.save`,
 * whose rows (`TaxonomyTerm`, synced to every device) rename, re-weight, reorder or archive a
 * built-in term, or add a new one. `effectiveTaxonomy` joins the two: both appliers and every
 * screen read the taxonomy through it.
 */
import { z } from 'zod';
import { MutationRejected } from './rejection';

export const AREAS = [
	'community',
	'localization',
	'development',
	'documentation',
	'design',
	'education',
	'events',
	'marketing',
	'support',
	'testing'
] as const;

/** A built-in area (profiles, groups and events pick among these). */
export type Area = (typeof AREAS)[number];

/** What people log themselves (the log form's built-in choices). */
export const LOGGED_ACTIVITY_TYPES = [
	'organized_event',
	'gave_talk',
	'translated',
	'wrote_code',
	'wrote_docs',
	'reviewed',
	'mentored',
	'answered_questions',
	'wrote_post',
	'tested',
	'designed',
	'other'
] as const;

/**
 * `attended` is recorded by the server itself when someone is checked in at an event (and
 * removed when the check-in is undone); nobody logs it, and admins cannot archive or add it.
 */
export const ATTENDED = 'attended';

/** Every built-in activity type: the logged ones, and `attended`. */
export const ACTIVITY_TYPES = [...LOGGED_ACTIVITY_TYPES, ATTENDED] as const;

/** A built-in activity type (its name is a message). */
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const TAXONOMY_KINDS = ['area', 'activity'] as const;
export type TaxonomyKind = (typeof TAXONOMY_KINDS)[number];

/** A term's stable identifier: lower-case letters, digits and underscores. */
export const taxonomySlug = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/);

/** How much one contribution of a type counts when nobody set a weight. */
export const DEFAULT_WEIGHT = 1;
export const MAX_WEIGHT = 100;
export const MAX_TERM_NAME_LENGTH = 60;

/**
 * One term of the taxonomy as admins saved it, keyed by (kind, slug). `names` are the names
 * admins typed, per locale (`en`, `pt-BR`); a built-in term without a name in the reader's
 * locale shows its translated message, a new term its name in English, else any name.
 */
export interface TaxonomyTermValues {
	kind: TaxonomyKind;
	slug: string;
	names: Record<string, string>;
	/** Activity types only: how much one contribution counts (engagement, dashboards); null = 1. */
	weight: number | null;
	/** Archived terms stay on old contributions and in metrics, but cannot be logged anew. */
	archived: boolean;
	/** The order of the log form's choices; built-ins default to their place in the lists above. */
	position: number;
}

/** A term as every reader sees it: built-in or added, with its override applied. */
export interface Term extends TaxonomyTermValues {
	builtIn: boolean;
}

export interface Taxonomy {
	areas: Term[];
	activities: Term[];
}

function builtIns(kind: TaxonomyKind, slugs: readonly string[]): Term[] {
	return slugs.map((slug, position) => ({
		kind,
		slug,
		names: {},
		weight: null,
		archived: false,
		position: position * 10,
		builtIn: true
	}));
}

/**
 * The taxonomy in force: the built-in terms with the admins' rows laid over them (a row with a
 * built-in's slug overrides it), and the admins' new terms; each list ordered by position,
 * then slug. `attended` is always there and never archived (the server keeps recording it).
 */
export function effectiveTaxonomy(rows: readonly TaxonomyTermValues[]): Taxonomy {
	const merge = (kind: TaxonomyKind, slugs: readonly string[]) => {
		const terms = new Map(builtIns(kind, slugs).map((term) => [term.slug, term]));
		for (const row of rows) {
			if (row.kind !== kind) continue;
			const builtIn = terms.get(row.slug)?.builtIn ?? false;
			terms.set(row.slug, { ...row, builtIn });
		}
		const attended = terms.get(ATTENDED);
		if (kind === 'activity' && attended) attended.archived = false;
		return [...terms.values()].sort(
			(a, b) => a.position - b.position || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)
		);
	};
	return { areas: merge('area', AREAS), activities: merge('activity', ACTIVITY_TYPES) };
}

export function findTerm(taxonomy: Taxonomy, kind: TaxonomyKind, slug: string): Term | undefined {
	return (kind === 'area' ? taxonomy.areas : taxonomy.activities).find((t) => t.slug === slug);
}

/** The weight of one contribution of this activity type (unknown types count DEFAULT_WEIGHT). */
export function weightOf(taxonomy: Taxonomy, activityType: string): number {
	return findTerm(taxonomy, 'activity', activityType)?.weight ?? DEFAULT_WEIGHT;
}

/** What a person may log now: an area and an activity type that exist and are not archived. */
export type LoggableProblem = 'unknown_area' | 'unknown_activity' | 'archived' | 'reserved';

export function loggableProblem(
	taxonomy: Taxonomy,
	area: string,
	activityType: string
): LoggableProblem | null {
	if (activityType === ATTENDED) return 'reserved';
	const areaTerm = findTerm(taxonomy, 'area', area);
	if (!areaTerm) return 'unknown_area';
	const activity = findTerm(taxonomy, 'activity', activityType);
	if (!activity) return 'unknown_activity';
	if (areaTerm.archived || activity.archived) return 'archived';
	return null;
}

/** Refuses (as invalid, with the problem) an area and type that cannot be logged now: both appliers. */
export function requireLoggable(taxonomy: Taxonomy, area: string, activityType: string): void {
	const problem = loggableProblem(taxonomy, area, activityType);
	if (problem) throw new MutationRejected('invalid', problem);
}
