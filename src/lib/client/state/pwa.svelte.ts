/**
 * The service worker, registered with workbox-window. A new version waits until the person
 * chooses to reload: open pages are never switched to new code under their feet.
 */
import { Workbox } from 'workbox-window';

class PwaState {
	#updateReady = $state(false);
	#workbox: Workbox | null = null;

	get updateReady() {
		return this.#updateReady;
	}

	register(): void {
		if (this.#workbox || !('serviceWorker' in navigator)) return;
		const workbox = new Workbox('/sw.js', { scope: '/' });
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => (this.#updateReady = true));
		workbox.register().then(
			(registration) => {
				// Look for a new version every hour while the app stays open.
				if (registration) setInterval(() => void registration.update(), 60 * 60 * 1000);
			},
			(error: unknown) => console.error('Service worker registration failed', error)
		);
	}

	/** The person chose to reload into the new version. */
	applyUpdate(): void {
		const workbox = this.#workbox;
		if (!workbox) return;
		workbox.addEventListener('controlling', () => location.reload());
		workbox.messageSkipWaiting();
	}
}

export const pwa = new PwaState();
