/**
 * Keep the screen on while a ticket is shown (the Screen Wake Lock API, where the browser has
 * it). The browser drops the lock whenever the page is hidden, so it is asked for again each
 * time the page comes back. Call while a component initialises.
 */
export function keepScreenOn(): void {
	$effect(() => {
		if (!('wakeLock' in navigator)) return;
		let lock: WakeLockSentinel | null = null;
		let ended = false;
		const acquire = async () => {
			if (document.visibilityState !== 'visible' || ended) return;
			try {
				lock = await navigator.wakeLock.request('screen');
				if (ended) await lock.release();
			} catch {
				lock = null; // refused (battery saver, no permission): the ticket still shows
			}
		};
		const onVisibility = () => void acquire();
		void acquire();
		document.addEventListener('visibilitychange', onVisibility);
		return () => {
			ended = true;
			document.removeEventListener('visibilitychange', onVisibility);
			void lock?.release().catch(() => {});
		};
	});
}
