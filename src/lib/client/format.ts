/** Dates and numbers through Intl, in the active locale. */
import { getLocale } from '$lib/paraglide/runtime';

const calendarDates = new Map<string, Intl.DateTimeFormat>();

/**
 * A calendar date (YYYY-MM-DD) as the person reads it; the date has no time zone. One
 * formatter per locale: making one costs tens of microseconds, and a list of thousands of
 * contributions formats every date again each time it updates.
 */
export function formatCalendarDate(date: string): string {
	const locale = getLocale();
	let format = calendarDates.get(locale);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
		calendarDates.set(locale, format);
	}
	return format.format(new Date(`${date}T00:00:00Z`));
}

export function formatNumber(value: number): string {
	return new Intl.NumberFormat(getLocale()).format(value);
}

export function formatDateTime(iso: string): string {
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
		new Date(iso)
	);
}

/**
 * 0.62 → "62%"; under 10% with one decimal, so that 6 of 1,997 reads "0.3%", not "0%".
 */
export function formatPercent(ratio: number): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'percent',
		maximumFractionDigits: ratio > 0 && ratio < 0.1 ? 1 : 0
	}).format(ratio);
}

/** "14:02" ("2:02 PM"): in `timeZone` when given (an event's wall clock), else this device's. */
export function formatTime(iso: string, timeZone?: string): string {
	const options: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
	try {
		return new Intl.DateTimeFormat(getLocale(), { ...options, timeZone }).format(new Date(iso));
	} catch {
		// A zone this browser does not know: the device's clock rather than nothing.
		return new Intl.DateTimeFormat(getLocale(), options).format(new Date(iso));
	}
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000]
];

/** "2 minutes ago", "just now"-ish ("now"), in the active locale. */
export function formatRelative(iso: string, now = Date.now()): string {
	const format = new Intl.RelativeTimeFormat(getLocale(), { numeric: 'auto' });
	const elapsed = new Date(iso).getTime() - now;
	for (const [unit, size] of UNITS) {
		if (Math.abs(elapsed) >= size) return format.format(Math.round(elapsed / size), unit);
	}
	return format.format(0, 'second');
}

/** Today's date on this device's calendar, YYYY-MM-DD. */
export function localToday(offsetDays = 0, now = new Date()): string {
	const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offsetDays);
	const month = String(day.getMonth() + 1).padStart(2, '0');
	return `${day.getFullYear()}-${month}-${String(day.getDate()).padStart(2, '0')}`;
}

/** The name of a locale in its own language ("español", "العربية"). */
export function localeName(locale: string): string {
	const name = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
	return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/** An event's start, in the event's own time zone (where people will be), in the active locale. */
export function formatEventStart(iso: string, timeZone: string): string {
	try {
		return new Intl.DateTimeFormat(getLocale(), {
			weekday: 'short',
			day: 'numeric',
			month: 'short',
			hour: 'numeric',
			minute: '2-digit',
			timeZone
		}).format(new Date(iso));
	} catch {
		return formatDateTime(iso);
	}
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "12.4 MB", "1.2 GB", in the active locale (decimal units, as storage is sold). */
export function formatBytes(bytes: number): string {
	let unit = 0;
	let value = bytes;
	while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
		value /= 1000;
		unit++;
	}
	const text = new Intl.NumberFormat(getLocale(), {
		style: 'unit',
		unit: BYTE_UNITS[unit],
		unitDisplay: 'short',
		maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
	}).format(value);
	// Never split a number from its unit across lines ("11" / "GB").
	return text.replace(/\s/gu, '\u00a0');
}

function formatUnit(value: number, unit: 'hour' | 'minute'): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'unit',
		unit,
		unitDisplay: 'short',
		maximumFractionDigits: 1
	}).format(value);
}

/** A duration in minutes: 45 → "45 min", 120 → "2 hr", 90 → "1 hr 30 min", in the active locale. */
export function formatDuration(minutes: number): string {
	if (minutes < 60) return formatUnit(minutes, 'minute');
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	const whole = formatUnit(hours, 'hour');
	return rest === 0 ? whole : `${whole} ${formatUnit(rest, 'minute')}`;
}
