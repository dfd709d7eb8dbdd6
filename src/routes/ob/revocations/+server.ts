import type { RequestHandler } from './$types';
import { openDatabase } from '$lib/server/db';
import { credentialId } from '$lib/server/openbadges/credential';
import { ldJson } from '$lib/server/openbadges/http';
import { issuerUrls, readRevocations } from '$lib/server/openbadges/records';
import { OB2_CONTEXT } from '$lib/server/openbadges/v2';

/**
 * The revoked awards: an Open Badges 2.0 RevocationList of assertions, and the same awards as
 * the OB 3.0 credential ids a credentialStatus (#<award id>) points at.
 */
export const GET: RequestHandler = async ({ url }) => {
	const urls = issuerUrls(url.origin);
	const revoked = await readRevocations(await openDatabase());
	return ldJson({
		'@context': OB2_CONTEXT,
		id: urls.revocations,
		type: 'RevocationList',
		issuer: urls.profileV2,
		revokedAssertions: revoked.map((award) => ({
			id: urls.assertion(award.id),
			revocationReason: award.reason ?? ''
		})),
		revokedCredentials: revoked.map((award) => ({
			id: credentialId(award.id),
			revokedAt: award.revokedAt?.toISOString() ?? null,
			revocationReason: award.reason ?? ''
		}))
	});
};
