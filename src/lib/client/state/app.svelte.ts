/**
 * The app's shared state on the device: who is signed in, their database, the sync engine and
 * its report. Screens read it and write only through `mutate`, which goes through the
 * mutation registry.
 */
import { liveQuery } from 'dexie';
import { actorOfPerson, type Actor } from '$lib/domain/actor';
import type { SessionPerson } from '$lib/domain/auth-api';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { fetchMe, signOut as endSession } from '../auth';
import { forgetDashboards } from '../dashboards';
import { onAccountChange, rememberAccount, rememberedAccount } from '../account';
import { databaseName, GatherDatabase, type OutboxEntry } from '../db';
import { isQuotaExceeded, StorageFullError, withReopen } from '../durability';
import { runMutation } from '../mutations';
import { readStorageStatus, requestPersistence, type StorageStatus } from '../storage';
import { idleReport, SyncEngine, type SyncReport } from '../sync/engine';
import { eventSourceFeed } from '../sync/feed';
import { httpTransport } from '../sync/transport';

/** Set when a sign-out could not reach the server: its session cookie is ended at the next chance. */
const SIGN_OUT_PENDING = 'gather.signOutPending';

const IDLE_REPORT = idleReport('');

class AppState {
	#person = $state.raw<SessionPerson | null>(null);
	#database = $state.raw<GatherDatabase | null>(null);
	#report = $state.raw<SyncReport>(IDLE_REPORT);
	#pending = $state(0);
	#ready = $state(false);
	#online = $state(true);
	#storage = $state.raw<StorageStatus | null>(null);
	#engine: SyncEngine | null = null;
	#unwatch: (() => void) | null = null;
	#starting: Promise<void> | null = null;
	/** Opening and closing accounts, one after the other (a sign-in can race the start). */
	#switching: Promise<void> = Promise.resolve();
	/** Moves on at every sign-in or sign-out: a session check begun before one is out of date. */
	#accountChanges = 0;

	get person() {
		return this.#person;
	}
	get database() {
		return this.#database;
	}
	get report() {
		return this.#report;
	}
	get pending() {
		return this.#pending;
	}
	/** Whether the browser keeps this device's data, and how much it holds (null until read). */
	get storage() {
		return this.#storage;
	}
	/** This tab's sync engine id: a report whose `tab` differs came from another tab. */
	get tab() {
		return this.#engine?.tab ?? null;
	}
	/** True once the remembered account (if any) is open. */
	get ready() {
		return this.#ready;
	}
	/** Online as far as Gather can tell: the browser says so and the last sync reached the server. */
	get online() {
		return this.#online && this.#report.failure !== 'offline';
	}
	/** The server no longer accepts this device's session: queued writes wait for a sign-in. */
	get needsSignIn() {
		return this.#report.failure === 'unauthorized';
	}
	get actor(): Actor | null {
		return this.#person && actorOfPerson(this.#person);
	}

	/** Open the remembered account; then ask the server whether the session still holds. */
	start(): Promise<void> {
		this.#starting ??= this.#start();
		return this.#starting;
	}

