/**
 * Permissions as pure functions of the actor and the target. The UI calls them to hide what
 * the server would refuse; the server calls the same functions to enforce.
 */
import type { Actor } from './actor';
import type { Contribution, Group, Nomination } from './entities';
import { ATTENDED } from './taxonomy';

export function hasRole(actor: Actor, role: Actor['roles'][number]): boolean {
	return actor.roles.includes(role) || actor.roles.includes('admin');
}

/** Every signed-in member logs their own contributions. */
export function canLogContribution(actor: Actor | null): actor is Actor {
	return actor !== null;
}

/** A refused write belongs to its author; only they (or an admin) may dismiss it. */
export function canDismissRejection(actor: Actor | null, authorId: string): boolean {
	return actor !== null && (actor.personId === authorId || hasRole(actor, 'admin'));
}

/** People edit their own profile; admins edit anyone's. */
export function canEditProfile(actor: Actor | null, personId: string): boolean {
	return actor !== null && (actor.personId === personId || hasRole(actor, 'admin'));
}

type EventStaff = { organizerIds: readonly string[]; doorIds: readonly string[] };

/**
 * The door: an event's organizers, its door helpers (who may do nothing else) and admins
 * record check-ins, undo them, register walk-ins and see the attendee list.
 */
export function canCheckIn(actor: Actor | null, event: EventStaff): boolean {
	return (
		actor !== null &&
		(event.organizerIds.includes(actor.personId) ||
			event.doorIds.includes(actor.personId) ||
			hasRole(actor, 'admin'))
	);
}

/** Organizers (Reps) and admins create events. */
export function canCreateEvent(actor: Actor | null): actor is Actor {
	return actor !== null && hasRole(actor, 'organizer');
}

/**
 * An event's organizers (and admins) edit, cancel and report on it, revoke tickets and add
 * people to it; door helpers do not.
 */
export function canManageEvent(actor: Actor | null, event: { organizerIds: readonly string[] }) {
	return actor !== null && (event.organizerIds.includes(actor.personId) || hasRole(actor, 'admin'));
}

/**
 * Registering someone for an event: people register themselves for public and community
 * events; only its organizers add people to an invite-only one (or anyone to any event).
 */
export function canRegister(
	actor: Actor | null,
	event: { organizerIds: readonly string[]; visibility: string },
	personId: string
): boolean {
	if (actor === null) return false;
	if (canManageEvent(actor, event)) return true;
	return actor.personId === personId && event.visibility !== 'invite';
}

/**
 * Badges are awarded by organizers and mentors (and admins), to someone else: a badge says
 * that others recognise what the person did.
 */
export function canAward(actor: Actor | null, personId: string): boolean {
	return (
		actor !== null &&
		actor.personId !== personId &&
		(hasRole(actor, 'organizer') || hasRole(actor, 'mentor'))
	);
}

/** Roles are granted and taken away by admins only. */
export function canManageRoles(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** Groups are created, edited and archived by admins. */
export function canManageGroups(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** A group's curators (and admins) decide requests, add and remove members, name curators. */
export function canCurate(actor: Actor | null, curatorIds: readonly string[]): boolean {
	return actor !== null && (curatorIds.includes(actor.personId) || hasRole(actor, 'admin'));
}

/**
 * Joining on one's own: an open group at once, a by-request group as a request; a closed or
 * archived group only through a curator.
 */
export function canJoinGroup(
	actor: Actor | null,
	group: Pick<Group, 'policy' | 'archived'>
): boolean {
	return actor !== null && !group.archived && group.policy !== 'closed';
}

/** People, duplicates, merges and imports are managed by admins. */
export function canManagePeople(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** The directory is for signed-in members; each sees only what privacy lets them. */
export function canSearchDirectory(actor: Actor | null): actor is Actor {
	return actor !== null;
}

/** The taxonomy of areas and activity types is edited by admins. */
export function canEditTaxonomy(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** A contribution can be changed by its author this many days after it was logged. */
export const CONTRIBUTION_EDIT_DAYS = 30;

/** Why `actor` may not edit (or delete) a contribution at `atMs`, or null when they may. */
export type ContributionEditProblem = 'forbidden' | 'verified' | 'too_late';

/**
 * Authors edit and delete their own logged contributions for CONTRIBUTION_EDIT_DAYS, until a
 * mentor or organizer verifies them; an `attended` one belongs to the event's check-in.
 * Admins may delete any logged contribution (moderation), but edit none.
 */
export function contributionEditProblem(
	actor: Actor | null,
	contribution: Pick<Contribution, 'personId' | 'activityType' | 'createdAt' | 'verifiedAt'>,
	atMs: number,
	change: 'edit' | 'delete'
): ContributionEditProblem | null {
	if (actor === null || contribution.activityType === ATTENDED) return 'forbidden';
	if (actor.personId !== contribution.personId)
		return change === 'delete' && hasRole(actor, 'admin') ? null : 'forbidden';
	if (contribution.verifiedAt !== null) return 'verified';
	if (atMs - Date.parse(contribution.createdAt) > CONTRIBUTION_EDIT_DAYS * 24 * 3600 * 1000)
		return 'too_late';
	return null;
}

/** Mentors and organizers (and admins) verify other people's logged contributions. */
export function canVerifyContribution(
	actor: Actor | null,
	contribution: Pick<Contribution, 'personId' | 'activityType'>
): boolean {
	return (
		actor !== null &&
		actor.personId !== contribution.personId &&
		contribution.activityType !== ATTENDED &&
		(hasRole(actor, 'mentor') || hasRole(actor, 'organizer'))
	);
}

/** Badge classes (and their automatic rules) are made and edited by admins. */
export function canManageBadges(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** Any member may nominate someone else for a badge. */
export function canNominate(actor: Actor | null, personId: string): boolean {
	return actor !== null && actor.personId !== personId;
}

/** A nomination is decided by someone who may award the badge, other than its nominator. */
export function canDecideNomination(
	actor: Actor | null,
	nomination: Pick<Nomination, 'personId' | 'nominatedBy'>
): boolean {
	return canAward(actor, nomination.personId) && actor?.personId !== nomination.nominatedBy;
}

/** Awards are revoked by admins only (with a reason the verification page shows). */
export function canRevokeAward(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'admin');
}

/** Community dashboards are for organizers (Reps) and admins. */
export function canViewDashboards(actor: Actor | null): boolean {
	return actor !== null && hasRole(actor, 'organizer');
}
