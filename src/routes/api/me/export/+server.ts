import { openDatabase } from '$lib/server/db';
import { jsonError, requireActor } from '$lib/server/http';
import { exportPersonData } from '$lib/server/people/account';
import { unavailable } from '$lib/server/people/http';
import { exportFileName } from '$lib/domain/own-data';
import type { RequestHandler } from './$types';

/** Everything Gather holds about the signed-in person, as a JSON file to download. */
export const GET: RequestHandler = async ({ locals }) => {
	const actor = requireActor(locals);
	const now = new Date();
	let data: Awaited<ReturnType<typeof exportPersonData>>;
	try {
		data = await exportPersonData(await openDatabase(), actor.personId, now);
	} catch (failure) {
		return unavailable('export', failure);
	}
	if (!data) return jsonError(404, 'not_found', 'This account no longer exists');
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${exportFileName(now)}"`,
			'cache-control': 'no-store'
		}
	});
};
