/** The edges shared by the people endpoints (admin and own data): who may call them, failures as JSON. */
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
	console.error(`${operation} failed`, failure);
	return jsonError(503, 'unavailable', `The ${operation} is unavailable right now; try again`);
}
