/**
 * Issue 5: "download of the event to a fresh device ≤ 3 s on loopback". An event with 10,000
 * attendees (people, registrations with signed tickets) on a server of its own; a fresh
 * organizer device — the built app installed, signed in, nothing stored — opens the app and
 * goes to the event's door screen, timed until the door says it is ready and the pull is done. Several fresh devices, one after the
 * other.
 */
import type { Page } from '@playwright/test';
import { createDatabase } from '$lib/server/db';
import { createTestEvent } from '$lib/server/events/test-event';
import { addPerson, startServer, type SignedInPerson } from './app-server';
import { BenchBrowser, installedApp } from './browser';
import type { Row } from './report';
import { thousands } from './rows';
import { ms, percentile } from './stats';

export interface EventDownloadTrial {
	/** From the navigation to the door saying "ready" with the sync finished. */
	openMs: number;
	/** From the first pull request to the same moment. */
	syncMs: number;
	/** The event's registrations in the device's IndexedDB then. */
	registrations: number;
	/** Every person row on the device (attendees and the rest of the community). */
	people: number;
}

export interface EventDownloadResult {
	attendees: number;
	/** Making the event and its people on the server (test-event.ts, one transaction). */
	seedMs: number;
	trials: EventDownloadTrial[];
}

interface DoorWindow {
	__benchFirstPull?: number;
	__gather?: {
		person: unknown;
		report: { syncing: boolean; failure: string | null; lastSyncedAt: string | null };
		database: {
			registrations: {
				filter(test: (row: { eventId: string }) => boolean): { count(): Promise<number> };
			};
			people: { count(): Promise<number> };
		} | null;
	};
}

/** Poll in the page until the door is ready and the sync has finished; the page's clock then. */
function doorReady(page: Page, timeoutMs: number): Promise<number> {
	return page.evaluate(async (limit) => {
		const started = performance.now();
		for (;;) {
			const app = (window as unknown as DoorWindow).__gather;
			if (app?.report.failure) throw new Error(`sync failed: ${app.report.failure}`);
			const state = document.querySelector('[data-testid=door-ready]')?.getAttribute('data-state');
			if (state === 'ready' && app?.report.lastSyncedAt && !app.report.syncing)
				return performance.now();
			if (performance.now() - started > limit)
				throw new Error(
					`the door was not ready in time: ${JSON.stringify({ state, report: app?.report })}; ${document.querySelector('main')?.textContent?.slice(0, 300)}`
				);
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}, timeoutMs);
}

async function trial(
	bench: BenchBrowser,
	organizer: SignedInPerson,
	eventId: string
): Promise<EventDownloadTrial> {
	const context = await bench.context();
	try {
		const page = await installedApp(bench, context);
		await bench.signIn(context, organizer);
		await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: bench.origin }]);
		// As an organizer does: the app opens (home), then the event's door, while it downloads.
		// A direct load of the door would go through the welcome screen: this device last saw
		// the app signed out.
		await page.goto('/');
		await page.waitForFunction(() => (window as unknown as DoorWindow).__gather?.person);
		await page.evaluate((path) => {
			const link = document.createElement('a');
			link.href = path;
			document.body.append(link);
			link.click();
			link.remove();
		}, `/events/${eventId}/door`);
		const ready = await doorReady(page, 120_000);
		return await page.evaluate(
			async ([id, finished]) => {
				const target = window as unknown as DoorWindow;
				const database = target.__gather?.database;
				if (!database) throw new Error('no database open');
				const firstPull = target.__benchFirstPull ?? 0;
				return {
					openMs: finished,
					syncMs: finished - firstPull,
					registrations: await database.registrations.filter((row) => row.eventId === id).count(),
					people: await database.people.count()
				};
			},
			[eventId, ready] as const
		);
	} finally {
		await context.close();
	}
}

export async function benchmarkEventDownload(options: {
	root: string;
	/** The bench bundle (bundleEntry): every BenchBrowser context carries it. */
	script: string;
	/** An empty folder for the server's PGlite. */
	dataDir: string;
	attendees: number;
	trials: number;
	log: (line: string) => void;
}): Promise<EventDownloadResult> {
	const handle = await createDatabase({ dataDir: options.dataDir });
	let organizer: SignedInPerson;
	let eventId: string;
	const seeding = performance.now();
	try {
		organizer = await addPerson(handle.db, 'organizer');
		({ eventId } = await createTestEvent(handle.db, {
			attendees: options.attendees,
			organizerEmail: organizer.person.email!
		}));
	} finally {
		await handle.close();
	}
	const seedMs = performance.now() - seeding;
	options.log(`  ${thousands(options.attendees)} attendees made in ${ms(seedMs)}`);

	const server = await startServer(options.root, { PGLITE_DIR: options.dataDir });
	try {
		const bench = await BenchBrowser.launch(options.script, server.origin);
		try {
			const trials: EventDownloadTrial[] = [];
			for (let index = 0; index < options.trials; index += 1) {
				const result = await trial(bench, organizer, eventId);
				if (result.registrations !== options.attendees)
					throw new Error(
						`the door was ready with ${result.registrations} of ${options.attendees} registrations`
					);
				trials.push(result);
			}
			return { attendees: options.attendees, seedMs, trials };
		} finally {
			await bench.close();
		}
	} finally {
		await server.stop();
	}
}

export function eventDownloadRow(result: EventDownloadResult): Row {
	const opens = result.trials.map((trial) => trial.openMs);
	const worst = Math.max(...opens);
	return {
		benchmark: `Event download to a fresh organizer device, ${thousands(result.attendees)} attendees, until the door is ready (${result.trials.length === 1 ? 'one device' : `${result.trials.length} devices`})`,
		result: `p50 ${ms(percentile(opens, 50))}, max ${ms(worst)}`,
		limit: `from the first pull request: p50 ${ms(
			percentile(
				result.trials.map((trial) => trial.syncMs),
				50
			)
		)}`,
		target: '≤ 3 s',
		met: worst <= 3000
	};
}

export function eventDownloadDetail(result: EventDownloadResult): string {
	const trials = result.trials
		.map(
			(trial) =>
				`${ms(trial.openMs)} (pull ${ms(trial.syncMs)}, ${thousands(trial.registrations)} registrations and ${thousands(trial.people)} people stored)`
		)
		.join('; ');
	return `- **Event download**: the event and its ${thousands(result.attendees)} attendees with signed tickets made on the server in ${ms(result.seedMs)}; each fresh device (app installed, signed in, nothing stored) timed from opening the app (then its door screen) until the door says ready with the sync finished: ${trials}.`;
}
