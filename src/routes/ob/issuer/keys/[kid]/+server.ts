import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { publicKeys } from '$lib/server/openbadges/credential';
import { ldJson } from '$lib/server/openbadges/http';

/** One public key, as a credential's `kid` names it (OB 3.0: the kid dereferences to a JWK). */
export const GET: RequestHandler = async ({ params }) => {
	const key = (await publicKeys(await openDatabase())).find((jwk) => jwk.kid === params.kid);
	if (!key) error(404, { message: 'No such key' });
	return ldJson(key, 200, 'application/jwk+json');
};
