import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getTextDirection } from '$lib/paraglide/runtime';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { openDatabase, openDatabaseHandle } from '$lib/server/db';
import { readSession } from '$lib/server/auth/session';
import { keepRecentPeriodsCurrent } from '$lib/server/metrics/roll';

/** Migrations (and the demo seed on an empty database) run before the first request. */
export const init: ServerInit = async () => {
	const db = await openDatabase();
	// The dashboards' recent periods move on as the week turns, not in someone's request.
	const stopRolling = keepRecentPeriodsCurrent(db);
	// adapter-node stops taking requests on SIGTERM/SIGINT and then emits this: close the
	// database so the process exits (postgres.js keeps it alive) and PGlite shuts down cleanly.
	process.once('sveltekit:shutdown', () => {
		stopRolling();
		void openDatabaseHandle().then((handle) => handle.close());
	});
};

const handleLocale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) =>
				html
					.replace('%paraglide.lang%', locale)
					.replace('%paraglide.dir%', getTextDirection(locale))
		});
	});

const handleSession: Handle = async ({ event, resolve }) => {
	const session = await readSession(event.cookies);
	event.locals.person = session?.person ?? null;
	event.locals.sessionId = session?.id ?? null;
	return resolve(event);
};

export const handle: Handle = sequence(handleSession, handleLocale);
