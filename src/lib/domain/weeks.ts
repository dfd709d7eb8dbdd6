/**
 * Calendar weeks, months and streaks over calendar dates (YYYY-MM-DD), shared by My journey,
 * badge rules and community metrics. Weeks start on Monday (ISO 8601); a date is the day the
 * person gave (their own calendar), so no time zone enters here.
 */

const DAY_MS = 24 * 3600 * 1000;

function toUtc(day: string): number {
	return Date.parse(`${day}T00:00:00Z`);
}

function fromUtc(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Today on the UTC calendar (the server's, when a caller names no date of their own). */
export function utcToday(now = new Date()): string {
	return fromUtc(now.getTime());
}

/** The date `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
	return fromUtc(toUtc(day) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** The Monday of the week `day` falls in. */
export function weekStart(day: string): string {
	const weekday = (new Date(toUtc(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
	return addDays(day, -weekday);
}

/** The month `day` falls in, as YYYY-MM. */
export function monthOf(day: string): string {
	return day.slice(0, 7);
}

/** The month `months` after `month` (YYYY-MM; negative: before). */
export function addMonths(month: string, months: number): string {
	const [year, index] = month.split('-').map(Number);
	const total = year * 12 + (index - 1) + months;
	return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}

export interface Streak {
	/** Weeks in a row with something done, up to this week (or last week: this one is not over). */
	current: number;
	/** The longest such run ever. */
	longest: number;
	/** Whether this week already counts (false: do something this week to keep the streak). */
	thisWeek: boolean;
}

/** Weekly streaks of the given days of activity, as of `today`. Days after today are ignored. */
export function weeklyStreak(days: Iterable<string>, today: string): Streak {
	const weeks = new Set<string>();
	for (const day of days) if (day <= today) weeks.add(weekStart(day));
	const sorted = [...weeks].sort();
	let longest = 0;
	let run = 0;
	let previous: string | null = null;
	for (const week of sorted) {
		run = previous !== null && addDays(previous, 7) === week ? run + 1 : 1;
		longest = Math.max(longest, run);
		previous = week;
	}
	const thisWeek = weekStart(today);
	const hasThisWeek = weeks.has(thisWeek);
	let current = 0;
	let week = hasThisWeek ? thisWeek : addDays(thisWeek, -7);
	while (weeks.has(week)) {
		current += 1;
		week = addDays(week, -7);
	}
	return { current, longest, thisWeek: hasThisWeek };
}
