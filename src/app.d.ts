import type { SessionPerson } from '$lib/domain/auth-api';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in person, or null. Set by the session hook from the session cookie. */
			person: SessionPerson | null;
			/** The hashed id of the session row, when signed in. */
			sessionId: string | null;
		}
	}
}

export {};
