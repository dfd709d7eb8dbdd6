/**
 * The built-in taxonomy of functional areas and activity types. Slugs are stable identifiers
 * stored with each contribution; their names are translated in messages/ (area_<slug>,
 * activity_<slug>). An admin-editable taxonomy replaces this list in a later issue.
 */
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

export type Area = (typeof AREAS)[number];

export const ACTIVITY_TYPES = [
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

export type ActivityType = (typeof ACTIVITY_TYPES)[number];
