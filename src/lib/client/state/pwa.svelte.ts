/**
 * The service worker, registered with workbox-window. A new version waits until the person
 * chooses to reload: open pages are never switched to new code under their feet.
 */
import { Workbox } from 'workbox-window';

/** Chromium's install prompt event (not in the DOM typings). */
interface InstallPromptEvent extends Event {
	prompt(): Promise<void>;
	userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

class PwaState {
	#updateReady = $state(false);
	#installPrompt = $state.raw<InstallPromptEvent | null>(null);
	#workbox: Workbox | null = null;
	#registered = false;

	get updateReady() {
		return this.#updateReady;
	}

	/** The browser offers to install Gather (Chromium); elsewhere people use the browser menu. */
	get canInstall() {
		return this.#installPrompt !== null;
	}

	async install(): Promise<void> {
		const prompt = this.#installPrompt;
		if (!prompt) return;
		await prompt.prompt();
		await prompt.userChoice;
		this.#installPrompt = null;
	}

	register(): void {
		if (this.#registered) return;
		this.#registered = true;
		addEventListener('beforeinstallprompt', (event) => {
			event.preventDefault();
			this.#installPrompt = event as InstallPromptEvent;
		});
		addEventListener('appinstalled', () => (this.#installPrompt = null));
		if (!('serviceWorker' in navigator)) return;
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
