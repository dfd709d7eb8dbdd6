/**
 * For the auth specs: SvelteKit's cookie jar reduced to a map, and a person to sign in as.
 * An adapter to run the real code outside a request, not a mock of it.
 */
import type { Cookies } from '@sveltejs/kit';
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { newId } from '$lib/domain/ids';
import type { CookieJar } from './session';

type CookieOptions = Parameters<Cookies['set']>[2];

export class TestCookies implements CookieJar {
	readonly values = new Map<string, string>();
	readonly options = new Map<string, CookieOptions>();

	get(name: string): string | undefined {
		return this.values.get(name);
	}
	set(name: string, value: string, options: CookieOptions): void {
		this.values.set(name, value);
		this.options.set(name, options);
	}
	delete(name: string, options: CookieOptions): void {
		this.values.delete(name);
		this.options.set(name, options);
	}
}

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
