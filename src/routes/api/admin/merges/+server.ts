import { openDatabase } from '$lib/server/db';
import { privateJson } from '$lib/server/http';
import { requirePeopleAdmin, unavailable } from '$lib/server/people/http';
import { listMerges } from '$lib/server/people/merge';
import type { RequestHandler } from './$types';

/** The merge log, newest first. */
export const GET: RequestHandler = async ({ locals }) => {
	requirePeopleAdmin(locals);
	try {
		return privateJson({ merges: await listMerges(await openDatabase()) });
	} catch (failure) {
		return unavailable('merge log', failure);
	}
};
