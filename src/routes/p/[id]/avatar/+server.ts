import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { lookUpPerson } from '$lib/server/profiles';

/**
 * A public avatar as an image (link previews cannot read data: URLs), only while the person's
 * avatar is public.
 */
export const GET: RequestHandler = async ({ params }) => {
	const found = await lookUpPerson(await openDatabase(), params.id, null);
	const avatar = found.kind === 'found' ? found.person.avatar : null;
	if (!avatar) error(404, 'Not found');
	const [, type, data] = /^data:(image\/[a-z]+);base64,(.*)$/.exec(avatar) ?? [];
	if (!type || !data) error(404, 'Not found');
	return new Response(Buffer.from(data, 'base64'), {
		headers: { 'content-type': type, 'cache-control': 'no-cache' }
	});
};
