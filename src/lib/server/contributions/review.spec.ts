/**
 * The review queue (GET /api/contributions/review) on real PGlite: who may read it, what it
 * lists (others' unverified logged contributions of the last 90 days, newest first, paged),
 * and bad queries answered 400, never 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { reviewAnswerSchema } from '$lib/domain/contribution-review';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { callRoute, localsOf, serveEndpointsFrom } from '$lib/server/testing/routes';
import { GET } from '../../../routes/api/contributions/review/+server';

let handle: DatabaseHandle;
let author: Actor;
let mentor: Actor;
let member: Actor;
const DAY = 86_400_000;
const ids: Record<string, string> = {};

async function add(name: string, values: Partial<typeof contributions.$inferInsert>) {
	ids[name] = newId();
	await handle.db.transaction(async (tx) => {
		await tx.insert(contributions).values({
			id: ids[name],
			personId: author.personId,
			area: 'community',
			activityType: 'other',
			description: name,
			happenedOn: '2026-01-05',
			createdAt: new Date(),
			...values,
			version: await nextVersion(tx)
		});
	});
}

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	author = await addPerson(handle.db);
	mentor = await addPerson(handle.db, ['member', 'mentor']);
	member = await addPerson(handle.db);
	const now = Date.now();
	await add('older', { createdAt: new Date(now - 2 * DAY) });
	await add('newer', { createdAt: new Date(now - DAY) });
	await add('newest', { createdAt: new Date(now - 1000) });
	await add('verified', { verifiedBy: mentor.personId, verifiedAt: new Date() });
	await add('attended', { activityType: 'attended' });
	await add('too old', { createdAt: new Date(now - 91 * DAY) });
	await add('mine', { personId: mentor.personId });
});
afterAll(() => handle?.close());

async function read(actor: Actor | null, query = '') {
	const response = await callRoute(GET, {
		url: `/api/contributions/review${query}`,
		locals: localsOf(actor)
	});
	return { status: response.status, body: (await response.json()) as unknown };
}

describe('GET /api/contributions/review', () => {
	it('lists others’ unverified logged contributions, newest first, with the author', async () => {
		const { status, body } = await read(mentor);
		expect(status).toBe(200);
		const answer = reviewAnswerSchema.parse(body);
		expect(answer.items.map((item) => item.contribution.description)).toEqual([
			'newest',
			'newer',
			'older'
		]);
		expect(answer.items[0].authorName).toEqual(expect.any(String));
		expect(answer.nextCursor).toBeNull();
	});

	it('pages with a cursor', async () => {
		const first = reviewAnswerSchema.parse((await read(mentor, '?limit=2')).body);
		expect(first.items).toHaveLength(2);
		expect(first.nextCursor).not.toBeNull();
		const second = reviewAnswerSchema.parse(
			(await read(mentor, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`)).body
		);
		expect(second.items.map((item) => item.contribution.description)).toEqual(['older']);
		expect(second.nextCursor).toBeNull();
	});

	it('is for mentors, organizers and admins only', async () => {
		expect((await read(null)).status).toBe(401);
		expect((await read(member)).status).toBe(403);
	});

	it('answers 400 to a bad query, never 500', async () => {
		for (const query of ['?limit=0', '?limit=abc', '?cursor=nonsense', '?limit=1000'])
			expect((await read(mentor, query)).status, query).toBe(400);
	});
});
