import { error } from '@sveltejs/kit';
import { openDatabase } from '$lib/server/db';
import { readAward, readBadge } from './records';

/**
 * A public Open Badges document: JSON-LD any site may read (backpacks and verifiers fetch from
 * the browser), asked again each time (a revocation must show at once).
 */
export function ldJson(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body, null, 2), {
		status,
		headers: {
			'content-type': 'application/ld+json; charset=utf-8',
			'access-control-allow-origin': '*',
			'cache-control': 'no-cache'
		}
	});
}

/** The badge a route names, or 404. */
export async function badgeOr404(id: string) {
	const badge = await readBadge(await openDatabase(), id);
	if (!badge) error(404, { message: 'No such badge' });
	return badge;
}

/** The award a route names, or 404. */
export async function awardOr404(id: string) {
	const award = await readAward(await openDatabase(), id);
	if (!award) error(404, { message: 'No such award' });
	return award;
}
