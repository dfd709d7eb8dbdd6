import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { issuerUrls, readAward } from '$lib/server/openbadges/records';
import { checkAward } from '$lib/server/openbadges/verify';

export const ssr = true;
export const csr = false;

/** A shared link to one award: its credential checked as a presented one is. */
export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	const db = await openDatabase();
	const award = await readAward(db, params.awardId);
	if (!award) error(404, m.verify_not_found());
	setHeaders({ 'cache-control': 'no-cache' });
	return {
		result: await checkAward(db, award, url.origin),
		assertionUrl: issuerUrls(url.origin).assertion(award.id)
	};
};
