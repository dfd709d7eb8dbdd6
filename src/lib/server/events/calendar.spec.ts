/**
 * The calendar files as the routes serve them (/e/[id]/event.ics, /events.ics), read back with
 * ical.js: each event's wall-clock time in its own time zone, where, the page's address, and
 * a cancelled event said to be cancelled.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { events } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { callRoute, localsOf, serveEndpointsFrom, SPEC_ORIGIN } from '$lib/server/testing/routes';
import { GET as eventFile } from '../../../routes/e/[id]/event.ics/+server';
import { GET as feed } from '../../../routes/events.ics/+server';

let handle: DatabaseHandle;
let organizer: Actor;

const DAY = 86_400_000;
/** Next year, 1 June, 08:00 UTC: 10:00 in Madrid (summer time). */
const nextJune = () => new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 1, 8, 0));

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	organizer = await addPerson(handle.db, ['member', 'organizer']);
});
afterAll(() => handle?.close());

async function addEvent(values: Partial<typeof events.$inferInsert> = {}): Promise<string> {
	const id = newId();
	const startsAt = values.startsAt ?? nextJune();
	await handle.db.transaction(async (tx) => {
		await tx.insert(events).values({
			id,
			title: 'Sprint; with, punctuation',
			description: 'Line one\nLine two',
			startsAt,
			endsAt: new Date(startsAt.getTime() + 8 * 3600_000),
			timezone: 'Europe/Madrid',
			venue: 'Impact Hub',
			address: 'Calle de la Alameda 22, Madrid',
			visibility: 'public',
			organizerIds: [organizer.personId],
			...values,
			version: await nextVersion(tx)
		});
	});
	return id;
}

async function calendarOf(response: Response) {
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
	const text = await response.text();
	const calendar = new ICAL.Component(ICAL.parse(text));
	return { text, calendar, vevents: calendar.getAllSubcomponents('vevent') };
}

describe('GET /e/[id]/event.ics', () => {
	it('writes the start and end in the event time zone, with where and the page', async () => {
		const eventId = await addEvent();
		const response = await callRoute(eventFile, {
			url: `/e/${eventId}/event.ics`,
			params: { id: eventId }
		});
		expect(response.headers.get('cache-control')).toBe('public, max-age=300');
		const { text, vevents } = await calendarOf(response);
		const year = nextJune().getUTCFullYear();
		expect(text).toContain(`DTSTART;TZID=Europe/Madrid:${year}0601T100000`);
		expect(text).toContain(`DTEND;TZID=Europe/Madrid:${year}0601T180000`);

		expect(vevents).toHaveLength(1);
		const event = new ICAL.Event(vevents[0]);
		expect(event.uid).toBe(`${eventId}@gather`);
		expect(event.summary).toBe('Sprint; with, punctuation');
		expect(event.location).toBe('Impact Hub, Calle de la Alameda 22, Madrid');
		expect(vevents[0].getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Madrid');
		expect([event.startDate.hour, event.endDate.hour]).toEqual([10, 18]);
		expect(event.description).toContain('Line one\nLine two');
		const url = vevents[0].getFirstPropertyValue('url');
		expect(url).toBe(`${SPEC_ORIGIN}/e/${eventId}`);
		expect(vevents[0].getFirstPropertyValue('status')).toBe('CONFIRMED');
	});

	it('says a cancelled event is cancelled', async () => {
		const eventId = await addEvent({ cancelled: true });
		const { vevents } = await calendarOf(await callRoute(eventFile, { params: { id: eventId } }));
		expect(vevents[0].getFirstPropertyValue('status')).toBe('CANCELLED');
	});

	it('gives a community event to members only, privately', async () => {
		const eventId = await addEvent({
			visibility: 'community',
			onlineLink: 'https://meet.example.org/x'
		});
		expect((await callRoute(eventFile, { params: { id: eventId } })).status).toBe(404);
		const response = await callRoute(eventFile, {
			params: { id: eventId },
			locals: localsOf(organizer)
		});
		expect(response.headers.get('cache-control')).toBe('private, no-cache');
		const { vevents } = await calendarOf(response);
		expect(new ICAL.Event(vevents[0]).description).toContain('https://meet.example.org/x');
	});

	it('answers an unknown or malformed id with 404', async () => {
		expect((await callRoute(eventFile, { params: { id: newId() } })).status).toBe(404);
		expect((await callRoute(eventFile, { params: { id: 'nope' } })).status).toBe(404);
	});
});

describe('GET /events.ics', () => {
	it('lists upcoming public events only, cacheable', async () => {
		const listed = await addEvent({ title: 'Listed' });
		const online = await addEvent({
			title: 'Online hour',
			timezone: 'Asia/Tokyo',
			venue: null,
			address: null,
			onlineLink: 'https://meet.example.org/hour'
		});
		const hidden = [
			await addEvent({ title: 'Cancelled', cancelled: true }),
			await addEvent({ title: 'Members', visibility: 'community' }),
			await addEvent({
				title: 'Past',
				startsAt: new Date(Date.now() - 2 * DAY),
				endsAt: new Date(Date.now() - DAY)
			})
		];
		const response = await callRoute(feed, { url: '/events.ics' });
		expect(response.headers.get('cache-control')).toBe('public, max-age=300');
		const { calendar, vevents, text } = await calendarOf(response);
		expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Gather: upcoming events');
		const uids = vevents.map((vevent) => new ICAL.Event(vevent).uid);
		expect(uids).toContain(`${listed}@gather`);
		expect(uids).toContain(`${online}@gather`);
		for (const id of hidden) expect(uids).not.toContain(`${id}@gather`);
		const year = nextJune().getUTCFullYear();
		// 08:00 UTC is 17:00 in Tokyo.
		expect(text).toContain(`DTSTART;TZID=Asia/Tokyo:${year}0601T170000`);
		const hour = new ICAL.Event(vevents[uids.indexOf(`${online}@gather`)]);
		expect(hour.location).toBe('https://meet.example.org/hour');
	});
});
