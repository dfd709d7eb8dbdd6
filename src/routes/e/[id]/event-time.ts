/** An event's start and end as one range ("Saturday 14 June 2025, 10:00 – 18:00 CEST"), in Intl. */
export function formatEventRange(
	event: { startsAt: string; endsAt: string },
	timeZone: string,
	locale: string
): string {
	const options: Intl.DateTimeFormatOptions = {
		weekday: 'long',
		year: 'numeric',
		month: 'long',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZoneName: 'short'
	};
	const start = new Date(event.startsAt);
	const end = new Date(event.endsAt);
	try {
		return new Intl.DateTimeFormat(locale, { ...options, timeZone }).formatRange(start, end);
	} catch {
		// A time zone this runtime does not know: the runtime's own zone, still named.
		return new Intl.DateTimeFormat(locale, options).formatRange(start, end);
	}
}

/** The organizers' names as one phrase ("Ana, Li and Sam"), in Intl. */
export function formatNames(names: string[], locale: string): string {
	return new Intl.ListFormat(locale, { type: 'conjunction' }).format(names);
}
