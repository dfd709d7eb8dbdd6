/** The sync endpoints' edges: no session → 401, anything malformed → 400, never a 500. */
import { describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import { callRoute, localsOf } from '$lib/server/testing/routes';
import { POST as pull } from '../../../routes/api/sync/pull/+server';
import { POST as push } from '../../../routes/api/sync/push/+server';

/** Either endpoint; each is typed to its own route, so the spec only needs it callable. */
type Handler = (event: never) => Response | Promise<Response>;
const signedIn = localsOf({ personId: newId(), roles: ['member'] });

/** The HTTP status an endpoint ends with for `body`. */
async function statusOf(handler: Handler, body: string, locals: App.Locals): Promise<number> {
	return (await callRoute(handler, { url: '/api/sync', body, locals })).status;
}

describe.each([
	['push', push, JSON.stringify({ deviceId: newId(), mutations: [] })],
	['pull', pull, JSON.stringify({ deviceId: newId(), cursor: 0 })]
] as const)('POST /api/sync/%s', (_name, handler, validBody) => {
	it('answers 401 without a session', async () => {
		expect(await statusOf(handler, validBody, { person: null, sessionId: null })).toBe(401);
	});

	it('answers 400 to a body that is not JSON', async () => {
		expect(await statusOf(handler, '{"deviceId":', signedIn)).toBe(400);
	});

	it('answers 400 to JSON of the wrong shape', async () => {
		expect(await statusOf(handler, JSON.stringify({ deviceId: 'not-a-uuid' }), signedIn)).toBe(400);
		expect(await statusOf(handler, '[]', signedIn)).toBe(400);
	});
});
