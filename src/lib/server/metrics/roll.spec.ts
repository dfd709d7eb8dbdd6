import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, utcToday, weekStart } from '$lib/domain/weeks';
import type { DatabaseHandle } from '$lib/server/db';
import { rowsOf } from '$lib/server/db/rows';
import { createTestDatabase } from '$lib/server/testing/database';
import { rollRecentPeriods } from './queries';
import { keepRecentPeriodsCurrent } from './roll';

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await createTestDatabase();
});

afterAll(async () => {
	await handle.close();
});

async function asOf(): Promise<string> {
	const [row] = rowsOf<{ week: string }>(
		await handle.db.execute(sql`select week::text as week from metric_recent_as_of`)
	);
	return row.week;
}

async function endWith(week: string) {
	await handle.db.execute(sql`delete from metric_recent_as_of`);
	await handle.db.execute(sql`insert into metric_recent_as_of (week) values (${week}::date)`);
}

describe('the recent periods', () => {
	const thisWeek = weekStart(utcToday());

	it('move on to a later week only, and say where they end', async () => {
		await endWith(addDays(thisWeek, -14));
		expect(await rollRecentPeriods(handle.db, addDays(thisWeek, -7))).toBe(addDays(thisWeek, -7));
		expect(await asOf()).toBe(addDays(thisWeek, -7));
		// An earlier end (a dashboard of the past) leaves them where they are.
		expect(await rollRecentPeriods(handle.db, addDays(thisWeek, -21))).toBe(addDays(thisWeek, -7));
		expect(await asOf()).toBe(addDays(thisWeek, -7));
	});

	it('are moved on to this week by the server at start and then on its timer', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		try {
			await endWith(addDays(thisWeek, -7));
			const stop = keepRecentPeriodsCurrent(handle.db, 1000);
			await vi.waitFor(async () => expect(await asOf()).toBe(thisWeek));
			// Set back again: the next tick moves it on.
			await endWith(addDays(thisWeek, -7));
			await vi.advanceTimersByTimeAsync(1000);
			await vi.waitFor(async () => expect(await asOf()).toBe(thisWeek));
			stop();
		} finally {
			vi.useRealTimers();
		}
	});
});
