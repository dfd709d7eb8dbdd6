/**
 * The device-side benchmarks, in Debian's Chromium driven by Playwright's library API: local
 * commit and page application (the app's modules bundled into the page), the initial sync of
 * the built app, and propagation between two signed-in browser contexts.
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import type { Actor } from '$lib/domain/actor';
import type { SessionPerson } from '$lib/domain/auth-api';
import { newId } from '$lib/domain/ids';
import type * as Entry from './browser/entry';
import type { SignedInPerson } from './app-server';
import { chromiumLaunchOptions } from '../tests/chromium';

type Bench = typeof Entry;

/** The parts of the app's AppState (window.__gather in test-hook builds) the benchmarks use. */
interface GatherHooks {
	ready: boolean;
	person: SessionPerson | null;
	report: {
		syncing: boolean;
		failure: string | null;
		errorMessage: string | null;
		lastSyncedAt: string | null;
	};
	database: {
		getMeta(key: 'cursor'): Promise<number | undefined>;
		contributions: { count(): Promise<number>; get(id: string): Promise<unknown> };
	} | null;
	mutate(name: 'contribution.log', args: unknown): Promise<void>;
}

interface BenchWindow {
	gatherBench: Bench;
	__gather?: GatherHooks;
	__benchFirstPull?: number;
	__benchWatch?: Promise<number>;
}

/** The bench entry and the app modules it imports, as one script for the page. */
export async function bundleEntry(root: string): Promise<string> {
	const output = await build({
		configFile: false,
		root,
		logLevel: 'warn',
		mode: 'production',
		publicDir: false,
		define: { 'process.env.NODE_ENV': '"production"' },
		resolve: { alias: [{ find: /^\$lib(?=\/|$)/, replacement: path.join(root, 'src/lib') }] },
		build: {
			write: false,
			minify: true,
			target: 'es2022',
			lib: {
				entry: path.join(root, 'bench/browser/entry.ts'),
				formats: ['iife'],
				name: 'gatherBench'
			}
		}
	});
	const results = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
	const chunk = results.flatMap((result) => result.output).find((item) => item.type === 'chunk');
	if (!chunk || chunk.type !== 'chunk') throw new Error('the bench bundle has no code');
	// Playwright wraps init scripts in a function: publish the IIFE's result explicitly.
	return `${chunk.code}\nglobalThis.gatherBench = gatherBench;`;
}

export class BenchBrowser {
	private constructor(
		readonly browser: Browser,
		private readonly script: string,
		readonly origin: string
	) {}

	static async launch(script: string, origin: string): Promise<BenchBrowser> {
		const browser = await chromium.launch(chromiumLaunchOptions);
		return new BenchBrowser(browser, script, origin);
	}

	async context(): Promise<BrowserContext> {
		const context = await this.browser.newContext({
			baseURL: this.origin,
			serviceWorkers: 'allow',
			viewport: { width: 360, height: 780 }
		});
		await context.addInitScript({ content: this.script });
		// Marks when the app's first pull request leaves: where the initial sync starts.
		await context.addInitScript(() => {
			const original = window.fetch.bind(window);
			window.fetch = (input, init) => {
				const url =
					typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
				const target = window as unknown as BenchWindow;
				if (url.includes('/api/sync/pull') && target.__benchFirstPull === undefined)
					target.__benchFirstPull = performance.now();
				return original(input, init);
			};
		});
		return context;
	}

	async signIn(context: BrowserContext, signedIn: SignedInPerson): Promise<void> {
		await context.addCookies([
			{ name: 'gather_session', value: signedIn.token, url: this.origin, httpOnly: true }
		]);
	}

	/** A page of the origin that runs none of the app: the micro-benchmarks' playground. */
	async blankPage(context: BrowserContext): Promise<Page> {
		const page = await context.newPage();
		await page.goto('/robots.txt');
		return page;
	}

	async close(): Promise<void> {
		await this.browser.close();
	}
}

export async function localCommit(bench: BenchBrowser, iterations: number, warmup: number) {
	const context = await bench.context();
	try {
		const page = await bench.blankPage(context);
		return await page.evaluate(
			([count, warm]) => (window as unknown as BenchWindow).gatherBench.localCommit(count, warm),
			[iterations, warmup] as const
		);
	} finally {
		await context.close();
	}
}

/** Offline directory search over `people` people stored on the device. */
export async function directoryDevice(bench: BenchBrowser, people: number, rounds: number) {
	const context = await bench.context();
	try {
		const page = await bench.blankPage(context);
		return await page.evaluate(
			([count, times]) =>
				(window as unknown as BenchWindow).gatherBench.directorySearch(count, times),
			[people, rounds] as const
		);
	} finally {
		await context.close();
	}
}

export async function applyPages(bench: BenchBrowser, records: number) {
	const context = await bench.context();
	try {
		const page = await bench.blankPage(context);
		return await page.evaluate(
			(total) => (window as unknown as BenchWindow).gatherBench.applyPages(total),
			records
		);
	} finally {
		await context.close();
	}
}

