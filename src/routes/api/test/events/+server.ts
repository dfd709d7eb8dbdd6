import type { RequestHandler } from './$types';
import { z } from 'zod';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson, readBody } from '$lib/server/http';
import { testSignInEnabled } from '$lib/server/auth/test-signin';
import {
	createTestEvent,
	testEventCheckIns,
	testEventRequestSchema,
	UnknownEmailError
} from '$lib/server/events/test-event';

/**
 * End-to-end tests and benchmarks only (see events/test-event.ts), on the same switch as the
 * test sign-in; otherwise a 404 like any unknown path. POST makes an event with its attendees.
 */
export const POST: RequestHandler = async ({ request }) => {
	if (!testSignInEnabled()) return jsonError(404, 'not_found', 'Not found');
	const body = await readBody(request, testEventRequestSchema);
	try {
		return privateJson(await createTestEvent(await openDatabase(), body));
	} catch (failure) {
		if (failure instanceof UnknownEmailError)
			return jsonError(404, 'not_found', 'No person with this email');
		throw failure;
	}
};

/** GET ?eventId=…: the event's check-ins as the server holds them. */
export const GET: RequestHandler = async ({ url }) => {
	if (!testSignInEnabled()) return jsonError(404, 'not_found', 'Not found');
	const eventId = z.uuid().safeParse(url.searchParams.get('eventId'));
	if (!eventId.success) return jsonError(400, 'bad_request', 'eventId must be an id');
	return privateJson({ checkIns: await testEventCheckIns(await openDatabase(), eventId.data) });
};
