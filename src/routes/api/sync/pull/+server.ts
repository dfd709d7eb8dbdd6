import { pullRequestSchema } from '$lib/domain/sync-protocol';
import { openDatabase } from '$lib/server/db';
import { privateJson, readBody, requireActor } from '$lib/server/http';
import { handlePull } from '$lib/server/sync/pull';
import { syncFailure } from '$lib/server/sync/responses';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	const actor = requireActor(locals);
	const body = await readBody(request, pullRequestSchema);
	try {
		const response = await handlePull(await openDatabase(), actor, body);
		return privateJson(response);
	} catch (failure) {
		return syncFailure('pull', failure);
	}
};