/** Open the app once without a session so its service worker has installed and precached. */
export async function installedApp(bench: BenchBrowser, context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await page.goto('/');
	await page.waitForFunction(() => (window as unknown as BenchWindow).__gather?.ready === true);
	await page.evaluate(() =>
		Promise.race([
			navigator.serviceWorker.ready,
			new Promise((resolve) => setTimeout(resolve, 15_000))
		])
	);
	return page;
}

async function waitUntilSynced(page: Page, timeoutMs: number): Promise<number> {
	return page.evaluate(async (limit) => {
		const started = performance.now();
		for (;;) {
			const app = (window as unknown as BenchWindow).__gather;
			if (app?.report.failure)
				throw new Error(`sync failed: ${app.report.failure} ${app.report.errorMessage}`);
			if (app?.report.lastSyncedAt && !app.report.syncing) return performance.now();
			if (performance.now() - started > limit) throw new Error('sync did not finish in time');
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}, timeoutMs);
}

export interface InitialSyncResult {
	records: number;
	cursor: number;
	/** From the first pull request to the end of the sync. */
	syncMs: number;
	/** From the navigation to the end of the sync (page load and session check included). */
	openMs: number;
	phases: Entry.PullPhases;
}

/**
 * A fresh device opens the app with a valid session and pulls everything: the real app, its
 * sync engine and its home screen, from the navigation until the cursor reaches the head.
 * Then the same pull again with a clock around each phase (fetch, JSON, validation, apply).
 */
export async function initialSync(
	bench: BenchBrowser,
	signedIn: SignedInPerson,
	expected: { records: number; head: number }
): Promise<InitialSyncResult> {
	const context = await bench.context();
	try {
		const page = await installedApp(bench, context);
		await bench.signIn(context, signedIn);
		await page.goto('/');
		const finished = await waitUntilSynced(page, 300_000);
		const measured = await page.evaluate(async () => {
			const target = window as unknown as BenchWindow;
			const database = target.__gather?.database;
			if (!database) throw new Error('no database open');
			return {
				firstPull: target.__benchFirstPull ?? Number.NaN,
				cursor: (await database.getMeta('cursor')) ?? 0,
				records: await database.contributions.count()
			};
		});
		if (measured.records !== expected.records || measured.cursor !== expected.head)
			throw new Error(
				`initial sync stored ${measured.records} rows up to ${measured.cursor}; expected ${expected.records} up to ${expected.head}`
			);
		const actor: Actor = { personId: signedIn.person.id, roles: signedIn.person.roles };
		const phases = await page.evaluate(
			(who) => (window as unknown as BenchWindow).gatherBench.pullWithPhases(who),
			actor
		);
		return {
			records: measured.records,
			cursor: measured.cursor,
			// No pull seen through the page's fetch (moved to a worker?): count from the navigation.
			syncMs: finished - (Number.isNaN(measured.firstPull) ? 0 : measured.firstPull),
			openMs: finished,
			phases
		};
	} finally {
		await context.close();
	}
}

export interface PropagationResult {
	/** From A's mutate() call to the row being in B's IndexedDB, per trial. */
	trials: number[];
	timedOut: number;
}

/**
 * Two devices of one person, both online with the app open. A logs a contribution; B polls
 * its own IndexedDB every 5 ms until the row is there.
 */
export async function propagation(
	bench: BenchBrowser,
	signedIn: SignedInPerson,
	options: { trials: number; budgetMs: number; trialTimeoutMs: number }
): Promise<PropagationResult> {
	const contexts = [await bench.context(), await bench.context()];
	try {
		const [pageA, pageB] = await Promise.all(
			contexts.map(async (context) => {
				const page = await installedApp(bench, context);
				await bench.signIn(context, signedIn);
				await page.goto('/');
				await waitUntilSynced(page, 60_000);
				return page;
			})
		);
		const result: PropagationResult = { trials: [], timedOut: 0 };
		const started = Date.now();
		const today = new Date().toISOString().slice(0, 10);
		for (let trial = 0; trial < options.trials; trial += 1) {
			if (trial > 0 && Date.now() - started > options.budgetMs) break;
			const id = newId();
			await pageB.evaluate(
				([rowId, limit]) => {
					const target = window as unknown as BenchWindow;
					target.__benchWatch = (async () => {
						const begun = Date.now();
						for (;;) {
							const database = target.__gather?.database;
							if (database && (await database.contributions.get(rowId))) return Date.now();
							if (Date.now() - begun > limit) return Number.NaN;
							await new Promise((resolve) => setTimeout(resolve, 5));
						}
					})();
				},
				[id, options.trialTimeoutMs] as const
			);
			const wrote = await pageA.evaluate(
				async (args) => {
					const app = (window as unknown as BenchWindow).__gather;
					if (!app) throw new Error('no app');
					const at = Date.now();
					await app.mutate('contribution.log', args);
					return at;
				},
				{
					id,
					area: 'testing',
					activityType: 'reviewed',
					description: `Propagation trial ${trial}`,
					happenedOn: today,
					link: null
				}
			);
			const seen = await pageB.evaluate(
				() => (window as unknown as BenchWindow).__benchWatch ?? Number.NaN
			);
			if (Number.isNaN(seen)) result.timedOut += 1;
			else result.trials.push(seen - wrote);
		}
		return result;
	} finally {
		await Promise.all(contexts.map((context) => context.close()));
	}
}
