/** A contribution's duration as people read it, through Intl in the active locale. */
import { getLocale } from '$lib/paraglide/runtime';

function unit(value: number, name: 'hour' | 'minute'): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'unit',
		unit: name,
		unitDisplay: 'short',
		maximumFractionDigits: 1
	}).format(value);
}

/** 45 → "45 min", 120 → "2 hr", 90 → "1 hr 30 min" (each part in the reader's language). */
export function formatDuration(minutes: number): string {
	if (minutes < 60) return unit(minutes, 'minute');
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return rest === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(rest, 'minute')}`;
}
