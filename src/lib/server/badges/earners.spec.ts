/** GET /api/badges/[id]/earners on a real database: privacy, revocations, paging, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { awards } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addBadge, addPerson, addPersonWithProfile } from '$lib/server/testing/fixtures';
import { callRoute, localsOf, serveEndpointsFrom } from '$lib/server/testing/routes';
import { GET } from '../../../routes/api/badges/[id]/earners/+server';
import { EARNERS_PAGE_SIZE, type EarnersPage } from '$lib/domain/badge-earners';

let handle: DatabaseHandle;
let viewer: Actor;
let admin: Actor;
let badgeId: string;
let open: Actor;
let hidden: Actor;
let revoked: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	viewer = await addPerson(handle.db);
	admin = await addPerson(handle.db, ['member', 'admin']);
	open = await addPerson(handle.db);
	hidden = await addPersonWithProfile(handle.db, {
		privacy: { ...DEFAULT_PRIVACY, journey: 'private' }
	});
	revoked = await addPerson(handle.db);
	badgeId = await addBadge(handle.db);
	const at = Date.now();
	await handle.db.insert(awards).values(
		[open, hidden, revoked].map((person, index) => ({
			badgeId,
			personId: person.personId,
			awardedAt: new Date(at - index * 1000),
			revokedAt: person === revoked ? new Date(at) : null,
			version: 1
		}))
	);
});
afterAll(() => handle?.close());

async function earners(as: Actor | null, query = '', id = badgeId) {
	return callRoute(GET, {
		method: 'GET',
		url: `/api/badges/${id}/earners${query}`,
		params: { id },
		locals: localsOf(as)
	});
}

describe('GET /api/badges/[id]/earners', () => {
	it('lists the earners whose journey the viewer may see, never revoked awards', async () => {
		const response = await earners(viewer);
		expect(response.status).toBe(200);
		const page = (await response.json()) as EarnersPage;
		expect(page.earners.map((earner) => earner.personId)).toEqual([open.personId]);
		expect(page.nextOffset).toBeNull();
	});

	it('shows a person their own award whatever their privacy; admins see every earner', async () => {
		const own = (await (await earners(hidden)).json()) as EarnersPage;
		expect(own.earners.map((earner) => earner.personId).sort()).toEqual(
			[open.personId, hidden.personId].sort()
		);
		const all = (await (await earners(admin)).json()) as EarnersPage;
		expect(all.earners).toHaveLength(2);
	});

	it('pages', async () => {
		const many = await addBadge(handle.db);
		for (let index = 0; index < EARNERS_PAGE_SIZE + 1; index++) {
			const person = await addPerson(handle.db);
			await handle.db
				.insert(awards)
				.values({ badgeId: many, personId: person.personId, awardedAt: new Date(), version: 1 });
		}
		const first = (await (await earners(viewer, '', many)).json()) as EarnersPage;
		expect(first.earners).toHaveLength(EARNERS_PAGE_SIZE);
		expect(first.nextOffset).toBe(EARNERS_PAGE_SIZE);
		const second = (await (
			await earners(viewer, `?offset=${first.nextOffset}`, many)
		).json()) as EarnersPage;
		expect(second.earners).toHaveLength(1);
		expect(second.nextOffset).toBeNull();
	});

	it('answers bad input with 400 and nobody signed in with 401', async () => {
		expect((await earners(viewer, '?offset=-3')).status).toBe(400);
		expect((await earners(viewer, '', 'not-an-id')).status).toBe(400);
		expect((await earners(null)).status).toBe(401);
		expect((await earners(viewer, '', newId())).status).toBe(200);
	});
});