	async #start() {
		this.#online = navigator.onLine;
		addEventListener('online', () => (this.#online = true));
		addEventListener('offline', () => (this.#online = false));
		onAccountChange((person) => void this.#follow(person));
		const remembered = rememberedAccount();
		if (remembered) await this.#open(remembered);
		this.#ready = true;
		if (navigator.onLine) await this.#reachServer();
	}

	async #reachServer() {
		// The session cookie is HttpOnly: a sign-out made offline could not end it, and it would
		// sign that person back in here. End it first.
		if (localStorage.getItem(SIGN_OUT_PENDING)) {
			const ended = await endSession().then(
				() => true,
				() => false
			);
			if (ended) localStorage.removeItem(SIGN_OUT_PENDING);
			return;
		}
		await this.#confirmSession();
	}

	async #confirmSession() {
		const asked = this.#accountChanges;
		let current: SessionPerson | null;
		try {
			current = await fetchMe();
		} catch {
			return; // offline or server away: keep working as the remembered person
		}
		// Signed out (or in) while the answer was on its way: it no longer says who is here, and
		// following it would sign back in the person who just left.
		if (asked !== this.#accountChanges) return;
		if (current && current.id !== this.#person?.id) await this.#open(current);
		else if (current) this.#remember(current);
	}

	/** A passkey sign-in or sign-up succeeded. */
	async signedIn(person: SessionPerson): Promise<void> {
		this.#accountChanges++;
		// The new session replaced the cookie an offline sign-out left behind.
		localStorage.removeItem(SIGN_OUT_PENDING);
		if (person.id === this.#person?.id) {
			this.#remember(person);
			await this.#engine?.syncNow();
			return;
		}
		await this.#open(person);
	}

	/**
	 * `discardUnsynced`: the account itself is gone (deleted), so writes it could never send
	 * are dropped with its database instead of waiting for a sign-in that cannot come.
	 */
	async signOut({ discardUnsynced = false } = {}): Promise<void> {
		this.#accountChanges++;
		const ended = await endSession().then(
			() => true,
			() => false
		);
		if (!ended) localStorage.setItem(SIGN_OUT_PENDING, '1');
		await this.#serially(async () => {
			const database = this.#database;
			const pending = database ? await database.outbox.count() : 0;
			this.#close();
			rememberAccount(null);
			this.#person = null;
			await forgetDashboards();
			// A shared phone keeps nobody's data, except writes not yet synced: those wait in
			// their owner's database until they sign in here again.
			if (database && (pending === 0 || discardUnsynced)) await database.delete();
		});
	}

	/** Another tab signed out, or in as someone else: this tab follows. */
	async #follow(person: SessionPerson | null) {
		if (person && person.id === this.#person?.id) {
			this.#person = person;
			return;
		}
		this.#accountChanges++;
		if (person) return this.#open(person);
		await this.#serially(async () => {
			this.#close();
			this.#person = null;
			await forgetDashboards();
		});
	}

	/**
	 * Write through the mutation registry: domain rows, outbox entry and counters commit in one
	 * transaction, or nothing does. A lost database connection is reopened and the write tried
	 * once more (it never half-landed, so it lands exactly once); a full disk throws
	 * StorageFullError, with nothing written and the screen keeping what the person typed.
	 */
	async mutate<Name extends MutationName>(
		name: Name,
		args: MutationInput<Name>
	): Promise<OutboxEntry> {
		const database = this.#database;
		const actor = this.actor;
		if (!database || !actor) throw new Error('Not signed in');
		let entry: OutboxEntry;
		try {
			entry = await withReopen(database, () => runMutation(database, actor, name, args), {
				// Signed out meanwhile: that database was closed on purpose.
				canReopen: () => this.#database === database
			});
		} catch (error) {
			if (isQuotaExceeded(error)) {
				void this.refreshStorage();
				throw new StorageFullError(error);
			}
			throw error;
		}
		this.#engine?.afterWrite();
		return entry;
	}

	/** Read persistence and storage use again (Settings shows them). */
	async refreshStorage(): Promise<void> {
		this.#storage = await readStorageStatus();
	}

	/** The person asked to keep this device's data safe from the browser's clean-up. */
	async protectStorage(): Promise<void> {
		await requestPersistence(true);
		await this.refreshStorage();
	}

	syncNow(): Promise<void> {
		return this.#engine?.syncNow() ?? Promise.resolve();
	}

	#remember(person: SessionPerson) {
		this.#person = person;
		rememberAccount(person);
	}

	#serially(work: () => Promise<void>): Promise<void> {
		const next = this.#switching.then(work);
		this.#switching = next.catch(() => {});
		return next;
	}

	#open(person: SessionPerson): Promise<void> {
		return this.#serially(() => this.#openNow(person));
	}

	async #openNow(person: SessionPerson) {
		this.#close();
		this.#remember(person);
		const database = new GatherDatabase(databaseName(person.id));
		await database.open();
		await database.deviceId();
		this.#database = database;
		const subscription = liveQuery(() => database.outbox.count()).subscribe({
			next: (count) => (this.#pending = count)
		});
		const engine = new SyncEngine(
			database,
			actorOfPerson(person),
			httpTransport,
			(report) => (this.#report = report),
			{ changes: eventSourceFeed('/api/sync/changes') }
		);
		this.#engine = engine;
		this.#unwatch = () => {
			subscription.unsubscribe();
			engine.stop();
		};
		engine.start();
		// Unsynced writes live only here until they sync: ask the browser not to evict them.
		void requestPersistence()
			.catch(() => null)
			.then(() => this.refreshStorage());
	}

	#close() {
		this.#unwatch?.();
		this.#unwatch = null;
		this.#engine = null;
		this.#database?.close();
		this.#database = null;
		this.#report = IDLE_REPORT;
		this.#pending = 0;
	}
}

export const app = new AppState();

// End-to-end tests and benchmarks drive the real app (its database, outbox and sync engine)
// from Playwright; only builds made with VITE_TEST_HOOKS=1 expose it.
if (import.meta.env.VITE_TEST_HOOKS === '1') Object.assign(globalThis, { __gather: app });
