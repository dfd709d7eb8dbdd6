/**
 * My journey from the device's own database (offline), and someone else's journey from the
 * server (online only: the device holds no one else's contributions). Screens call these
 * through LiveQuery and the small loader below; they never touch Dexie or fetch themselves.
 */
import { journeyOf, journeyResponseSchema, type Journey } from '$lib/domain/journey';
import type { Taxonomy } from '$lib/domain/taxonomy';
import { addDays, weekStart, type Streak } from '$lib/domain/weeks';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { GatherDatabase } from './db';
import { formatNumber, localToday } from './format';

/** The person's own journey as this device knows it, and the taxonomy that names its terms. */
export interface MyJourney {
	journey: Journey;
	taxonomy: Taxonomy;
}

/** The person's own journey as this device knows it, on this device's calendar. */
export async function myJourney(
	db: GatherDatabase,
	personId: string,
	today = localToday()
): Promise<MyJourney> {
	const [contributions, awards, taxonomy] = await Promise.all([
		db.contributions
			.where('[personId+happenedOn]')
			.between([personId, ''], [personId, '\uffff'])
			.toArray(),
		db.awards.where('personId').equals(personId).toArray(),
		db.taxonomy()
	]);
	const badgeIds = [...new Set(awards.map((award) => award.badgeId))];
	const badges = (await db.badges.bulkGet(badgeIds)).filter((badge) => badge !== undefined);
	return { journey: journeyOf({ contributions, awards, badges, taxonomy, today }), taxonomy };
}

/** Why someone else's journey is not shown: offline (or the server unreachable), or hidden. */
export type JourneyFailure = 'offline' | 'hidden';

export type OthersJourney = { ok: true; journey: Journey } | { ok: false; failure: JourneyFailure };

/** Someone else's journey, when their privacy lets me see it. */
export async function fetchJourney(
	personId: string,
	today = localToday(),
	fetcher: typeof fetch = fetch
): Promise<OthersJourney> {
	let response: Response;
	try {
		response = await fetcher(`/api/people/${encodeURIComponent(personId)}/journey?today=${today}`, {
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
	} catch {
		return { ok: false, failure: 'offline' };
	}
	if (response.status === 404 || response.status === 400) return { ok: false, failure: 'hidden' };
	if (!response.ok) return { ok: false, failure: 'offline' };
	const parsed = journeyResponseSchema.safeParse(await response.json().catch(() => null));
	if (!parsed.success) return { ok: false, failure: 'offline' };
	return { ok: true, journey: parsed.data.journey };
}

/**
 * A month (YYYY-MM) as the reader's locale names it: with its year, or as short as the locale
 * allows for a row of twelve at 360 px (a letter where the locale has one, else its number).
 */
export function formatMonth(month: string, style: 'short' | 'long' = 'long'): string {
	const [year, index] = month.split('-').map(Number);
	const date = new Date(Date.UTC(year, index - 1, 1));
	const format = (options: Intl.DateTimeFormatOptions) =>
		new Intl.DateTimeFormat(getLocale(), { ...options, timeZone: 'UTC' }).format(date);
	if (style === 'long') return format({ month: 'long', year: 'numeric' });
	const narrow = format({ month: 'narrow' });
	return [...narrow].length <= 2 ? narrow : format({ month: 'numeric' });
}

/** Home's streak: how many weeks in a row, and whether this week already counts. */
export type CurrentStreak = Pick<Streak, 'current' | 'thisWeek'>;

/**
 * Home's streak, from the contributions index alone, one week at a time: each step asks for the
 * latest day before the week it reached, so the cost follows the streak's length, never the
 * person's history (Home follows every page of a first sync of years of contributions).
 */
export async function myStreak(
	db: GatherDatabase,
	personId: string,
	today = localToday()
): Promise<CurrentStreak> {
	/** The latest day with something done up to `end` (included or not). */
	const latest = async (end: string, included: boolean) => {
		const [key] = await db.contributions
			.where('[personId+happenedOn]')
			.between([personId, ''], [personId, end], true, included)
			.reverse()
			.limit(1)
			.keys();
		return key === undefined ? null : String((key as unknown[])[1]);
	};
	const thisWeek = weekStart(today);
	let day = await latest(today, true);
	const hasThisWeek = day !== null && weekStart(day) === thisWeek;
	let week = hasThisWeek ? thisWeek : addDays(thisWeek, -7);
	let current = 0;
	while (day !== null && weekStart(day) === week) {
		current += 1;
		day = await latest(week, false);
		week = addDays(week, -7);
	}
	return { current, thisWeek: hasThisWeek };
}

/** What keeps my streak going, in a word to the person (Home's card, My journey). */
export function streakNudge(streak: CurrentStreak): string {
	if (streak.thisWeek) return m.journey_streak_done();
	if (streak.current === 0) return m.journey_streak_start();
	return m.journey_streak_keep({ count: formatNumber(streak.current) });
}
