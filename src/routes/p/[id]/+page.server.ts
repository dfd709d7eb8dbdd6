import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PageServerLoad } from './$types';
import { utcToday } from '$lib/domain/weeks';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { lookUpJourney } from '$lib/server/journey';
import { lookUpPerson } from '$lib/server/profiles';

// A shareable page for the web: rendered by the server (the app itself renders on the device),
// and plain HTML, so nothing beyond what is shown reaches the browser.
export const ssr = true;
export const csr = false;

/** A profile as anyone on the web may see it: only its public fields. */
export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	const db = await openDatabase();
	const found = await lookUpPerson(db, params.id, null);
	if (found.kind === 'merged') redirect(301, resolve(`/p/${found.survivorId}`));
	if (found.kind !== 'found') error(404, m.profile_public_unavailable_title());
	if (found.person.status === 'deleted') error(410, m.people_deleted());
	// Asked again each time: a field made private must not linger in a cache.
	setHeaders({ 'cache-control': 'no-cache' });
	// A public journey shows its totals and badges (never the contributions themselves here).
	const journey = await lookUpJourney(db, found.person.id, null, utcToday());
	return {
		journey:
			journey.kind === 'found'
				? { totals: journey.journey.totals, badges: journey.journey.badges }
				: null,
		person: found.person,
		url: `${url.origin}${resolve(`/p/${found.person.id}`)}`,
		avatarUrl: found.person.avatar
			? `${url.origin}${resolve(`/p/${found.person.id}/avatar`)}`
			: null
	};
};
