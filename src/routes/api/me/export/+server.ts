import { openDatabase } from '$lib/server/db';
import { jsonError, requireActor } from '$lib/server/http';
import { exportPersonData } from '$lib/server/people/account';
import { exportFileName } from '$lib/domain/own-data';
import type { RequestHandler } from './$types';

/** Everything Gather holds about the signed-in person, as a JSON file to download. */
export const GET: RequestHandler = async ({ locals }) => {
	const actor = requireActor(locals);
	const now = new Date();
	const data = await exportPersonData(await openDatabase(), actor.personId, now);
	if (!data) return jsonError(404, 'not_found', 'This account no longer exists');
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${exportFileName(now)}"`,
			'cache-control': 'no-store'
		}
	});
};
