/**
 * The public event page's load and form action as SvelteKit calls them: a 404 for what the
 * viewer may not see, translated answers to bad input and to too many attempts, and the
 * ticket's QR code drawn on the server.
 */
import { isActionFailure, isHttpError } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { events } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { localsOf, requestEvent, serveEndpointsFrom } from '$lib/server/testing/routes';
import { actions, load } from '../../../routes/e/[id]/+page.server';

let handle: DatabaseHandle;
let organizer: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	organizer = await addPerson(handle.db, ['member', 'organizer']);
});
afterAll(() => handle?.close());

async function addEvent(visibility: 'public' | 'community' = 'public'): Promise<string> {
	const id = newId();
	const startsAt = new Date(Date.now() + 86_400_000);
	await handle.db.transaction(async (tx) => {
		await tx.insert(events).values({
			id,
			title: 'Sprint',
			startsAt,
			endsAt: new Date(startsAt.getTime() + 3600_000),
			timezone: 'Europe/Madrid',
			venue: 'Hub',
			visibility,
			organizerIds: [organizer.personId],
			version: await nextVersion(tx)
		});
	});
	return id;
}

/** POST the page's form as a browser would. */
function submit(
	eventId: string,
	fields: Record<string, string>,
	call: { ip?: string; locals?: App.Locals } = {}
) {
	const { event } = requestEvent({
		url: `/e/${eventId}`,
		params: { id: eventId },
		body: new URLSearchParams(fields).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		...call
	});
	return actions.default(event as never);
}

async function loadPage(eventId: string, locals?: App.Locals) {
	const { event } = requestEvent({ url: `/e/${eventId}`, params: { id: eventId }, locals });
	return load(event as never);
}

describe('the public event page', () => {
	it('is a 404 for an event the viewer may not see', async () => {
		const community = await addEvent('community');
		const caught = await loadPage(community).catch((error: unknown) => error);
		expect(isHttpError(caught) && caught.status).toBe(404);
		expect(await loadPage(community, localsOf(organizer))).toMatchObject({
			event: { id: community }
		});
	});

	it('answers bad guest input with translated messages, keeping what was typed', async () => {
		const eventId = await addEvent();
		const result = await submit(eventId, { displayName: ' ', email: 'nope' });
		expect(isActionFailure(result)).toBe(true);
		if (!isActionFailure(result)) return;
		expect(result.status).toBe(400);
		expect(result.data).toMatchObject({
			values: { displayName: ' ', email: 'nope' },
			errors: {
				displayName: 'Enter your name (up to 80 characters).',
				email: 'Enter a valid email address.'
			}
		});
	});

	it('registers a guest and draws the ticket as an SVG QR code', async () => {
		const eventId = await addEvent();
		const result = await submit(eventId, { displayName: 'Ana', email: 'ana.page@example.org' });
		if (isActionFailure(result) || !result || !('registration' in result))
			throw new Error('expected a registration');
		expect(result.registration.status).toBe('registered');
		const svg = Buffer.from(result.registration.qrCode!.split(',')[1], 'base64').toString();
		expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	});

	it('slows down one address sending many registrations', async () => {
		const eventId = await addEvent();
		const ip = '198.51.100.7';
		let last: Awaited<ReturnType<typeof submit>> | undefined;
		for (let n = 0; n < 21; n++)
			last = await submit(eventId, { displayName: 'Bot', email: `bot${n}@example.org` }, { ip });
		expect(isActionFailure(last) && last.status).toBe(429);
		const refusal: unknown = isActionFailure(last) ? last.data : null;
		expect(refusal).toMatchObject({ message: expect.stringMatching(/Too many attempts/) });
	});
});
