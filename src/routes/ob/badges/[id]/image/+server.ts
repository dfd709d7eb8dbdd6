import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { badgeOr404 } from '$lib/server/openbadges/http';

/** A badge's picture as bytes (documents and backpacks cannot use data: URLs). */
export const GET: RequestHandler = async ({ params }) => {
	const badge = await badgeOr404(params.id);
	const [, type, data] = /^data:(image\/[a-z]+);base64,(.*)$/u.exec(badge.image ?? '') ?? [];
	if (!type || !data) error(404, { message: 'This badge has no picture' });
	return new Response(Buffer.from(data, 'base64'), {
		headers: {
			'content-type': type,
			'access-control-allow-origin': '*',
			'cache-control': 'no-cache'
		}
	});
};
