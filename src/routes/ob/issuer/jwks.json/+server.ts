import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { publicKeys } from '$lib/server/openbadges/credential';
import { ldJson } from '$lib/server/openbadges/http';

/** The issuer's public keys as a JWK Set (RFC 7517 §5). */
export const GET: RequestHandler = async () =>
	ldJson({ keys: await publicKeys(await openDatabase()) }, 200, 'application/jwk-set+json');
