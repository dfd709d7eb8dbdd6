import { mergeRequestSchema, type MergeRefusal } from '$lib/domain/people-admin';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson, readBody } from '$lib/server/http';
import { requirePeopleAdmin, unavailable } from '$lib/server/people/http';
import { mergePeople, MergeRefused } from '$lib/server/people/merge';
import type { RequestHandler } from './$types';

const REFUSALS: Record<MergeRefusal, [number, string]> = {
	same_person: [400, 'A person cannot be merged into themself'],
	not_found: [404, 'One of these people does not exist'],
	survivor_inactive: [409, 'The person to keep was merged or deleted'],
	merged_inactive: [409, 'The person to merge was already merged or deleted']
};

/** Merge `mergedId` into `survivorId`; answers the log entry of the merge. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const actor = requirePeopleAdmin(locals);
	const body = await readBody(request, mergeRequestSchema);
	try {
		const merge = await mergePeople(await openDatabase(), { ...body, mergedBy: actor.personId });
		return privateJson({ merge });
	} catch (failure) {
		if (failure instanceof MergeRefused) {
			const [status, message] = REFUSALS[failure.reason];
			return jsonError(status, failure.reason, message);
		}
		return unavailable('merge', failure);
	}
};
