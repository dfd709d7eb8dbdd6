import type { RequestHandler } from './$types';
import { ldJson } from '$lib/server/openbadges/http';
import { issuerV2 } from '$lib/server/openbadges/v2';

/** The issuer as an Open Badges 2.0 Profile. */
export const GET: RequestHandler = ({ url }) => ldJson(issuerV2(url.origin));
