import type { RequestHandler } from './$types';
import type { JourneyResponse } from '$lib/domain/journey';
import { utcToday } from '$lib/domain/weeks';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson, requireActor } from '$lib/server/http';
import { journeyDaySchema, lookUpJourney } from '$lib/server/journey';

/**
 * A person's journey for a signed-in member, when the person's `journey` privacy lets them see
 * it; `?today=YYYY-MM-DD` is the caller's calendar date (streaks and months), else the server's.
 * Hidden and missing answer alike (404).
 */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const viewer = requireActor(locals);
	const day = journeyDaySchema.safeParse(url.searchParams.get('today'));
	const today = day.success ? day.data : utcToday();
	const found = await lookUpJourney(await openDatabase(), params.id, viewer, today);
	if (found.kind === 'malformed') return jsonError(400, 'invalid_id', 'Not a person id');
	if (found.kind === 'hidden') return jsonError(404, 'not_found', 'No such journey');
	// Never cached: a privacy change must take effect at once.
	return privateJson({
		personId: found.personId,
		journey: found.journey
	} satisfies JourneyResponse);
};
