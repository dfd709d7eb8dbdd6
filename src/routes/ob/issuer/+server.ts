import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { issuerDocument, publicKeys } from '$lib/server/openbadges/credential';
import { ldJson } from '$lib/server/openbadges/http';

/** The Open Badges 3.0 issuer Profile, with the public keys that verify its credentials. */
export const GET: RequestHandler = async ({ url }) =>
	ldJson(issuerDocument(url.origin, await publicKeys(await openDatabase())));
