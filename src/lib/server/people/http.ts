/** The edges shared by the admin people endpoints: who may call them, and failures as JSON. */
import { error } from '@sveltejs/kit';
import type { Actor } from '$lib/domain/actor';
import { canManagePeople } from '$lib/domain/permissions';
import { jsonError, requireActor } from '$lib/server/http';

/** The acting admin: 401 without a session, 403 for anyone who may not manage people. */
export function requirePeopleAdmin(locals: App.Locals): Actor {
	const actor = requireActor(locals);
	if (!canManagePeople(actor)) error(403, { message: 'Only admins manage people' });
	return actor;
}

/** A failure past validation (the database unreachable): logged, and 503 so the screen can retry. */
export function unavailable(operation: string, failure: unknown): Response {
	console.error(`admin ${operation} failed`, failure);
	return jsonError(503, 'unavailable', 'People management is unavailable right now; try again');
}
