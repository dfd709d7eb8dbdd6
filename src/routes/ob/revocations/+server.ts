import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { ldJson } from '$lib/server/openbadges/http';
import { readRevocations } from '$lib/server/openbadges/records';
import { revocationList } from '$lib/server/openbadges/v2';

/** The revoked awards, for OB 2.0 assertions and OB 3.0 credentials alike. */
export const GET: RequestHandler = async ({ url }) =>
	ldJson(revocationList(await readRevocations(await openDatabase()), url.origin));
