/** A one-time message carried to the next screen ("Saved — thank you!"). */
class Flash {
	#message = $state<string | null>(null);

	get message() {
		return this.#message;
	}

	show(message: string) {
		this.#message = message;
	}

	/** Read once: the next screen shows it, then it is gone. */
	take(): string | null {
		const message = this.#message;
		this.#message = null;
		return message;
	}
}

export const flash = new Flash();
