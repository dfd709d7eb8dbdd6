/**
 * The sync loop: push the outbox, then pull, whenever something may have changed — app start,
 * `online`, the tab becoming visible, a timer, and shortly after each local write. Temporary
 * failures back off exponentially with jitter; an expired session waits for the person to sign
 * in again and keeps every queued write. One tab syncs at a time (Web Locks).
 */
import type { Actor } from '$lib/domain/actor';
import type { GatherDatabase } from '../db';
import { pullChanges } from './pull';
import { pushOutbox } from './push';
import { SyncError, type SyncFailure, type SyncTransport } from './transport';

export interface SyncReport {
	syncing: boolean;
	/** The last sync's failure, or null after a success. */
	failure: SyncFailure | null;
	errorMessage: string | null;
	lastSyncedAt: string | null;
	/** Rows received so far in the running pull. */
	received: number;
}

const INTERVAL_MS = 30_000;
const AFTER_WRITE_MS = 400;
const MAX_BACKOFF_MS = 60_000;
/** Offline retries cost no network at all, and connectivity at events comes and goes in seconds. */
const MAX_OFFLINE_RETRY_MS = 10_000;

export function backoffDelay(attempt: number, random = Math.random): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
	// "Full jitter": spread retries of many devices after an outage.
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class SyncEngine {
	#report: SyncReport = {
		syncing: false,
		failure: null,
		errorMessage: null,
		lastSyncedAt: null,
		received: 0
	};
	#timer: ReturnType<typeof setTimeout> | undefined;
	#running: Promise<void> | null = null;
	#again = false;
	#attempt = 0;
	#stopped = false;
	#detach: (() => void) | null = null;

	constructor(
		private readonly db: GatherDatabase,
		private readonly actor: Actor,
		private readonly transport: SyncTransport,
		private readonly onReport: (report: SyncReport) => void = () => {}
	) {}

	get report(): SyncReport {
		return this.#report;
	}

	/** Start syncing on the browser's signals. Returns nothing; call stop() to detach. */
	start(): void {
		if (typeof window === 'undefined') return;
		const soon = () => this.schedule(0);
		const onVisible = () => {
			if (document.visibilityState === 'visible') soon();
		};
		window.addEventListener('online', soon);
		document.addEventListener('visibilitychange', onVisible);
		this.#detach = () => {
			window.removeEventListener('online', soon);
			document.removeEventListener('visibilitychange', onVisible);
		};
		void this.db.getMeta('lastSyncedAt').then((lastSyncedAt) => {
			if (lastSyncedAt && !this.#report.lastSyncedAt) this.#update({ lastSyncedAt });
		});
		soon();
	}

	stop(): void {
		this.#stopped = true;
		clearTimeout(this.#timer);
		this.#detach?.();
	}

	/** A local write happened: sync shortly, coalescing bursts of writes. */
	afterWrite(): void {
		this.schedule(AFTER_WRITE_MS);
	}

	schedule(delay: number): void {
		if (this.#stopped) return;
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.syncNow(), delay);
	}

	/** Run one sync now (or once more right after the running one). Never throws. */
	async syncNow(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#withLock(() => this.#cycle()).finally(() => {
			this.#running = null;
			if (this.#again && !this.#stopped) {
				this.#again = false;
				this.schedule(0);
			}
		});
		return this.#running;
	}

	async #withLock(work: () => Promise<void>): Promise<void> {
		if (typeof navigator === 'undefined' || !navigator.locks) return work();
		// Another tab holding the lock is syncing the same database; its result reaches this
		// tab through IndexedDB (liveQuery), so there is nothing to wait for.
		await navigator.locks.request('gather-sync', { ifAvailable: true }, async (lock) => {
			if (lock) await work();
		});
	}

	async #cycle(): Promise<void> {
		clearTimeout(this.#timer);
		if (typeof navigator !== 'undefined' && navigator.onLine === false) {
			this.#update({ failure: 'offline', errorMessage: null });
			this.schedule(MAX_OFFLINE_RETRY_MS);
			return;
		}
		this.#update({ syncing: true, received: 0 });
		try {
			await pushOutbox(this.db, this.transport);
			await pullChanges(this.db, this.actor, this.transport, (received) =>
				this.#update({ received })
			);
			const lastSyncedAt = new Date().toISOString();
			await this.db.setMeta('lastSyncedAt', lastSyncedAt);
			this.#attempt = 0;
			this.#update({ syncing: false, failure: null, errorMessage: null, lastSyncedAt });
			this.schedule(INTERVAL_MS);
		} catch (error) {
			const failure = error instanceof SyncError ? error : new SyncError('server', String(error));
			this.#update({ syncing: false, failure: failure.failure, errorMessage: failure.message });
			if (failure.failure === 'unauthorized') return; // waits for sign-in; nothing is dropped
			if (!failure.temporary) this.schedule(INTERVAL_MS);
			else if (failure.failure === 'offline')
				this.schedule(Math.min(MAX_OFFLINE_RETRY_MS, backoffDelay(this.#attempt++)));
			else this.schedule(backoffDelay(this.#attempt++));
		}
	}

	#update(patch: Partial<SyncReport>): void {
		this.#report = { ...this.#report, ...patch };
		this.onReport(this.#report);
	}
}
