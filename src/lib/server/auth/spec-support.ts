/**
 * For the auth specs: a person to sign in as, signed up through the real passkey ceremony.
 */
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { newId } from '$lib/domain/ids';
import { SPEC_ORIGIN, TestCookies } from '$lib/server/testing/routes';
import { SoftwareAuthenticator } from './software-authenticator';
import { finishSignUp, startSignUp } from './webauthn';

export async function insertPerson(
	db: Database,
	values: { displayName?: string; email?: string | null; roles?: string[] } = {}
): Promise<string> {
	const id = newId();
	await db.transaction(async (tx) => {
		await tx.insert(people).values({
			id,
			displayName: values.displayName ?? 'Ana Test',
			email: values.email ?? null,
			roles: values.roles ?? ['member'],
			version: await nextVersion(tx)
		});
	});
	return id;
}

/** The URL the ceremonies run at in the specs (the relying party is its host). */
export const SPEC_URL = new URL(`${SPEC_ORIGIN}/api/auth/test`);

/** A person signed up through the real ceremony with a software passkey. */
export async function signUpWithPasskey(
	db: Database,
	email = `person-${crypto.randomUUID()}@example.org`
) {
	const authenticator = new SoftwareAuthenticator(SPEC_ORIGIN);
	const cookies = new TestCookies();
	const options = await startSignUp(db, cookies, SPEC_URL, { displayName: 'Ana', email });
	const signedUp = await finishSignUp(db, cookies, SPEC_URL, authenticator.register(options));
	return { authenticator, cookies, email, ...signedUp };
}

/** A new software authenticator for this site. */
export function softwareAuthenticator(): SoftwareAuthenticator {
	return new SoftwareAuthenticator(SPEC_ORIGIN);
}
