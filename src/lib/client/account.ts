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
