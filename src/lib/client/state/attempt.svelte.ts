import { saveFailureMessage } from '$lib/client/labels';

/**
 * One action a screen runs: busy while it runs, and what went wrong, in words, if it failed.
 * `explain` turns the failure into those words: a write refused on the device by default, a
 * server's answer (authErrorMessage, adminErrorMessage, …) where the action asks one.
 */
export class Attempt {
	#busy = $state(false);
	#failure = $state<string | null>(null);
	readonly #explain: (error: unknown) => string;

	constructor(explain: (error: unknown) => string = saveFailureMessage) {
		this.#explain = explain;
	}

	get busy() {
		return this.#busy;
	}
	get failure() {
		return this.#failure;
	}

	/** Run the action; false when it failed (its failure is then shown). */
	async run(action: () => Promise<unknown>): Promise<boolean> {
		this.#failure = null;
		this.#busy = true;
		try {
			await action();
			return true;
		} catch (error) {
			this.#failure = this.#explain(error);
			return false;
		} finally {
			this.#busy = false;
		}
	}

	clear(): void {
		this.#failure = null;
	}
}
