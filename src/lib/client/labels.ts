/** Translated names of the taxonomy, rejection reasons and sync failures, checked for completeness by the compiler. */
import type { RejectionReason } from '$lib/domain/entities';
import type { MutationName } from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import type { ActivityType, Area, Taxonomy, TaxonomyKind, Term } from '$lib/domain/taxonomy';
import { findTerm } from '$lib/domain/taxonomy';
import { getLocale } from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';
import { StorageFullError } from './durability';
import type { SyncFailure } from './sync/transport';

export const areaLabels: Record<Area, () => string> = {
	community: m.area_community,
	localization: m.area_localization,
	development: m.area_development,
	documentation: m.area_documentation,
	design: m.area_design,
	education: m.area_education,
	events: m.area_events,
	marketing: m.area_marketing,
	support: m.area_support,
	testing: m.area_testing
};

export const activityLabels: Record<ActivityType, () => string> = {
	organized_event: m.activity_organized_event,
	gave_talk: m.activity_gave_talk,
	translated: m.activity_translated,
	wrote_code: m.activity_wrote_code,
	wrote_docs: m.activity_wrote_docs,
	reviewed: m.activity_reviewed,
	mentored: m.activity_mentored,
	answered_questions: m.activity_answered_questions,
	wrote_post: m.activity_wrote_post,
	tested: m.activity_tested,
	designed: m.activity_designed,
	other: m.activity_other,
	attended: m.activity_attended
};

/**
 * A taxonomy term's name for the reader: the name admins typed in their locale, else a
 * built-in term's translated name, else the typed English name, else any, else its slug.
 */
export function termName(term: Pick<Term, 'kind' | 'slug' | 'names' | 'builtIn'>): string {
	const locale = getLocale();
	const typed = term.names[locale] ?? term.names[locale.split('-')[0]];
	if (typed) return typed;
	if (term.builtIn) {
		const labels: Record<string, () => string> = term.kind === 'area' ? areaLabels : activityLabels;
		const label = labels[term.slug];
		if (label) return label();
	}
	return term.names.en ?? Object.values(term.names)[0] ?? term.slug;
}

/** The name of an area or activity type by slug (a slug the taxonomy lacks shows as itself). */
export function slugName(taxonomy: Taxonomy, kind: TaxonomyKind, slug: string): string {
	const term = findTerm(taxonomy, kind, slug);
	return term ? termName(term) : slug;
}

export const reasonLabels: Record<RejectionReason, () => string> = {
	forbidden: m.reason_forbidden,
	invalid: m.reason_invalid,
	conflict: m.reason_conflict,
	not_found: m.reason_not_found,
	unknown: m.reason_unknown,
	clock: m.reason_clock,
	revoked: m.reason_revoked,
	closed: m.reason_closed,
	wrong_code: m.reason_wrong_code,
	too_late: m.reason_too_late,
	not_registered: m.reason_not_registered,
	verified: m.reason_verified,
	already_decided: m.reason_already_decided
};

/** What a queued or refused write was, by mutation name. */
export const mutationLabels: Record<MutationName, () => string> = {
	'contribution.log': m.mutation_contribution_log,
	'contribution.edit': m.mutation_contribution_edit,
	'contribution.delete': m.mutation_contribution_delete,
	'contribution.verify': m.mutation_contribution_verify,
	'taxonomy.save': m.mutation_taxonomy_save,
	'badge.save': m.mutation_badge_save,
	'award.revoke': m.mutation_award_revoke,
	'nomination.create': m.mutation_nomination_create,
	'nomination.decide': m.mutation_nomination_decide,
	'profile.update': m.mutation_profile_update,
	'checkin.record': m.mutation_checkin_record,
	'checkin.undo': m.mutation_checkin_undo,
	'checkin.walkIn': m.mutation_checkin_walk_in,
	'checkin.self': m.mutation_checkin_self,
	'event.save': m.mutation_event_save,
	'registration.create': m.mutation_registration_create,
	'registration.cancel': m.mutation_registration_cancel,
	'registration.revoke': m.mutation_registration_revoke,
	'award.grant': m.mutation_award_grant,
	'rejection.dismiss': m.mutation_rejection_dismiss,
	'group.save': m.mutation_group_save,
	'group.join': m.mutation_group_join,
	'group.leave': m.mutation_group_leave,
	'membership.set': m.mutation_membership_set,
	'person.setRoles': m.mutation_person_set_roles
};

export const syncFailureLabels: Record<SyncFailure, () => string> = {
	offline: m.sync_failure_offline,
	server: m.sync_failure_server,
	forbidden: m.sync_failure_forbidden,
	rejected: m.sync_failure_rejected,
	unauthorized: m.sync_failure_unauthorized,
	storage: m.sync_failure_storage
};

/** Why a local write (`app.mutate`) did not save, for the person who tried: a rule, a full disk, or else. */
export function saveFailureMessage(error: unknown): string {
	if (error instanceof MutationRejected) return reasonLabels[error.reason]();
	if (error instanceof StorageFullError) return m.error_storage_full();
	return m.error_save_failed({ reason: error instanceof Error ? error.message : String(error) });
}
