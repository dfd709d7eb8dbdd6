import type { RequestHandler } from './$types';
import { CONTEXTS, achievementOf } from '$lib/server/openbadges/credential';
import { badgeOr404, ldJson } from '$lib/server/openbadges/http';
import { badgeClassV2 } from '$lib/server/openbadges/v2';

/** A badge as an Open Badges 3.0 Achievement; with ?v=2, as an Open Badges 2.0 BadgeClass. */
export const GET: RequestHandler = async ({ params, url }) => {
	const badge = await badgeOr404(params.id);
	if (url.searchParams.get('v') === '2') return ldJson(badgeClassV2(badge, url.origin));
	return ldJson({ '@context': CONTEXTS, ...achievementOf(badge, url.origin) });
};
