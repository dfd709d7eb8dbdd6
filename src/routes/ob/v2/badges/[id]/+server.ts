import type { RequestHandler } from './$types';
import { badgeOr404, ldJson } from '$lib/server/openbadges/http';
import { badgeClassV2 } from '$lib/server/openbadges/v2';

/** A badge as an Open Badges 2.0 BadgeClass. */
export const GET: RequestHandler = async ({ params, url }) =>
	ldJson(badgeClassV2(await badgeOr404(params.id), url.origin));
