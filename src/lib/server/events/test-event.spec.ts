import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '$env/dynamic/private';
import { eq } from 'drizzle-orm';
import { verifyTicket } from '$lib/domain/tickets';
import type { DatabaseHandle } from '$lib/server/db';
import { events, people, registrations } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile, pullAll } from '$lib/server/testing/fixtures';
import { callRoute, serveEndpointsFrom } from '$lib/server/testing/routes';
import { GET, POST } from '../../../routes/api/test/events/+server';
import { attendeeName, createTestEvent, type TestEvent } from './test-event';

let handle: DatabaseHandle;
const organizerEmail = 'door-organizer@example.org';
const helperEmail = 'door-helper@example.org';
let organizerId: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	organizerId = (
		await addPersonWithProfile(handle.db, { email: organizerEmail, roles: ['organizer'] })
	).personId;
	await addPersonWithProfile(handle.db, { email: helperEmail });
});
afterAll(() => handle.close());
afterEach(() => {
	delete env.GATHER_TEST_SIGNIN;
});
/** What GATHER_TEST_SIGNIN=on does to a real server (the endpoints read SvelteKit's env). */
function enableTestEndpoints() {
	env.GATHER_TEST_SIGNIN = 'on';
}

const post = (body: unknown) => callRoute(POST, { body: JSON.stringify(body) });

describe('the test event endpoint', () => {
	it('does not exist unless the server is started for end-to-end tests', async () => {
		const response = await post({ attendees: 3, organizerEmail });
		expect(response.status).toBe(404);
		expect(await handle.db.select().from(events)).toEqual([]);
		const checkIns = await callRoute(GET, { url: `/api/test/events?eventId=${organizerId}` });
		expect(checkIns.status).toBe(404);
	});

	it('makes an event running now with attendees holding real tickets, some revoked', async () => {
		enableTestEndpoints();
		const response = await post({
			attendees: 5,
			revoked: 2,
			organizerEmail,
			doorEmails: [helperEmail]
		});
		expect(response.status).toBe(200);
		const made = (await response.json()) as TestEvent;
		expect(made.attendees).toHaveLength(3);
		expect(made.revoked).toHaveLength(2);
		expect(made.code).toMatch(/^[A-Z2-9]{6}$/);

		const [event] = await handle.db.select().from(events).where(eq(events.id, made.eventId));
		expect(event.organizerIds).toEqual([organizerId]);
		expect(event.doorIds).toHaveLength(1);
		expect(event.startsAt.getTime()).toBeLessThan(Date.now());
		expect(event.endsAt.getTime()).toBeGreaterThan(Date.now());
		const publicEvent = { id: made.eventId, publicKey: event.publicKey };
		for (const attendee of [...made.attendees, ...made.revoked]) {
			const check = await verifyTicket(attendee.ticket, publicEvent, Date.now());
			expect(check).toMatchObject({
				ok: true,
				claims: { registrationId: attendee.registrationId, personId: attendee.personId }
			});
		}
		// A ticket of one event is no ticket for another.
		expect(
			await verifyTicket(made.attendees[0].ticket, { ...publicEvent, id: organizerId }, Date.now())
		).toMatchObject({ ok: false, problem: 'other_event' });

		const rows = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.eventId, made.eventId));
		const statusOf = new Map(rows.map((row) => [row.personId, row]));
		for (const attendee of made.attendees)
			expect(statusOf.get(attendee.personId)).toMatchObject({
				id: attendee.registrationId,
				status: 'registered',
				ticketCode: attendee.ticket
			});
		for (const attendee of made.revoked)
			expect(statusOf.get(attendee.personId)).toMatchObject({
				status: 'revoked',
				ticketCode: null
			});
		// One write: the event, its people and registrations share one version.
		const [person] = await handle.db
			.select()
			.from(people)
			.where(eq(people.id, made.attendees[0].personId));
		expect(person).toMatchObject({
			displayName: made.attendees[0].name,
			email: made.attendees[0].email
		});
		expect(new Set([event.version, person.version, ...rows.map((row) => row.version)]).size).toBe(
			1
		);

		// The organizer's devices receive the attendee list, revocations included.
		const pulled = await pullAll(handle.db, { personId: organizerId, roles: ['organizer'] });
		const pulledIds = pulled.registrations
			.filter((row) => row.eventId === made.eventId)
			.map((row) => row.id);
		expect(pulledIds.sort()).toEqual(
			[...made.attendees, ...made.revoked].map((attendee) => attendee.registrationId).sort()
		);

		const checkIns = await callRoute(GET, { url: `/api/test/events?eventId=${made.eventId}` });
		expect(await checkIns.json()).toEqual({ checkIns: [] });
	});

	it('fills thousands of attendees in seconds', async () => {
		const started = performance.now();
		const made = await createTestEvent(handle.db, { attendees: 2_000, organizerEmail });
		expect(performance.now() - started).toBeLessThan(10_000);
		expect(made.attendees).toHaveLength(2_000);
		expect(new Set(made.attendees.map((attendee) => attendee.name)).size).toBe(2_000);
	});

	it.each([
		['too many attendees', { attendees: 20_001, organizerEmail }],
		['more revoked than attendees', { attendees: 2, revoked: 3, organizerEmail }],
		['no organizer', { attendees: 2 }],
		['not an email', { attendees: 2, organizerEmail: 'someone' }]
	])('refuses %s with 400', async (_, body) => {
		enableTestEndpoints();
		const response = await post(body);
		expect(response.status).toBe(400);
	});

	it('answers 404 for an organizer nobody has', async () => {
		enableTestEndpoints();
		const response = await post({ attendees: 1, organizerEmail: 'nobody@example.org' });
		expect(response.status).toBe(404);
	});

	it('names attendees apart, with a number once the names run out', () => {
		expect(attendeeName(0)).toBe('Ana Abe');
		expect(attendeeName(3000)).toBe('Ana Abe 2');
	});
});
