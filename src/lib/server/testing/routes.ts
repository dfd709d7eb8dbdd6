/**
 * For specs that call a route handler (or a server load) as SvelteKit would: one request event
 * with what the handlers read, SvelteKit's cookie jar reduced to a map, and a session's locals.
 * An adapter to run the real handlers outside a server, not a mock of them.
 */
import { isHttpError, json, type Cookies } from '@sveltejs/kit';
import type { Actor } from '$lib/domain/actor';
import type { CookieJar } from '$lib/server/auth/session';
import type { DatabaseHandle } from '$lib/server/db';

/** The site the specs' requests go to (the passkey ceremonies' relying party is its host). */
export const SPEC_ORIGIN = 'https://gather.example.org';

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

/**
 * Let the endpoints' openDatabase() answer with a spec's database: the same process-wide slot
 * server/db/index.ts fills from the environment, so the handlers run unchanged.
 */
export function serveEndpointsFrom(handle: DatabaseHandle): void {
	Object.assign(globalThis, { [Symbol.for('gather.database')]: Promise.resolve(handle) });
}

/** The request locals of `actor`'s session, or of nobody signed in. */
export function localsOf(actor: Actor | null): App.Locals {
	if (!actor) return { person: null, sessionId: null };
	return {
		person: { id: actor.personId, displayName: 'Someone', email: null, roles: [...actor.roles] },
		sessionId: 'session'
	};
}

export interface RouteCall {
	/** GET without a body, POST with one, unless told. */
	method?: string;
	/** A path on SPEC_ORIGIN or a whole URL, with its query string. */
	url?: string;
	params?: Record<string, string>;
	/** JSON text, or raw bytes (sent as they are, e.g. gzip with a content-encoding header). */
	body?: BodyInit | null;
	/** Request headers; content-type is application/json unless told. */
	headers?: Record<string, string>;
	cookies?: TestCookies;
	/** The client address the rate limits key on. */
	ip?: string;
	/** Nobody signed in unless told. */
	locals?: App.Locals;
}

/**
 * The request event a handler or load gets for `call`, and the headers it set with setHeaders
 * (filled as it runs).
 */
export function requestEvent(call: RouteCall = {}) {
	const url = new URL(call.url ?? '/api/spec', SPEC_ORIGIN);
	const body = call.body ?? null;
	const request = new Request(url, {
		method: call.method ?? (body === null ? 'GET' : 'POST'),
		headers: { 'content-type': 'application/json', ...call.headers },
		body
	});
	const headersSet: Record<string, string> = {};
	const event = {
		request,
		url,
		params: call.params ?? {},
		locals: call.locals ?? { person: null, sessionId: null },
		cookies: call.cookies ?? new TestCookies(),
		getClientAddress: () => call.ip ?? '192.0.2.1',
		setHeaders: (headers: Record<string, string>) => Object.assign(headersSet, headers)
	};
	return { event, headersSet };
}

type RouteHandler = (event: never) => Response | Promise<Response>;

/**
 * Call a route handler as SvelteKit would: an HttpError it throws becomes its JSON response, and
 * the headers it set with setHeaders are on the response.
 */
export async function callRoute(handler: RouteHandler, call: RouteCall = {}): Promise<Response> {
	const { event, headersSet } = requestEvent(call);
	let response: Response;
	try {
		response = await handler(event as never);
	} catch (caught) {
		if (!isHttpError(caught)) throw caught;
		response = json(caught.body, { status: caught.status });
	}
	if (Object.keys(headersSet).length === 0) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(headersSet)) headers.set(name, value);
	return new Response(response.body, { status: response.status, headers });
}
