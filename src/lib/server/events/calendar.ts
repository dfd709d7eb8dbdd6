/**
 * iCalendar files of events (ical-generator): one event to add to a calendar, or the feed of
 * upcoming public events to subscribe to. Times are written as the wall clock of the event's
 * own time zone with its TZID (DTSTART;TZID=Europe/Madrid:20250601T100000); ical-generator
 * does that only from a zoned date (luxon), a plain Date would come out in the server's zone.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { GatherEvent } from '$lib/domain/entities';

type CalendarEvent = Pick<
	GatherEvent,
	| 'id'
	| 'title'
	| 'description'
	| 'startsAt'
	| 'endsAt'
	| 'timezone'
	| 'venue'
	| 'address'
	| 'onlineLink'
	| 'cancelled'
	| 'createdAt'
>;

/** Where the event happens, as one line: the venue and its address, else the online link. */
export function eventLocation(event: CalendarEvent): string | null {
	const place = [event.venue, event.address].filter(Boolean).join(', ');
	return place || event.onlineLink;
}

/**
 * A calendar holding `events`, each linking to its public page (`pageUrl(id)`).
 * `name` names a feed (X-WR-CALNAME); a single event's file leaves it out.
 */
export function eventCalendar(
	events: readonly CalendarEvent[],
	pageUrl: (eventId: string) => string,
	name?: string
): string {
	const calendar = ical({
		prodId: { company: 'Gather', product: 'Gather events', language: 'EN' },
		...(name ? { name } : {})
	});
	for (const event of events) {
		const zoned = (iso: string) => DateTime.fromISO(iso, { zone: event.timezone });
		const url = pageUrl(event.id);
		const online = event.onlineLink && event.venue ? `\n\n${event.onlineLink}` : '';
		calendar.createEvent({
			// The event's id with a domain-like suffix: stable, so a calendar updates its copy.
			id: `${event.id}@gather`,
			start: zoned(event.startsAt),
			end: zoned(event.endsAt),
			timezone: event.timezone,
			summary: event.title,
			description: `${event.description}${online}\n\n${url}`.trim(),
			location: eventLocation(event),
			url,
			created: DateTime.fromISO(event.createdAt),
			status: event.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED
		});
	}
	return calendar.toString();
}
