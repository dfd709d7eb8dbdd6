/** How the sync engine reaches the server: HTTP in the app, the handlers in-process in tests. */
import { z } from 'zod';
import {
	apiErrorSchema,
	pullResponseSchema,
	pushResponseSchema,
	type PullRequest,
	type PullResponse,
	type PushRequest,
	type PushResponse
} from '$lib/domain/sync-protocol';

export interface SyncTransport {
	push(request: PushRequest): Promise<PushResponse>;
	pull(request: PullRequest): Promise<PullResponse>;
}

/**
 * Why a sync request failed. `offline` and `server` are temporary (retry with backoff);
 * `unauthorized` waits for the person to sign in again; the others need a fix.
 */
export type SyncFailure =
	| 'offline'
	| 'unauthorized'
	| 'forbidden'
	| 'server'
	| 'rejected'
	/** The device is full: what the server sent cannot be stored here. */
	| 'storage';

export class SyncError extends Error {
	constructor(
		readonly failure: SyncFailure,
		message: string
	) {
		super(message);
		this.name = 'SyncError';
	}

	get temporary(): boolean {
		return this.failure === 'offline' || this.failure === 'server';
	}
}

function failureOf(status: number): SyncFailure {
	if (status === 401) return 'unauthorized';
	if (status === 403) return 'forbidden';
	if (status >= 500 || status === 408 || status === 429) return 'server';
	return 'rejected';
}

async function postJson<Schema extends z.ZodType>(
	path: string,
	body: unknown,
	schema: Schema
): Promise<z.infer<Schema>> {
	let response: Response;
	try {
		response = await fetch(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			credentials: 'same-origin',
			body: JSON.stringify(body)
		});
	} catch (error) {
		throw new SyncError('offline', error instanceof Error ? error.message : String(error));
	}
	if (!response.ok) {
		// A proxy's error page is not JSON: then the status text has to do.
		const answer = apiErrorSchema.safeParse(await response.json().catch(() => null));
		throw new SyncError(
			failureOf(response.status),
			answer.success ? answer.data.message : response.statusText
		);
	}
	const parsed = schema.safeParse(await response.json());
	if (!parsed.success) throw new SyncError('server', 'Unexpected answer from the server');
	return parsed.data;
}

export const httpTransport: SyncTransport = {
	push: (request) => postJson('/api/sync/push', request, pushResponseSchema),
	pull: (request) => postJson('/api/sync/pull', request, pullResponseSchema)
};
