import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { publicKeys } from '$lib/server/openbadges/credential';

/** One public key, as a credential's `kid` names it (OB 3.0: the kid dereferences to a JWK). */
export const GET: RequestHandler = async ({ params }) => {
	const key = (await publicKeys(await openDatabase())).find((jwk) => jwk.kid === params.kid);
	if (!key) error(404, { message: 'No such key' });
	return json(key, {
		headers: {
			'content-type': 'application/jwk+json',
			'access-control-allow-origin': '*',
			'cache-control': 'no-cache'
		}
	});
};
