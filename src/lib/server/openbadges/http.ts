import { error } from '@sveltejs/kit';
import { openDatabase } from '$lib/server/db';
import { readAward, readBadge, type BadgeRow } from './records';

/**
 * A public Open Badges response any site may read (backpacks and verifiers fetch from the
 * browser), asked again each time (a revocation must show at once).
 */
function publicResponse(body: BodyInit, contentType: string, status = 200): Response {
	return new Response(body, {
		status,
		headers: {
			'content-type': contentType,
			'access-control-allow-origin': '*',
			'cache-control': 'no-cache'
		}
	});
}

/** A public JSON document: JSON-LD unless another JSON type is named (a JWK, a JWK Set). */
export function ldJson(
	body: unknown,
	status = 200,
	contentType = 'application/ld+json; charset=utf-8'
): Response {
	return publicResponse(JSON.stringify(body, null, 2), contentType, status);
}

/** A badge's picture as bytes (documents and backpacks cannot use data: URLs), or 404. */
export function badgeImage(badge: BadgeRow): Response {
	const [, type, data] = /^data:(image\/[a-z]+);base64,(.*)$/u.exec(badge.image ?? '') ?? [];
	if (!type || !data) error(404, { message: 'This badge has no picture' });
	return publicResponse(Buffer.from(data, 'base64'), type);
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
