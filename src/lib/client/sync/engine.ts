/**
 * The sync loop: push the outbox, then pull, whenever something may have changed — app start,
 * `online`, the tab becoming visible, a timer, shortly after each local write, and when the
 * server's change feed announces a new version. Temporary failures back off exponentially
 * with jitter; an expired session waits for the person to sign in again and keeps every
 * queued write. One tab syncs at a time (Web Locks) and tells the others how it goes
 * (BroadcastChannel); a lost database connection is reopened and the cycle run once more.
 */
import type { Actor } from '$lib/domain/actor';
import type { GatherDatabase } from '../db';
import { isQuotaExceeded, withReopen } from '../durability';
import { onServiceWorkerSyncRequest, requestBackgroundSync } from './background';
import { ChangeFeed, type OpenChangeFeed } from './feed';
import { pullChanges } from './pull';
import { pushOutbox, type Progress } from './push';
import { TabChannel } from './tabs';
import { SyncError, type SyncFailure, type SyncTransport } from './transport';

export interface SyncProgress extends Progress {
	/** Sending the outbox, or receiving the server's rows. */
	phase: 'push' | 'pull';
}

export interface SyncReport {
	syncing: boolean;
	/** The last sync's failure, or null after a success. */
	failure: SyncFailure | null;
	/** The failure's own text (often the server's, in English): for logs and diagnostics, never shown. */
	errorMessage: string | null;
	lastSyncedAt: string | null;
	/** How far the running sync has come; null when idle. */
	progress: SyncProgress | null;
	/** The tab whose engine wrote this report: reports travel between tabs. */
	tab: string;
}

export interface SyncEngineOptions {
	/** The server's change feed (EventSource in the app; none in unit tests). */
	changes?: OpenChangeFeed;
}

const INTERVAL_MS = 30_000;
const AFTER_WRITE_MS = 400;
const MAX_BACKOFF_MS = 60_000;
/** Offline retries cost no network at all, and connectivity at events comes and goes in seconds. */
const MAX_OFFLINE_RETRY_MS = 10_000;
/** After a feed event: spread the pulls of every listening device over a fraction of a second. */
const FEED_JITTER_MIN_MS = 50;
const FEED_JITTER_SPAN_MS = 200;

