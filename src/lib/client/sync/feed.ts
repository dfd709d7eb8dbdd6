/**
 * The server's change feed (`/api/sync/changes`, server-sent events): "version N committed".
 * It carries no data; it only tells an online device to pull now instead of at its next timer.
 *
 * One tab per browser listens: the tab holding the feed lock (Web Locks elect it, and hand the
 * lock to another tab when it closes). Every open stream holds a connection, and browsers give
 * an origin only six over HTTP/1.1: a stream per tab would leave the app's own requests
 * queueing behind them. The stream is closed while offline and on sign-out; the service
 * worker does not handle it (Workbox only answers precached files and navigations), so it
 * neither gets cached nor keeps the app from working offline.
 */

/** Opens the stream; returns the function that closes it. `closed` fires when it gave up. */
export type OpenChangeFeed = (handlers: {
	version: (version: number) => void;
	closed: () => void;
}) => () => void;

export class ChangeFeed {
	#close: (() => void) | null = null;
	#leading = false;
	#stopped = false;
	#release: (() => void) | null = null;
	#abort = new AbortController();
	#detach: (() => void) | null = null;

	constructor(
		private readonly lockName: string,
		private readonly open: OpenChangeFeed,
		private readonly onVersion: (version: number) => void
	) {}

	start(): void {
		if (typeof window === 'undefined') return;
		const lead = () => {
			this.#leading = true;
			const connect = () => this.ensureOpen();
			const disconnect = () => this.#disconnect();
			addEventListener('online', connect);
			addEventListener('offline', disconnect);
			this.#detach = () => {
				removeEventListener('online', connect);
				removeEventListener('offline', disconnect);
			};
			this.ensureOpen();
		};
		if (typeof navigator === 'undefined' || !navigator.locks) return lead();
		navigator.locks
			.request(this.lockName, { signal: this.#abort.signal }, () => {
				if (this.#stopped) return;
				lead();
				// Held until stop(): the lock is this tab's claim to the stream.
				return new Promise<void>((resolve) => (this.#release = resolve));
			})
			.catch(() => {
				// Aborted while waiting (stopped before this tab was elected).
			});
	}

	/** Open the stream if this tab leads, is online and has none (it may have given up on a 401). */
	ensureOpen(): void {
		if (!this.#leading || this.#stopped || this.#close) return;
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
		this.#close = this.open({
			version: (version) => this.onVersion(version),
			closed: () => (this.#close = null)
		});
	}

	stop(): void {
		this.#stopped = true;
		this.#abort.abort();
		this.#disconnect();
		this.#detach?.();
		this.#release?.();
		this.#leading = false;
	}

	#disconnect() {
		this.#close?.();
		this.#close = null;
	}
}

/** The change feed over EventSource. */
export const eventSourceFeed =
	(url: string): OpenChangeFeed =>
	({ version, closed }) => {
		const source = new EventSource(url, { withCredentials: true });
		source.addEventListener('version', (event) => {
			const value = Number((event as MessageEvent<string>).data);
			if (Number.isFinite(value)) version(value);
		});
		// A network error makes EventSource retry by itself; a refusal (401, 5xx) closes it.
		source.addEventListener('error', () => {
			if (source.readyState === EventSource.CLOSED) closed();
		});
		return () => source.close();
	};
