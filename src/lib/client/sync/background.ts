/**
 * Background Sync, where the browser has it (Chromium): after a write, a one-off 'gather-sync'
 * registration lets the service worker wake when connectivity returns, even if the tab is in
 * the background; static/sw-sync.js then asks the open windows to sync. It is a hint, never
 * relied upon: the engine's own triggers (start, online, visibility, timer, after a write,
 * the change feed) deliver every write on their own, in every browser.
 */
// Both names are spelled again in static/sw-sync.js, a plain script the worker imports.
const BACKGROUND_SYNC_TAG = 'gather-sync';
/** The service worker's message asking the windows to sync. */
const SYNC_REQUEST_MESSAGE = 'gather-sync-now';

/** Not in TypeScript's DOM types yet. */
interface SyncManager {
	register(tag: string): Promise<void>;
}

function supported(): boolean {
	return (
		typeof navigator !== 'undefined' &&
		'serviceWorker' in navigator &&
		typeof ServiceWorkerRegistration !== 'undefined' &&
		'sync' in ServiceWorkerRegistration.prototype
	);
}

export function requestBackgroundSync(): void {
	if (!supported()) return;
	navigator.serviceWorker
		.getRegistration()
		.then((registration) =>
			(
				registration as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined
			)?.sync?.register(BACKGROUND_SYNC_TAG)
		)
		// Refused (permission, no active worker): the engine's triggers still deliver the write.
		.catch(() => {});
}

/** Call `onRequest` when the service worker asks this window to sync; returns the unsubscriber. */
export function onServiceWorkerSyncRequest(onRequest: () => void): () => void {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return () => {};
	const listener = (event: MessageEvent) => {
		if ((event.data as { type?: unknown } | null)?.type === SYNC_REQUEST_MESSAGE) onRequest();
	};
	navigator.serviceWorker.addEventListener('message', listener);
	return () => navigator.serviceWorker.removeEventListener('message', listener);
}
