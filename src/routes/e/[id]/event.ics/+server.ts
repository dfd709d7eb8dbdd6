import { error } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { RequestHandler } from './$types';
import { m } from '$lib/paraglide/messages';
import { openDatabase } from '$lib/server/db';
import { eventCalendar } from '$lib/server/events/calendar';
import { loadPublicEvent } from '$lib/server/events/public';
import { actorOf } from '$lib/server/http';

/** One event as a calendar file ("Add to calendar"), for whoever may see its page. */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const view = await loadPublicEvent(await openDatabase(), params.id, actorOf(locals));
	if (!view) error(404, m.public_event_unavailable_title());
	const body = eventCalendar([view.event], (id) => `${url.origin}${resolve(`/e/${id}`)}`);
	return new Response(body, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': 'attachment; filename="event.ics"',
			// A public event is the same for everyone; the others depend on the session.
			'cache-control':
				view.event.visibility === 'public' ? 'public, max-age=300' : 'private, no-cache'
		}
	});
};
