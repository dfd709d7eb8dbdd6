import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY, type PrivacyLevel } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { journeyResponseSchema, type JourneyResponse } from '$lib/domain/journey';
import type { DatabaseHandle } from '$lib/server/db';
import { awards, contributions, people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addBadge, addPerson, addPersonWithProfile } from '$lib/server/testing/fixtures';
import { callRoute, localsOf, serveEndpointsFrom } from '$lib/server/testing/routes';
import { eq } from 'drizzle-orm';
import { GET } from '../../routes/api/people/[id]/journey/+server';
import { lookUpJourney } from './journey';

let handle: DatabaseHandle;
let member: Actor;
let admin: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	member = await addPerson(handle.db);
	admin = await addPerson(handle.db, ['member', 'admin']);
});
afterAll(() => handle?.close());

/** Someone whose journey is at `level`: two contributions, an event attended, a badge. */
async function subject(level: PrivacyLevel): Promise<Actor> {
	const person = await addPersonWithProfile(handle.db, {
		privacy: { ...DEFAULT_PRIVACY, displayName: 'public', journey: level }
	});
	const badgeId = await addBadge(handle.db);
	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		const common = {
			personId: person.personId,
			description: 'Did something',
			createdAt: new Date(),
			version
		};
		await tx.insert(contributions).values([
			{
				...common,
				id: newId(),
				area: 'development',
				activityType: 'wrote_code',
				happenedOn: '2026-11-20',
				durationMinutes: 120
			},
			{
				...common,
				id: newId(),
				area: 'localization',
				activityType: 'translated',
				happenedOn: '2026-11-10'
			},
			{ ...common, id: newId(), area: 'events', activityType: 'attended', happenedOn: '2026-11-03' }
		]);
		await tx.insert(awards).values({
			badgeId,
			personId: person.personId,
			awardedAt: new Date('2026-11-20T12:00:00Z'),
			version
		});
	});
	return person;
}

function journeyOfPerson(id: string, viewer: Actor | null) {
	return callRoute(GET, {
		url: `/api/people/${id}/journey?today=2026-11-21`,
		params: { id },
		locals: localsOf(viewer)
	});
}

describe('GET /api/people/:id/journey', () => {
	it('answers a community journey to members, with totals, streak and badges', async () => {
		const person = await subject('community');
		const response = await journeyOfPerson(person.personId, member);
		expect(response.status).toBe(200);
		// The shape the device checks (journey-queries.ts fetchJourney).
		const body = journeyResponseSchema.parse(await response.json());
		expect(body.personId).toBe(person.personId);
		expect(body.journey.totals).toEqual({
			contributions: 2,
			points: 2,
			eventsAttended: 0,
			hours: 2
		});
		expect(body.journey.streak).toEqual({ current: 3, longest: 3, thisWeek: true });
		expect(body.journey.badges).toHaveLength(1);
		expect(body.journey.badges[0].name).toBe('Helper');
	});

	it('hides a private journey from members but not from the person or admins', async () => {
		const person = await subject('private');
		expect((await journeyOfPerson(person.personId, member)).status).toBe(404);
		expect((await journeyOfPerson(person.personId, person)).status).toBe(200);
		expect((await journeyOfPerson(person.personId, admin)).status).toBe(200);
	});

	it('takes the default level for a person stored before the journey had one', async () => {
		const person = await subject('private');
		const older: Partial<typeof DEFAULT_PRIVACY> = { ...DEFAULT_PRIVACY };
		delete older.journey;
		await handle.db
			.update(people)
			.set({ privacy: older as typeof DEFAULT_PRIVACY })
			.where(eq(people.id, person.personId));
		expect((await journeyOfPerson(person.personId, member)).status).toBe(200);
		expect((await lookUpJourney(handle.db, person.personId, null, '2026-11-21')).kind).toBe(
			'hidden'
		);
	});

	it('needs a session, and answers a malformed or unknown id without failing', async () => {
		const person = await subject('public');
		expect((await journeyOfPerson(person.personId, null)).status).toBe(401);
		expect((await journeyOfPerson('not-an-id', member)).status).toBe(400);
		expect((await journeyOfPerson("'; drop table people; --", member)).status).toBe(400);
		expect((await journeyOfPerson(newId(), member)).status).toBe(404);
	});

	it('follows a merged id to the person who survived, under the survivor’s privacy', async () => {
		const survivor = await subject('community');
		const merged = await addPersonWithProfile(handle.db, {
			status: 'merged',
			mergedInto: survivor.personId
		});
		const response = await journeyOfPerson(merged.personId, member);
		expect(response.status).toBe(200);
		expect(((await response.json()) as JourneyResponse).personId).toBe(survivor.personId);

		await handle.db
			.update(people)
			.set({ privacy: { ...DEFAULT_PRIVACY, journey: 'private' } })
			.where(eq(people.id, survivor.personId));
		expect((await journeyOfPerson(merged.personId, member)).status).toBe(404);
	});

	it('shows the public page a journey only when it is public', async () => {
		const open = await subject('public');
		const members = await subject('community');
		const publicly = await lookUpJourney(handle.db, open.personId, null, '2026-11-21');
		expect(publicly.kind).toBe('found');
		expect((await lookUpJourney(handle.db, members.personId, null, '2026-11-21')).kind).toBe(
			'hidden'
		);
	});
});
