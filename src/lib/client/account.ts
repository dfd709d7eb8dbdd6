/**
 * The person this browser is signed in as, remembered in localStorage so the app opens
 * offline as them. The session cookie itself is HttpOnly: the server alone decides whether
 * it is still valid, at the next sync.
 */
import { sessionPersonSchema, type SessionPerson } from '$lib/domain/auth-api';

const KEY = 'gather.account';

export function rememberedAccount(): SessionPerson | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		const parsed = sessionPersonSchema.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

export function rememberAccount(person: SessionPerson | null): void {
	if (person) localStorage.setItem(KEY, JSON.stringify(person));
	else localStorage.removeItem(KEY);
}

/**
 * Another tab signed in or out: `callback` runs with the account now remembered. Every tab of
 * the browser must follow, or one would keep syncing as someone who is no longer here.
 */
export function onAccountChange(callback: (person: SessionPerson | null) => void): () => void {
	const listener = (event: StorageEvent) => {
		// key null: localStorage was cleared.
		if (event.key === KEY || event.key === null) callback(rememberedAccount());
	};
	addEventListener('storage', listener);
	return () => removeEventListener('storage', listener);
}
