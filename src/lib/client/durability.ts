/**
 * Local writes that survive what IndexedDB does to them in the wild: a full disk and a
 * connection the browser takes away (an upgrade in another tab, a storage clean-up, a crash of
 * the browser's database process).
 */
import type Dexie from 'dexie';

/** Names a lost connection shows up under, from Dexie or straight from IndexedDB. */
const CONNECTION_LOST = new Set([
	'DatabaseClosedError', // Dexie: the database was closed (by us, a versionchange or the browser)
	'InvalidStateError', // IndexedDB: a transaction on a closing or closed connection
	'AbortError', // IndexedDB: a forced close aborts every running transaction
	'TransactionInactiveError', // a request on a transaction that closing already ended
	'UnknownError' // Chromium: its database backend failed and came back
]);

interface ErrorLink {
	name?: unknown;
	inner?: unknown;
	cause?: unknown;
	failures?: unknown;
}

/** The error and what it wraps: Dexie keeps the browser's error in `inner`, a bulk write's in `failures`. */
function causes(error: unknown): ErrorLink[] {
	const found: ErrorLink[] = [];
	const queue = [error];
	while (queue.length > 0 && found.length < 20) {
		const current = queue.shift();
		if (!current || typeof current !== 'object') continue;
		const link = current as ErrorLink;
		found.push(link);
		queue.push(link.inner, link.cause);
		if (Array.isArray(link.failures)) queue.push(...(link.failures as unknown[]));
	}
	return found;
}

/** The device has no room left for this write (every browser names it differently). */
export function isQuotaExceeded(error: unknown): boolean {
	for (const link of causes(error))
		if (link.name === 'QuotaExceededError' || link.name === 'NS_ERROR_DOM_QUOTA_REACHED')
			return true;
	return false;
}

/** The write failed because the database connection went away, not because of the write. */
export function isConnectionLost(error: unknown): boolean {
	if (isQuotaExceeded(error)) return false;
	for (const link of causes(error))
		if (typeof link.name === 'string' && CONNECTION_LOST.has(link.name)) return true;
	return false;
}

/** A local write refused for lack of space: nothing of it was written. */
export class StorageFullError extends Error {
	constructor(readonly original: unknown) {
		super('This device has no storage space left');
		this.name = 'StorageFullError';
	}
}

export interface ReopenOptions {
	/** False once the app closed the database on purpose (signing out): then never reopen it. */
	canReopen?: () => boolean;
}

/**
 * Run `operation`; when it fails because the connection was lost, reopen the database and run
 * it once more. Safe for writes: IndexedDB commits a transaction whole or not at all, and a
 * Dexie transaction promise only rejects when it did not commit, so the retry never doubles a
 * write. A second failure is the caller's to report (the write was never acknowledged).
 */
export async function withReopen<T>(
	db: Dexie,
	operation: () => Promise<T>,
	{ canReopen = () => true }: ReopenOptions = {}
): Promise<T> {
	try {
		return await operation();
	} catch (error) {
		if (!isConnectionLost(error) || !canReopen()) throw error;
		if (!db.isOpen()) await db.open();
		return operation();
	}
}
