/**
 * How safe this device's data is from the browser's own clean-up, and how much room it takes.
 * Browsers evict "best-effort" site data when space runs low; a persisted origin is only
 * cleared by the person. Unsynced writes live here, so Gather asks for persistence.
 */
import { getLocale } from '$lib/paraglide/runtime';

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

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "12.4 MB", "1.2 GB", in the active locale (decimal units, as storage is sold). */
export function formatBytes(bytes: number): string {
	let unit = 0;
	let value = bytes;
	while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
		value /= 1000;
		unit++;
	}
	const text = new Intl.NumberFormat(getLocale(), {
		style: 'unit',
		unit: BYTE_UNITS[unit],
		unitDisplay: 'short',
		maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
	}).format(value);
	// Never split a number from its unit across lines ("11" / "GB").
	return text.replace(/\s/gu, '\u00a0');
}
