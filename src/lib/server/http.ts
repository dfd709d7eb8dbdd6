import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { actorOfPerson, type Actor } from '$lib/domain/actor';
import type { SessionPerson } from '$lib/domain/auth-api';
import type { ApiError } from '$lib/domain/sync-protocol';

/** Largest JSON body any endpoint accepts (a full push batch fits well within it). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Answers about a person (sessions, their data): never kept by the browser or the service worker. */
const NO_STORE = { 'cache-control': 'no-store' };

/** A JSON answer that must not be cached. */
export function privateJson(body: unknown): Response {
	return json(body, { headers: NO_STORE });
}

/** A JSON error answer in the shape every endpoint uses (never cached). */
export function jsonError(status: number, code: string, message: string): Response {
	return json({ error: code, message } satisfies ApiError, { status, headers: NO_STORE });
}

/**
 * Read and validate a JSON body. Anything malformed — not JSON, too large, the wrong shape —
 * ends the request with 400 and a readable reason; nothing is written.
 */
export async function readBody<Schema extends z.ZodType>(
	request: Request,
	schema: Schema
): Promise<z.infer<Schema>> {
	const length = Number(request.headers.get('content-length') ?? '0');
	if (length > MAX_BODY_BYTES) error(413, { message: 'Request body too large' });
	let text: string;
	try {
		text = await request.text();
	} catch {
		error(400, { message: 'Could not read the request body' });
	}
	if (text.length > MAX_BODY_BYTES) error(413, { message: 'Request body too large' });
	let raw: unknown;
	try {
		raw = text.length === 0 ? {} : JSON.parse(text);
	} catch {
		error(400, { message: 'The request body is not valid JSON' });
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success) error(400, { message: z.prettifyError(parsed.error) });
	return parsed.data;
}

/** The acting person of a request, or null when nobody is signed in. */
export function actorOf(locals: App.Locals): Actor | null {
	return locals.person && actorOfPerson(locals.person);
}

/** The signed-in person of a request that needs a session; 401 without one. */
export function requirePerson(locals: App.Locals): SessionPerson {
	if (!locals.person) error(401, { message: 'Sign in to continue' });
	return locals.person;
}

/** The acting person of a request that needs a session; 401 without one. */
export function requireActor(locals: App.Locals): Actor {
	return actorOfPerson(requirePerson(locals));
}
