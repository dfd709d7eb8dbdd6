/** Translated names of roles, group kinds and membership policies, checked for completeness by the compiler. */
import type { GroupKind, MembershipPolicy, Role } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';

export const roleLabels: Record<Role, () => string> = {
	member: m.role_member,
	volunteer: m.role_volunteer,
	organizer: m.role_organizer,
	mentor: m.role_mentor,
	moderator: m.role_moderator,
	admin: m.role_admin
};

/** What each role lets a person do, in one line (shown where admins grant roles). */
export const roleHints: Record<Role, () => string> = {
	member: m.role_member_hint,
	volunteer: m.role_volunteer_hint,
	organizer: m.role_organizer_hint,
	mentor: m.role_mentor_hint,
	moderator: m.role_moderator_hint,
	admin: m.role_admin_hint
};

/** One group's kind ("Region"). */
export const groupKindLabels: Record<GroupKind, () => string> = {
	area: m.group_kind_area,
	region: m.group_kind_region,
	team: m.group_kind_team
};

/** A heading over every group of a kind ("Regions"). */
export const groupKindHeadings: Record<GroupKind, () => string> = {
	area: m.group_kind_area_plural,
	region: m.group_kind_region_plural,
	team: m.group_kind_team_plural
};

/** A policy's short name ("By request"). */
export const groupPolicyLabels: Record<MembershipPolicy, () => string> = {
	open: m.group_policy_open,
	request: m.group_policy_request,
	closed: m.group_policy_closed
};

/** A policy in a sentence, as a group's page explains how to join. */
export const groupPolicyExplanations: Record<MembershipPolicy, () => string> = {
	open: m.group_policy_open_explained,
	request: m.group_policy_request_explained,
	closed: m.group_policy_closed_explained
};
