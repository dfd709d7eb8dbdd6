import { resolve } from '$app/paths';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { eventCalendar } from '$lib/server/events/calendar';
import { upcomingPublicEvents } from '$lib/server/events/public';

/** The feed of upcoming public events, to subscribe to: the same for everyone, so cached. */
export const GET: RequestHandler = async ({ url }) => {
	const events = await upcomingPublicEvents(await openDatabase());
	const body = eventCalendar(
		events,
		(id) => `${url.origin}${resolve(`/e/${id}`)}`,
		m.public_event_feed_name()
	);
	return new Response(body, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'cache-control': 'public, max-age=300'
		}
	});
};
