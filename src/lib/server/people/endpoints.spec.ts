/**
 * The admin people endpoints' edges: 401 without a session, 403 for anyone but an admin, 400
 * for anything malformed, the refusals of a merge by code, and never a 500.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import {
	duplicatesAnswerSchema,
	importAnswerSchema,
	mergeAnswerSchema,
	mergesAnswerSchema
} from '$lib/domain/people-admin';
import type { DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile } from '$lib/server/testing/fixtures';
import {
	callRoute,
	localsOf,
	serveEndpointsFrom,
	type RouteCall
} from '$lib/server/testing/routes';
import { GET as duplicates } from '../../../routes/api/admin/duplicates/+server';
import { POST as importCsv } from '../../../routes/api/admin/import/+server';
import { POST as merge } from '../../../routes/api/admin/merge/+server';
import { GET as merges } from '../../../routes/api/admin/merges/+server';

type Handler = (event: never) => Response | Promise<Response>;

let handle: DatabaseHandle;
let admin: App.Locals;
let member: App.Locals;
const anonymous: App.Locals = { person: null, sessionId: null };

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	admin = localsOf(
		await addPersonWithProfile(handle.db, { displayName: 'Admin', roles: ['member', 'admin'] })
	);
	// An organizer, but no admin.
	member = localsOf(
		await addPersonWithProfile(handle.db, { displayName: 'Member', roles: ['member', 'organizer'] })
	);
});
afterAll(() => handle?.close());

/** A handler's answer as its status and parsed JSON body. */
async function answer(handler: Handler, call: RouteCall) {
	const response = await callRoute(handler, call);
	return { status: response.status, body: (await response.json()) as unknown };
}

const json = (value: unknown) => JSON.stringify(value);

describe('admin people endpoints', () => {
	const endpoints: [string, Handler, string | undefined][] = [
		['GET duplicates', duplicates, undefined],
		['GET merges', merges, undefined],
		['POST merge', merge, json({ survivorId: newId(), mergedId: newId() })],
		['POST import', importCsv, json({ csv: 'email\na@example.org', apply: false })]
	];

	it.each(endpoints)('%s: 401 without a session, 403 for a non-admin', async (_, handler, body) => {
		expect((await answer(handler, { locals: anonymous, body })).status).toBe(401);
		expect((await answer(handler, { locals: member, body })).status).toBe(403);
	});

	it.each([
		['merge', merge],
		['import', importCsv]
	] as const)(
		'POST %s: 400 for a body that is not JSON or of the wrong shape',
		async (_, handler) => {
			for (const body of [
				'{"survivorId":',
				'[]',
				json({ survivorId: 'x', mergedId: 1 }),
				json({ csv: 1 })
			])
				expect((await answer(handler, { locals: admin, body })).status, body).toBe(400);
		}
	);

	it('merges, refuses by code, and logs', async () => {
		const { personId: ana } = await addPersonWithProfile(handle.db, {
			displayName: 'Ana',
			email: 'ana@example.org'
		});
		const { personId: ana2 } = await addPersonWithProfile(handle.db, {
			displayName: 'Ana',
			email: 'ana+2@example.org'
		});
		const refused = await answer(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: ana })
		});
		expect(refused).toEqual({
			status: 400,
			body: { error: 'same_person', message: expect.any(String) }
		});
		const unknown = await answer(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: newId() })
		});
		expect(unknown.status).toBe(404);

		const listed = duplicatesAnswerSchema.parse((await answer(duplicates, { locals: admin })).body);
		expect(listed.pairs.map((pair) => [pair.a.id, pair.b.id, pair.reasons])).toContainEqual([
			ana,
			ana2,
			['email']
		]);

		const done = await answer(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: ana2 })
		});
		expect(done.status).toBe(200);
		const entry = mergeAnswerSchema.parse(done.body).merge;
		expect(entry).toMatchObject({
			survivor: { id: ana },
			merged: { id: ana2, email: 'ana+2@example.org' },
			mergedBy: { id: admin.person!.id, displayName: 'Admin' }
		});
		const again = await answer(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: ana2 })
		});
		expect(again).toMatchObject({ status: 409, body: { error: 'merged_inactive' } });

		const log = mergesAnswerSchema.parse((await answer(merges, { locals: admin })).body);
		expect(log.merges[0]).toEqual(entry);
	});

	it('imports from plain or gzip-compressed JSON, and says when the file is too large', async () => {
		const body = json({ csv: 'email,name\nnew@example.org,New Person\nbad,Bad\n', apply: false });
		const plain = await answer(importCsv, { locals: admin, body });
		expect(plain.status).toBe(200);
		const preview = importAnswerSchema.parse(plain.body);
		expect(preview.counts).toMatchObject({ create: 1, error: 1 });

		const compressed = await answer(importCsv, {
			locals: admin,
			body: gzipSync(body),
			headers: { 'content-encoding': 'gzip' }
		});
		expect(compressed).toEqual(plain);

		const notGzip = await answer(importCsv, {
			locals: admin,
			body,
			headers: { 'content-encoding': 'gzip' }
		});
		expect(notGzip.status).toBe(400);

		const huge = json({ csv: `email\n${'a'.repeat(9 * 1024 * 1024)}`, apply: false });
		const tooLarge = await answer(importCsv, {
			locals: admin,
			body: gzipSync(huge),
			headers: { 'content-encoding': 'gzip' }
		});
		expect(tooLarge).toMatchObject({ status: 413, body: { error: 'too_large' } });

		// Over the file limit but within the body limit: the answer names the file's problem.
		const large = await answer(importCsv, {
			locals: admin,
			body: json({ csv: `email\n${'a'.repeat(3 * 1024 * 1024)}`, apply: false })
		});
		expect(large.status).toBe(200);
		expect(importAnswerSchema.parse(large.body).fileError).toEqual({
			code: 'too_large',
			limit: 2_000_000
		});

		const applied = importAnswerSchema.parse(
			(await answer(importCsv, { locals: admin, body: body.replace('false', 'true') })).body
		);
		expect(applied).toMatchObject({ applied: true, counts: { create: 1, error: 1 } });
		expect(applied.rows[0].target?.email).toBe('new@example.org');
	});
});
