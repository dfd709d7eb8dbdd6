import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { issueCredential } from '$lib/server/openbadges/credential';
import { readAward } from '$lib/server/openbadges/records';
import { verifyCredential } from '$lib/server/openbadges/verify';

export const ssr = true;
export const csr = false;

/**
 * A shared link to one award: its credential issued afresh and put through the same checks a
 * presented one gets (signature, validity, revocation).
 */
export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	const db = await openDatabase();
	const award = await readAward(db, params.awardId);
	if (!award) error(404, m.verify_not_found());
	setHeaders({ 'cache-control': 'no-cache' });
	const { jwt } = await issueCredential(db, award, url.origin);
	return {
		result: await verifyCredential(db, jwt, url.origin),
		assertionUrl: `${url.origin}/ob/assertions/${award.id}`
	};
};
