import type { RequestHandler } from './$types';
import { awardOr404, ldJson } from '$lib/server/openbadges/http';
import { assertionV2 } from '$lib/server/openbadges/v2';

/** An award as an Open Badges 2.0 hosted Assertion; 410 with the reason once revoked. */
export const GET: RequestHandler = async ({ params, url }) => {
	const { status, body } = assertionV2(await awardOr404(params.awardId), url.origin);
	return ldJson(body, status);
};
