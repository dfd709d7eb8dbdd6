/**
 * The admin people endpoints' edges: 401 without a session, 403 for anyone but an admin, 400
 * for anything malformed, the refusals of a merge by code, and never a 500.
 */
import { gzipSync } from 'node:zlib';
import { isHttpError } from '@sveltejs/kit';
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
	// The endpoints' openDatabase() answers with this database (see server/db/index.ts).
	Object.assign(globalThis, { [Symbol.for('gather.database')]: Promise.resolve(handle) });
	const { personId: adminId } = await addPersonWithProfile(handle.db, {
		displayName: 'Admin',
		roles: ['member', 'admin']
	});
	const { personId: memberId } = await addPersonWithProfile(handle.db, { displayName: 'Member' });
	admin = {
		person: { id: adminId, displayName: 'Admin', email: null, roles: ['member', 'admin'] },
		sessionId: 'admin-session'
	};
	member = {
		person: { id: memberId, displayName: 'Member', email: null, roles: ['member', 'organizer'] },
		sessionId: 'member-session'
	};
});
afterAll(() => handle?.close());

interface Call {
	locals: App.Locals;
	method?: 'GET' | 'POST';
	body?: BodyInit;
	headers?: Record<string, string>;
}

async function call(handler: Handler, { locals, method = 'POST', body, headers = {} }: Call) {
	const request = new Request('http://localhost/api/admin', {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: method === 'GET' ? undefined : body
	});
	try {
		const response = await handler({ request, locals } as never);
		return { status: response.status, body: (await response.json()) as unknown };
	} catch (failure) {
		if (isHttpError(failure)) return { status: failure.status, body: failure.body as unknown };
		throw failure;
	}
}

const json = (value: unknown) => JSON.stringify(value);

describe('admin people endpoints', () => {
	const endpoints: [string, Handler, 'GET' | 'POST', string][] = [
		['GET duplicates', duplicates, 'GET', ''],
		['GET merges', merges, 'GET', ''],
		['POST merge', merge, 'POST', json({ survivorId: newId(), mergedId: newId() })],
		['POST import', importCsv, 'POST', json({ csv: 'email\na@example.org', apply: false })]
	];

	it.each(endpoints)(
		'%s: 401 without a session, 403 for a non-admin',
		async (_, handler, method, body) => {
			expect((await call(handler, { locals: anonymous, method, body })).status).toBe(401);
			expect((await call(handler, { locals: member, method, body })).status).toBe(403);
		}
	);

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
				expect((await call(handler, { locals: admin, body })).status, body).toBe(400);
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
		const refused = await call(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: ana })
		});
		expect(refused).toEqual({
			status: 400,
			body: { error: 'same_person', message: expect.any(String) }
		});
		const unknown = await call(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: newId() })
		});
		expect(unknown.status).toBe(404);

		const listed = duplicatesAnswerSchema.parse(
			(await call(duplicates, { locals: admin, method: 'GET' })).body
		);
		expect(listed.pairs.map((pair) => [pair.a.id, pair.b.id, pair.reasons])).toContainEqual([
			ana,
			ana2,
			['email']
		]);

		const done = await call(merge, {
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
		const again = await call(merge, {
			locals: admin,
			body: json({ survivorId: ana, mergedId: ana2 })
		});
		expect(again).toMatchObject({ status: 409, body: { error: 'merged_inactive' } });

		const log = mergesAnswerSchema.parse(
			(await call(merges, { locals: admin, method: 'GET' })).body
		);
		expect(log.merges[0]).toEqual(entry);
	});

	it('imports from plain or gzip-compressed JSON, and says when the file is too large', async () => {
		const body = json({ csv: 'email,name\nnew@example.org,New Person\nbad,Bad\n', apply: false });
		const plain = await call(importCsv, { locals: admin, body });
		expect(plain.status).toBe(200);
		const preview = importAnswerSchema.parse(plain.body);
		expect(preview.counts).toMatchObject({ create: 1, error: 1 });

		const compressed = await call(importCsv, {
			locals: admin,
			body: gzipSync(body),
			headers: { 'content-encoding': 'gzip' }
		});
		expect(compressed).toEqual(plain);

		const notGzip = await call(importCsv, {
			locals: admin,
			body,
			headers: { 'content-encoding': 'gzip' }
		});
		expect(notGzip.status).toBe(400);

		const huge = json({ csv: `email\n${'a'.repeat(9 * 1024 * 1024)}`, apply: false });
		const tooLarge = await call(importCsv, {
			locals: admin,
			body: gzipSync(huge),
			headers: { 'content-encoding': 'gzip' }
		});
		expect(tooLarge).toMatchObject({ status: 413, body: { error: 'too_large' } });

		// Over the file limit but within the body limit: the answer names the file's problem.
		const large = await call(importCsv, {
			locals: admin,
			body: json({ csv: `email\n${'a'.repeat(3 * 1024 * 1024)}`, apply: false })
		});
		expect(large.status).toBe(200);
		expect(importAnswerSchema.parse(large.body).fileError).toEqual({
			code: 'too_large',
			limit: 2_000_000
		});

		const applied = importAnswerSchema.parse(
			(await call(importCsv, { locals: admin, body: body.replace('false', 'true') })).body
		);
		expect(applied).toMatchObject({ applied: true, counts: { create: 1, error: 1 } });
		expect(applied.rows[0].target?.email).toBe('new@example.org');
	});
});
