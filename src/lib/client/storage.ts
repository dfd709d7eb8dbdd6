/**
 * How safe this device's data is from the browser's own clean-up, and how much room it takes.
 * Browsers evict "best-effort" site data when space runs low; a persisted origin is only
 * cleared by the person. Unsynced writes live here, so Gather asks for persistence.
 */

export interface StorageStatus {
	/** True: the browser will not evict Gather's data. Null: this browser cannot tell. */
	persisted: boolean | null;
	/** Bytes used by this origin and the most it may use, when the browser says. */
	usage: number | null;
	quota: number | null;
}

const ASKED = 'gather.persistenceAsked';

function storageManager(): StorageManager | null {
	return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : null;
}

/** What the browser says now, without asking for anything. */
export async function readStorageStatus(): Promise<StorageStatus> {
	const storage = storageManager();
	const [persisted, estimate] = await Promise.all([
		storage?.persisted ? storage.persisted().catch(() => null) : null,
		storage?.estimate ? storage.estimate().catch(() => null) : null
	]);
	return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/**
 * Ask for persistent storage. `force` asks again (the person pressed the button); otherwise
 * it asks once per browser: Firefox shows a prompt, and asking at every start would nag.
 */
export async function requestPersistence(force = false): Promise<boolean | null> {
	const storage = storageManager();
	if (!storage?.persist || !storage.persisted) return null;
	if (await storage.persisted()) return true;
	if (!force && localStorage.getItem(ASKED)) return false;
	localStorage.setItem(ASKED, new Date().toISOString());
	return storage.persist().catch(() => false);
}
