/** Dates and numbers as the dashboard shows them, in the reader's language. */
import { formatNumber, formatPercent } from '$lib/client/format';
import { getLocale } from '$lib/paraglide/runtime';

const utc = (day: string) => new Date(`${day}T00:00:00Z`);

/** "9 Feb" for the week starting 2026-02-09. */
export function weekLabel(week: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		month: 'short',
		day: 'numeric',
		timeZone: 'UTC'
	}).format(utc(week));
}

/** "Feb 2026" for 2026-02. */
export function monthLabel(month: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	}).format(utc(`${month}-01`));
}

/** A ratio as a percentage, or a dash when there is nothing to divide. */
export function percent(ratio: number | null): string {
	return ratio === null ? '–' : formatPercent(ratio);
}

export const count = formatNumber;

/** The colours of the series, from the app's palette. */
export const COLORS = {
	primary: '#1f5f5b',
	accent: '#e76f51',
	muted: '#8a9a98',
	gold: '#e9c46a',
	teal: '#2a9d8f'
} as const;
