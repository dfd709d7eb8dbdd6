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

/** What people log themselves (the log form's choices). */
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
 * Every activity type: the logged ones, and `attended`, which the server records itself when
 * someone is checked in at an event (and removes when the check-in is undone).
 */
export const ACTIVITY_TYPES = [...LOGGED_ACTIVITY_TYPES, 'attended'] as const;

export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export type LoggedActivityType = (typeof LOGGED_ACTIVITY_TYPES)[number];
