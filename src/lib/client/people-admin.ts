/**
 * The admin people screens' calls to the server (duplicates, merge, the merge log, CSV
 * import). These are online-only operations: each answer is checked against the domain's
 * schema, and every failure is an AdminRequestError with a kind the screens translate.
 */
import { z } from 'zod';
import {
	duplicatesAnswerSchema,
	importAnswerSchema,
	MERGE_REFUSALS,
	mergeAnswerSchema,
	mergesAnswerSchema,
	type DuplicatesAnswer,
	type ImportAnswer,
	type MergeLogEntry,
	type MergeRefusal
} from '$lib/domain/people-admin';
import { apiErrorSchema } from '$lib/domain/sync-protocol';

export type AdminFailure = 'network' | 'signed_out' | 'forbidden' | 'too_large' | 'server';

export class AdminRequestError extends Error {
	constructor(
		readonly failure: AdminFailure,
		/** For a refused merge: why. */
		readonly refusal: MergeRefusal | null = null
	) {
		super(refusal ?? failure);
		this.name = 'AdminRequestError';
	}
}

async function call<Schema extends z.ZodType>(
	path: string,
	schema: Schema,
	init: RequestInit = {}
): Promise<z.infer<Schema>> {
	let response: Response;
	try {
		response = await fetch(path, {
			...init,
			credentials: 'same-origin',
			headers: { accept: 'application/json', ...init.headers }
		});
	} catch {
		throw new AdminRequestError('network');
	}
	const body: unknown = await response.json().catch(() => null);
	if (response.ok) {
		const parsed = schema.safeParse(body);
		if (!parsed.success) throw new AdminRequestError('server');
		return parsed.data;
	}
	const code = apiErrorSchema.safeParse(body).data?.error;
	const refusal = MERGE_REFUSALS.find((known) => known === code) ?? null;
	if (refusal) throw new AdminRequestError('server', refusal);
	if (response.status === 401) throw new AdminRequestError('signed_out');
	if (response.status === 403) throw new AdminRequestError('forbidden');
	if (response.status === 413) throw new AdminRequestError('too_large');
	throw new AdminRequestError('server');
}

export function fetchDuplicates(): Promise<DuplicatesAnswer> {
	return call('/api/admin/duplicates', duplicatesAnswerSchema);
}

export async function mergePair(survivorId: string, mergedId: string): Promise<MergeLogEntry> {
	const answer = await call('/api/admin/merge', mergeAnswerSchema, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ survivorId, mergedId })
	});
	return answer.merge;
}

export async function fetchMerges(): Promise<MergeLogEntry[]> {
	return (await call('/api/admin/merges', mergesAnswerSchema)).merges;
}

/** gzip where the browser can: a large file then stays within the server's body limit. */
async function compressed(text: string): Promise<{ body: BodyInit; gzip: boolean }> {
	if (typeof CompressionStream === 'undefined') return { body: text, gzip: false };
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
	return { body: await new Response(stream).arrayBuffer(), gzip: true };
}

/** Preview (apply: false) or apply a people CSV. */
export async function sendImport(csv: string, apply: boolean): Promise<ImportAnswer> {
	const { body, gzip } = await compressed(JSON.stringify({ csv, apply }));
	return call('/api/admin/import', importAnswerSchema, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(gzip ? { 'content-encoding': 'gzip' } : {})
		},
		body
	});
}
