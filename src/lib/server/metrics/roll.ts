/**
 * The absence factor's recent periods end with the current week. The first dashboard of a new
 * week would otherwise move them on itself, which takes seconds at a million people while
 * pushes wait for it; the server moves them on as the week turns, at start and then hourly.
 */
import { utcToday, weekStart } from '$lib/domain/weeks';
import type { Database } from '$lib/server/db';
import { rollRecentPeriods } from './queries';

const HOUR_MS = 3_600_000;

/** Start keeping the recent periods current; returns the function that stops it. */
export function keepRecentPeriodsCurrent(db: Database, everyMs = HOUR_MS): () => void {
	let running: Promise<void> | null = null;
	const roll = () => {
		running ??= rollRecentPeriods(db, weekStart(utcToday()))
			.then(() => undefined)
			.catch((error: unknown) => console.error('moving the recent periods on failed', error))
			.finally(() => (running = null));
	};
	roll();
	const timer = setInterval(roll, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
