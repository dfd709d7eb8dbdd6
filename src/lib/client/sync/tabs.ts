/**
 * The sync engines of one person's open tabs talk over a BroadcastChannel: the tab that holds
 * the sync lock tells the others how its sync is going, so every tab's indicator shows the
 * same state. Data itself never travels here: it is in IndexedDB, shared by all tabs.
 */
import type { SyncReport } from './engine';

type TabMessage =
	/** The syncing tab's latest report. */
	| { type: 'report'; report: SyncReport }
	/** A tab just opened: whoever is syncing answers with its report. */
	| { type: 'hello' };

export class TabChannel {
	#channel: BroadcastChannel | null;

	constructor(name: string, handlers: { report: (report: SyncReport) => void; hello: () => void }) {
		this.#channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
		this.#channel?.addEventListener('message', (event: MessageEvent<TabMessage>) => {
			const message = event.data;
			if (message?.type === 'report') handlers.report(message.report);
			else if (message?.type === 'hello') handlers.hello();
		});
	}

	report(report: SyncReport): void {
		this.#post({ type: 'report', report });
	}

	hello(): void {
		this.#post({ type: 'hello' });
	}

	close(): void {
		this.#channel?.close();
		this.#channel = null;
	}

	#post(message: TabMessage) {
		try {
			this.#channel?.postMessage(message);
		} catch {
			// A closed channel (the tab is going away): nobody left to tell.
		}
	}
}
