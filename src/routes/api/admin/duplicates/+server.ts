import { openDatabase } from '$lib/server/db';
import { privateJson } from '$lib/server/http';
import { duplicatesReport } from '$lib/server/people/duplicates';
import { requirePeopleAdmin, unavailable } from '$lib/server/people/http';
import type { RequestHandler } from './$types';

/** Likely duplicates among active people, most certain first. */
export const GET: RequestHandler = async ({ locals }) => {
	requirePeopleAdmin(locals);
	try {
		return privateJson(await duplicatesReport(await openDatabase()));
	} catch (failure) {
		return unavailable('duplicates list', failure);
	}
};
