import { gunzipSync } from 'node:zlib';
import { error } from '@sveltejs/kit';
import { z } from 'zod';
import {
	IMPORT_MAX_BYTES,
	importRequestSchema,
	type ImportRequest
} from '$lib/domain/people-admin';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson } from '$lib/server/http';
import { requirePeopleAdmin, unavailable } from '$lib/server/people/http';
import { importPeople } from '$lib/server/people/import';
import type { RequestHandler } from './$types';

/**
 * The JSON body may be gzip-compressed (Content-Encoding: gzip): a file near the import's
 * limit then stays under the body limit of the app server in front. Escaping in JSON can make
 * the body a few times larger than the file; the file's own limit is checked on the CSV.
 */
const MAX_BODY_BYTES = IMPORT_MAX_BYTES * 4;

const tooLarge = () =>
	jsonError(413, 'too_large', `The file is larger than ${IMPORT_MAX_BYTES / 1_000_000} MB`);

async function readImport(request: Request): Promise<ImportRequest | Response> {
	if (Number(request.headers.get('content-length') ?? '0') > MAX_BODY_BYTES) return tooLarge();
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await request.arrayBuffer());
	} catch {
		error(400, { message: 'Could not read the request body' });
	}
	if (bytes.length > MAX_BODY_BYTES) return tooLarge();
	if (request.headers.get('content-encoding')?.trim().toLowerCase() === 'gzip') {
		try {
			bytes = gunzipSync(bytes, { maxOutputLength: MAX_BODY_BYTES });
		} catch (failure) {
			if (failure instanceof RangeError) return tooLarge();
			error(400, { message: 'The request body is not valid gzip' });
		}
	}
	let raw: unknown;
	try {
		raw = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		error(400, { message: 'The request body is not valid JSON' });
	}
	const parsed = importRequestSchema.safeParse(raw);
	if (!parsed.success) error(400, { message: z.prettifyError(parsed.error) });
	return parsed.data;
}

/** Preview (apply: false) or apply (apply: true) a people CSV. */
export const POST: RequestHandler = async ({ request, locals }) => {
	requirePeopleAdmin(locals);
	const body = await readImport(request);
	if (body instanceof Response) return body;
	try {
		return privateJson(await importPeople(await openDatabase(), body.csv, { apply: body.apply }));
	} catch (failure) {
		return unavailable('import', failure);
	}
};
