/**
 * Permissions as pure functions of the actor and the target. The UI calls them to hide what
 * the server would refuse; the server calls the same functions to enforce.
 */
import type { Actor } from './actor';

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

/** The door: an event's organizers (and admins) record check-ins. */
export function canCheckIn(actor: Actor | null, organizerIds: readonly string[]): boolean {
	return actor !== null && (organizerIds.includes(actor.personId) || hasRole(actor, 'admin'));
}

/** Badges are awarded by organizers and mentors (and admins). */
export function canAward(actor: Actor | null): boolean {
	return actor !== null && (hasRole(actor, 'organizer') || hasRole(actor, 'mentor'));
}
