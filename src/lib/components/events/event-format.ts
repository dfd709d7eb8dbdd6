/** An event's times as people read them: in the event's own zone, in the active locale. */
import { getLocale } from '$lib/paraglide/runtime';

/** "Saturday, 1 June 2030, 18:00 – 21:00 CEST": start to end, in the event's time zone. */
export function formatEventRange(
	event: { startsAt: string; endsAt: string; timezone: string },
	locale = getLocale()
): string {
	const options: Intl.DateTimeFormatOptions = {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZoneName: 'short'
	};
	const start = new Date(event.startsAt);
	const end = new Date(event.endsAt);
	try {
		return new Intl.DateTimeFormat(locale, { ...options, timeZone: event.timezone }).formatRange(
			start,
			end
		);
	} catch {
		return new Intl.DateTimeFormat(locale, options).formatRange(start, end);
	}
}

/** A moment, with its date, in a time zone ("1 Jun 2030, 06:00"). */
export function formatMoment(millis: number, timeZone: string, locale = getLocale()): string {
	const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
	try {
		return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(millis);
	} catch {
		return new Intl.DateTimeFormat(locale, options).format(millis);
	}
}
