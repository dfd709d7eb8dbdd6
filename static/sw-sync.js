/**
 * Background Sync for the Workbox service worker (loaded through `importScripts`, see
 * vite.config.ts). When the browser fires the one-off 'gather-sync' sync (connectivity came
 * back), ask every open window to sync now. The worker does not sync itself: the engine in
 * the page owns the outbox, its lock and its backoff, and it syncs on its own triggers anyway.
 * This only makes it sooner where the browser has Background Sync; nothing depends on it.
 */
self.addEventListener('sync', (event) => {
	if (event.tag !== 'gather-sync') return;
	event.waitUntil(
		self.clients
			.matchAll({ type: 'window', includeUncontrolled: true })
			.then((windows) => {
				for (const client of windows) client.postMessage({ type: 'gather-sync-now' });
			})
	);
});
