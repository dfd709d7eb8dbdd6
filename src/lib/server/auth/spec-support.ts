/**
 * For the auth specs: SvelteKit's cookie jar reduced to a map, and a person to sign in as.
 * An adapter to run the real code outside a request, not a mock of it.
 */
import { isHttpError, json, type Cookies } from '@sveltejs/kit';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { newId } from '$lib/domain/ids';
import type { CookieJar } from './session';
import { SoftwareAuthenticator } from './software-authenticator';
import { finishSignUp, startSignUp } from './webauthn';

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

const ORIGIN = 'https://gather.example.org';
/** The URL the ceremonies run at in the specs (the relying party is its host). */
export const SPEC_URL = new URL(`${ORIGIN}/api/auth/test`);

/** A person signed up through the real ceremony with a software passkey. */
export async function signUpWithPasskey(
	db: Database,
	email = `person-${crypto.randomUUID()}@example.org`
) {
	const authenticator = new SoftwareAuthenticator(ORIGIN);
	const cookies = new TestCookies();
	const options = await startSignUp(db, cookies, SPEC_URL, { displayName: 'Ana', email });
	const signedUp = await finishSignUp(db, cookies, SPEC_URL, authenticator.register(options));
	return { authenticator, cookies, email, ...signedUp };
}

/** A new software authenticator for this site. */
export function softwareAuthenticator(): SoftwareAuthenticator {
	return new SoftwareAuthenticator(ORIGIN);
}

/**
 * Let the endpoints' openDatabase() answer with a spec's database: the same process-wide slot
 * server/db/index.ts fills from the environment, so the handlers run unchanged.
 */
export function serveEndpointsFrom(handle: DatabaseHandle): void {
	Object.assign(globalThis, { [Symbol.for('gather.database')]: Promise.resolve(handle) });
}

type Handler = (event: never) => Response | Promise<Response>;

export interface EndpointCall {
	body?: string | null;
	method?: string;
	locals?: App.Locals;
	cookies?: TestCookies;
	params?: Record<string, string>;
	ip?: string;
}

/** Call an endpoint with what the auth handlers read; an HttpError becomes its response. */
export async function callEndpoint(handler: Handler, call: EndpointCall = {}): Promise<Response> {
	const body = call.body ?? null;
	const request = new Request(SPEC_URL, {
		method: call.method ?? (body === null ? 'GET' : 'POST'),
		headers: { 'content-type': 'application/json' },
		body
	});
	const event = {
		request,
		url: SPEC_URL,
		cookies: call.cookies ?? new TestCookies(),
		locals: call.locals ?? { person: null, sessionId: null },
		params: call.params ?? {},
		getClientAddress: () => call.ip ?? '192.0.2.1'
	};
	try {
		return await handler(event as never);
	} catch (caught) {
		if (isHttpError(caught)) return json(caught.body, { status: caught.status });
		throw caught;
	}
}
