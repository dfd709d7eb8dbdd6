import { pushRequestSchema } from '$lib/domain/sync-protocol';
import { openDatabase } from '$lib/server/db';
import { privateJson, readBody, requireActor } from '$lib/server/http';
import { handlePush } from '$lib/server/sync/push';
import { syncFailure } from '$lib/server/sync/responses';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request, locals }) => {
	const actor = requireActor(locals);
	const body = await readBody(request, pushRequestSchema);
	try {
		const response = await handlePush(await openDatabase(), actor, body);
		return privateJson(response);
	} catch (failure) {
		return syncFailure('push', failure);
	}
};