function backoffDelay(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
	// "Full jitter": spread retries of many devices after an outage.
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function feedDelay(): number {
	return Math.round(FEED_JITTER_MIN_MS + Math.random() * FEED_JITTER_SPAN_MS);
}

/**
 * Why a sync was asked for. `always` runs a full cycle; the others name what there is to do,
 * checked again once the lock is held — by then another tab may have done it.
 */
type Need = 'always' | 'push' | 'pull';

/** The report of an engine that has not synced yet. */
export function idleReport(tab: string): SyncReport {
	return {
		syncing: false,
		failure: null,
		errorMessage: null,
		lastSyncedAt: null,
		progress: null,
		tab
	};
}

export class SyncEngine {
	readonly tab = crypto.randomUUID();
	#report: SyncReport;
	#pollTimer: ReturnType<typeof setTimeout> | undefined;
	#writeTimer: ReturnType<typeof setTimeout> | undefined;
	#feedTimer: ReturnType<typeof setTimeout> | undefined;
	#running: Promise<void> | null = null;
	/** Asked for while a sync ran: one more after it, for these needs. */
	#queued = new Set<Need>();
	#queuedWait = false;
	#holding = false;
	#attempt = 0;
	#stopped = false;
	/** The highest version the change feed announced. */
	#announced = 0;
	#detach: (() => void)[] = [];
	#tabs: TabChannel | null = null;
	#feed: ChangeFeed | null = null;

	constructor(
		private readonly db: GatherDatabase,
		private readonly actor: Actor,
		private readonly transport: SyncTransport,
		private readonly onReport: (report: SyncReport) => void = () => {},
		private readonly options: SyncEngineOptions = {}
	) {
		this.#report = idleReport(this.tab);
	}

	get report(): SyncReport {
		return this.#report;
	}

	/** The Web Lock that lets one tab at a time sync this database. */
	get #lockName(): string {
		return `gather-sync:${this.db.name}`;
	}

	/** Start syncing on the browser's signals. Returns nothing; call stop() to detach. */
	start(): void {
		if (typeof window === 'undefined') return;
		const poll = () => void this.#request('always', false);
		const onVisible = () => {
			if (document.visibilityState === 'visible') poll();
		};
		const onHide = () => this.#letGo();
		addEventListener('online', poll);
		addEventListener('pagehide', onHide);
		document.addEventListener('visibilitychange', onVisible);
		this.#detach.push(
			() => removeEventListener('online', poll),
			() => removeEventListener('pagehide', onHide),
			() => document.removeEventListener('visibilitychange', onVisible),
			onServiceWorkerSyncRequest(() => void this.#request('push', true))
		);
		this.#tabs = new TabChannel(this.#lockName, {
			report: (report) => this.#adopt(report),
			hello: () => {
				if (this.#holding) this.#tabs?.report(this.#report);
			}
		});
		this.#tabs.hello();
		if (this.options.changes) {
			this.#feed = new ChangeFeed(`gather-feed:${this.db.name}`, this.options.changes, (version) =>
				this.#announce(version)
			);
			this.#feed.start();
		}
		this.db
			.getMeta('lastSyncedAt')
			.then((lastSyncedAt) => {
				if (lastSyncedAt && !this.#report.lastSyncedAt) this.#set({ lastSyncedAt });
			})
			// Closed before it answered (signed out at once): nothing to show.
			.catch(() => {});
		poll();
	}

	/** A tab closed or stopped mid-sync releases the lock by itself; the others must not keep showing it. */
	#letGo(): void {
		if (this.#holding) this.#tabs?.report({ ...this.#report, syncing: false, progress: null });
	}

	stop(): void {
		this.#letGo();
		this.#stopped = true;
		clearTimeout(this.#pollTimer);
		clearTimeout(this.#writeTimer);
		clearTimeout(this.#feedTimer);
		for (const detach of this.#detach) detach();
		this.#detach = [];
		this.#feed?.stop();
		this.#tabs?.close();
	}

	/**
	 * A local write happened: push shortly. A burst of writes shares one sync (the timer is
	 * not pushed back by later writes, so a steady stream of writes still goes out).
	 */
	afterWrite(): void {
		if (this.#stopped || this.#writeTimer !== undefined) return;
		requestBackgroundSync();
		// During a server outage the backoff decides: each write must not add a request.
		if (this.#attempt > 0 && this.#report.failure === 'server') return;
		this.#writeTimer = setTimeout(() => {
			this.#writeTimer = undefined;
			void this.#request('push', true);
		}, AFTER_WRITE_MS);
	}

	/** The next regular sync (interval, retry, backoff) in `delay` ms, replacing the pending one. */
	#schedule(delay: number): void {
		if (this.#stopped) return;
		clearTimeout(this.#pollTimer);
		this.#pollTimer = setTimeout(() => void this.#request('always', false), delay);
	}

	/** Run one full sync now, waiting for another tab's to finish first. Never throws. */
	syncNow(): Promise<void> {
		return this.#request('always', true);
	}

	/**
	 * Run a sync for `need`. `wait`: when another tab holds the lock, queue for it rather than
	 * give up. Writes and feed events wait; the timer and the browser's signals do not (the tab
	 * holding the lock is doing that work already).
	 *
	 * Why queue for the lock instead of asking the holder over BroadcastChannel to run again:
	 * a message can cross the holder's release of the lock and be lost, so the write would
	 * wait for the 30 s timer; a queued lock request cannot be lost, and if the holding tab is
	 * closed or frozen the lock passes on by itself. Once granted, the need is checked again
	 * (nothing left to push, cursor already past the announced version) so a write the holder
	 * already sent costs no request. Writes made while this tab waits coalesce into this wait.
	 */
	#request(need: Need, wait: boolean): Promise<void> {
		if (this.#stopped) return Promise.resolve();
		this.#queued.add(need);
		this.#queuedWait ||= wait;
		this.#running ??= this.#drain();
		return this.#running;
	}

	/** Serve requests until none is left; those made while a sync runs share the next one. */
	async #drain(): Promise<void> {
		try {
			while (this.#queued.size > 0 && !this.#stopped) {
				const needs = this.#queued;
				const wait = this.#queuedWait;
				this.#queued = new Set();
				this.#queuedWait = false;
				await this.#locked(needs, wait).catch((error: unknown) => {
					// Only the local checks can fail here (the cycle reports its own failures),
					// e.g. a database closed by signing out meanwhile.
					if (!this.#stopped) console.error('Sync could not start', error);
				});
			}
		} finally {
			this.#running = null;
		}
	}

	async #locked(needs: Set<Need>, wait: boolean): Promise<void> {
		const run = async () => {
			if (!this.#stopped && (await this.#needed(needs))) await this.#holdAndRun();
		};
		if (typeof navigator === 'undefined' || !navigator.locks) return run();
		const ran = await navigator.locks.request(
			this.#lockName,
			{ ifAvailable: true },
			async (lock) => {
				if (!lock) return false;
				await run();
				return true;
			}
		);
		if (ran || this.#stopped) return;
		if (wait) await navigator.locks.request(this.#lockName, run);
		// Another tab is syncing for everyone; keep a timer all the same, so that if that tab
		// is closed this one takes over the regular syncs.
		else this.#schedule(INTERVAL_MS);
	}

	async #needed(needs: Set<Need>): Promise<boolean> {
		if (needs.has('always')) return true;
		if (needs.has('push') && (await this.db.unpushedCount()) > 0) return true;
		if (needs.has('pull') && this.#announced > ((await this.db.getMeta('cursor')) ?? 0))
			return true;
		return false;
	}

	async #holdAndRun(): Promise<void> {
		this.#holding = true;
		try {
			await this.#cycle();
		} finally {
			this.#holding = false;
		}
	}

	/** The change feed announced a committed version: pull soon, unless this device has it. */
	#announce(version: number) {
		this.#announced = Math.max(this.#announced, version);
		if (this.#feedTimer !== undefined) return;
		this.#feedTimer = setTimeout(() => {
			this.#feedTimer = undefined;
			void this.#request('pull', true);
		}, feedDelay());
	}

	async #cycle(): Promise<void> {
		clearTimeout(this.#pollTimer);
		if (typeof navigator !== 'undefined' && navigator.onLine === false) {
			this.#update({ failure: 'offline', errorMessage: null, syncing: false, progress: null });
			this.#schedule(MAX_OFFLINE_RETRY_MS);
			return;
		}
		// Trying again with the browser online: "offline" no longer describes this device.
		const wasOffline = this.#report.failure === 'offline';
		this.#update({
			syncing: true,
			progress: null,
			...(wasOffline ? { failure: null, errorMessage: null } : {})
		});
		try {
			// A lost connection (another tab upgrading, the browser closing it) fails the cycle
			// midway; both halves are safe to repeat, so reopen and run it once more.
			const lastSyncedAt = await withReopen(this.db, () => this.#pushAndPull(), {
				canReopen: () => !this.#stopped
			});
			this.#attempt = 0;
			this.#update({
				syncing: false,
				failure: null,
				errorMessage: null,
				progress: null,
				lastSyncedAt
			});
			this.#feed?.ensureOpen();
			this.#schedule(INTERVAL_MS);
		} catch (error) {
			const failure =
				error instanceof SyncError
					? error
					: isQuotaExceeded(error)
						? new SyncError('storage', 'This device has no storage space left')
						: new SyncError('server', String(error));
			this.#update({
				syncing: false,
				failure: failure.failure,
				errorMessage: failure.message,
				progress: null
			});
			if (failure.failure === 'unauthorized') return; // waits for sign-in; nothing is dropped
			if (!failure.temporary) this.#schedule(INTERVAL_MS);
			else if (failure.failure === 'offline')
				this.#schedule(Math.min(MAX_OFFLINE_RETRY_MS, backoffDelay(this.#attempt++)));
			else this.#schedule(backoffDelay(this.#attempt++));
		}
	}

	/** Returns when it finished (ISO), as stored for the next start. */
	async #pushAndPull(): Promise<string> {
		await pushOutbox(this.db, this.transport, (progress) =>
			this.#update({ progress: { phase: 'push', ...progress } })
		);
		await pullChanges(this.db, this.actor, this.transport, (progress) =>
			this.#update({ progress: { phase: 'pull', ...progress } })
		);
		const finishedAt = new Date().toISOString();
		await this.db.setMeta('lastSyncedAt', finishedAt);
		return finishedAt;
	}

	/** A report of this tab's own sync: shown here and told to the other tabs. */
	#update(patch: Partial<SyncReport>): void {
		this.#set({ ...patch, tab: this.tab });
		this.#tabs?.report(this.#report);
	}

	/** Another tab's report: the same database and server, so the same state to show. */
	#adopt(report: SyncReport): void {
		if (this.#holding || this.#stopped) return;
		this.#set(report);
		// Another tab synced fine: whatever stopped this one (a 401 since cleared by signing in
		// there) is over, so its feed and timer resume.
		if (report.failure === null && !report.syncing) {
			this.#feed?.ensureOpen();
			this.#schedule(INTERVAL_MS);
		}
	}

	#set(patch: Partial<SyncReport>): void {
		// A stopped engine (signed out, another account opened) no longer speaks for the app.
		if (this.#stopped) return;
		this.#report = { ...this.#report, ...patch };
		this.onReport(this.#report);
	}
}
