/**
 * One online-only read of an admin screen (the duplicates, the merge log): loaded as soon as
 * the device is online, and again when the connection comes back after a failure is retried.
 */
import { AdminRequestError, type AdminFailure } from './people-admin';
import { app } from './state/app.svelte';

export class AdminRead<Value> {
	#value = $state.raw<Value | null>(null);
	#loading = $state(false);
	#failure = $state<AdminFailure | null>(null);

	readonly #request: () => Promise<Value>;

	/** Create during a component's initialisation: the first load waits for the network. */
	constructor(request: () => Promise<Value>) {
		this.#request = request;
		$effect(() => {
			if (app.online && this.#value === null && !this.#loading && this.#failure === null)
				void this.load();
		});
	}

	/** The answer, null until it has come. */
	get value(): Value | null {
		return this.#value;
	}

	/** The screen's own changes to the answer (a merged pair gone from the list). */
	set value(value: Value) {
		this.#value = value;
	}

	get loading(): boolean {
		return this.#loading;
	}

	get failure(): AdminFailure | null {
		return this.#failure;
	}

	async load(): Promise<void> {
		this.#loading = true;
		this.#failure = null;
		try {
			this.#value = await this.#request();
		} catch (error) {
			this.#failure = error instanceof AdminRequestError ? error.failure : 'server';
		} finally {
			this.#loading = false;
		}
	}
}
