import type { RequestHandler } from './$types';
import type { PersonResponse } from '$lib/domain/people-api';
import { openDatabase } from '$lib/server/db';
import { actorOf, jsonError, privateJson } from '$lib/server/http';
import { lookUpPerson } from '$lib/server/profiles';

/**
 * One person as the caller may see them: signed in (the session hook's person) as a member or
 * themself, else as the public. A merged id answers with the merged person (status `merged`,
 * `mergedInto`), for the caller to follow.
 */
export const GET: RequestHandler = async ({ params, locals }) => {
	const viewer = actorOf(locals);
	const found = await lookUpPerson(await openDatabase(), params.id, viewer);
	if (found.kind === 'malformed') return jsonError(400, 'invalid_id', 'Not a person id');
	if (found.kind === 'hidden') return jsonError(404, 'not_found', 'No such person');
	// Never cached: a privacy change must take effect at once.
	return privateJson({ person: found.person } satisfies PersonResponse);
};
