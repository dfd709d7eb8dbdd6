/**
 * Names of countries, languages and time zones through Intl, in the active locale: the lists
 * people pick from on their profile, and how a stored code reads on any profile screen.
 */
import { isolate } from '$lib/client/bidi';
import { COUNTRY_CODES } from '$lib/domain/countries';
import { timezoneSchema, type Person } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

/** Languages people pick from (BCP 47); a stored tag outside the list still shows by its name. */
export const LANGUAGE_TAGS = (
	'af am ar as az be bg bn bo bs ca cs cy da de dv el en eo es es-419 et eu fa ff fi fil fo fr ' +
	'fy ga gd gl gn gu ha haw he hi hr ht hu hy id ig is it ja jv ka kk km kn ko ku ky la lb lg ' +
	'ln lo lt lv mg mi mk ml mn mr ms mt my nb ne nl nn ny om or pa pl ps pt pt-BR qu rm ro ru rw ' +
	'sa sd si sk sl sm sn so sq sr st su sv sw ta te tg th ti tk tn to tr ts tt ug uk ur uz vi wo ' +
	'xh yi yo yue zh-Hans zh-Hant zu'
).split(' ');

const displayNames = new Map<string, Intl.DisplayNames>();

function namesOf(type: 'region' | 'language', locale: string): Intl.DisplayNames {
	const key = `${type}:${locale}`;
	let names = displayNames.get(key);
	if (!names) {
		names = new Intl.DisplayNames([locale], { type, fallback: 'code' });
		displayNames.set(key, names);
	}
	return names;
}

export function countryName(code: string, locale = getLocale()): string {
	try {
		return namesOf('region', locale).of(code) ?? code;
	} catch {
		return code;
	}
}

export function languageName(tag: string, locale = getLocale()): string {
	try {
		return namesOf('language', locale).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** Where someone is: "Lyon, France" (the typed city isolated in its own direction), or either part. */
export function placeOf(person: Pick<Person, 'city' | 'country'>): string | null {
	const country = person.country ? countryName(person.country) : null;
	if (person.city && country) return m.profile_place({ city: isolate(person.city), country });
	return person.city ?? country;
}

export interface Choice {
	value: string;
	label: string;
}

function byLabel(choices: Choice[], locale: string): Choice[] {
	const collator = new Intl.Collator(locale);
	return choices.sort((a, b) => collator.compare(a.label, b.label));
}

/** Every country, by its name in `locale`. */
export function countryChoices(locale = getLocale()): Choice[] {
	return byLabel(
		COUNTRY_CODES.map((code) => ({ value: code, label: countryName(code, locale) })),
		locale
	);
}

/** The pickable languages, by their name in `locale`. */
export function languageChoices(locale = getLocale()): Choice[] {
	return byLabel(
		LANGUAGE_TAGS.map((tag) => ({ value: tag, label: languageName(tag, locale) })),
		locale
	);
}

/** Every time zone this browser knows, with its current offset ("Europe/Berlin · GMT+1"). */
export function timeZoneChoices(locale = getLocale(), now = new Date()): Choice[] {
	const zones = Intl.supportedValuesOf('timeZone');
	if (!zones.includes('UTC')) zones.push('UTC');
	return zones.map((zone) => ({ value: zone, label: timeZoneLabel(zone, locale, now) }));
}

/** A time zone as people read it: its place, and its offset now. */
export function timeZoneLabel(zone: string, locale = getLocale(), now = new Date()): string {
	const place = zone.replaceAll('_', ' ');
	try {
		const offset = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'shortOffset' })
			.formatToParts(now)
			.find((part) => part.type === 'timeZoneName')?.value;
		return offset ? `${place} · ${offset}` : place;
	} catch {
		return place;
	}
}

/** This device's time zone: the default for a profile that has none yet (none if unknown). */
export function deviceTimeZone(): string | null {
	try {
		const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
		// Some systems answer "Etc/Unknown": no guess is better than a refused one.
		return timezoneSchema.safeParse(zone).success && zone !== 'Etc/Unknown' ? zone : null;
	} catch {
		return null;
	}
}
