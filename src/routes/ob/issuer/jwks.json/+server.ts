import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { publicKeys } from '$lib/server/openbadges/credential';

/** The issuer's public keys as a JWK Set (RFC 7517 §5). */
export const GET: RequestHandler = async () =>
	json(
		{ keys: await publicKeys(await openDatabase()) },
		{
			headers: {
				'content-type': 'application/jwk-set+json',
				'access-control-allow-origin': '*',
				'cache-control': 'no-cache'
			}
		}
	);
