/**
 * The security screen's state: the signed-in person's passkeys and recovery-code count, read
 * from the server (they are not mirrored on the device), and the actions on them. Each action
 * throws an AuthError for the screen to show; the list follows what the server says.
 */
import {
	AuthError,
	addPasskey,
	listPasskeys,
	regenerateRecoveryCodes,
	renamePasskey,
	revokePasskey
} from '$lib/client/auth';
import type { Passkey } from '$lib/domain/auth-api';

export class SecurityState {
	#passkeys = $state.raw<Passkey[] | null>(null);
	#recoveryCodesLeft = $state(0);
	#loadFailure = $state.raw<unknown>(null);
	#loading = $state(false);

	/** Null until the first load succeeds. */
	get passkeys() {
		return this.#passkeys;
	}
	get recoveryCodesLeft() {
		return this.#recoveryCodesLeft;
	}
	get loadFailure() {
		return this.#loadFailure;
	}
	get loading() {
		return this.#loading;
	}

	async load(): Promise<void> {
		this.#loading = true;
		try {
			const answer = await listPasskeys();
			this.#passkeys = answer.passkeys;
			this.#recoveryCodesLeft = answer.recoveryCodesLeft;
			this.#loadFailure = null;
		} catch (failure) {
			this.#loadFailure = failure;
		} finally {
			this.#loading = false;
		}
	}

	async add(name: string | undefined): Promise<void> {
		await addPasskey(name);
		await this.load();
	}

	async rename(id: string, name: string): Promise<void> {
		try {
			const renamed = await renamePasskey(id, name);
			this.#passkeys = (this.#passkeys ?? []).map((passkey) =>
				passkey.id === id ? renamed : passkey
			);
		} catch (failure) {
			await this.#reloadWhenGone(failure);
			throw failure;
		}
	}

	async revoke(id: string): Promise<void> {
		try {
			await revokePasskey(id);
		} catch (failure) {
			await this.#reloadWhenGone(failure);
			throw failure;
		}
		await this.load();
	}

	/** New codes (to show once); the old ones stop working. */
	async regenerate(): Promise<string[]> {
		const codes = await regenerateRecoveryCodes();
		this.#recoveryCodesLeft = codes.length;
		return codes;
	}

	/** Revoked from another device meanwhile: show the list as it is now. */
	async #reloadWhenGone(failure: unknown) {
		if (failure instanceof AuthError && failure.code === 'not_found') await this.load();
	}
}
