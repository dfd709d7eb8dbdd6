/**
 * Two doors of one event, offline, then syncing through the real push and pull handlers on
 * PGlite: the same person admitted at both ends as one check-in with both admissions, on the
 * server and on both devices; a walk-in whose email belongs to someone lands on them.
 */
import 'fake-indexeddb/auto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import type { DatabaseHandle } from '$lib/server/db';
import { checkIns, people } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addEvent,
	addPerson,
	addPersonWithProfile,
	addRegistration
} from '$lib/server/testing/fixtures';
import type { GatherDatabase } from '../db';
import { DoorDesk } from '../door';
import { runMutation } from '../mutations';
import { device, serverTransport, sync } from '../testing/harness';

let server: DatabaseHandle;
let organizer: Actor;
let helper: Actor;
let ana: Actor;
let bob: Actor;
let eventId: string;
const tickets: Record<string, string> = {};

beforeAll(async () => {
	server = await createTestDatabase();
	organizer = await addPerson(server.db, ['member', 'organizer']);
	helper = await addPerson(server.db);
	ana = await addPersonWithProfile(server.db, {
		displayName: 'Ana García',
		email: 'ana@example.org'
	});
	bob = await addPersonWithProfile(server.db, { displayName: 'Bob Anand' });
	eventId = await addEvent(server.db, [organizer.personId], undefined, {
		doorIds: [helper.personId]
	});
	for (const attendee of [ana, bob]) {
		const registration = await addRegistration(server.db, eventId, attendee.personId);
		tickets[attendee.personId] = registration.ticketCode ?? '';
	}
});
afterAll(() => server.close());

async function door(as: Actor, name: string): Promise<{ db: GatherDatabase; desk: DoorDesk }> {
	const db = device();
	await sync(db, as, serverTransport(server.db, as).transport);
	const desk = await DoorDesk.open(db, eventId, {
		mutate: async <Name extends MutationName>(mutation: Name, args: MutationInput<Name>) => {
			await runMutation(db, as, mutation, args);
		},
		deviceName: () => name
	});
	return { db, desk };
}

describe('two doors offline', () => {
	it('end with one check-in per person, with both admissions, everywhere', async () => {
		const door1 = await door(organizer, 'Door 1');
		const door2 = await door(helper, 'Door 2');
		expect(door1.desk.size).toBe(2);
		expect(door2.desk.size).toBe(2);

		// Offline: both admit Ana (door 2 first), door 1 also finds Bob by name.
		expect((await door2.desk.scan(tickets[ana.personId])).kind).toBe('welcome');
		await new Promise((resolve) => setTimeout(resolve, 5));
		expect((await door1.desk.scan(tickets[ana.personId])).kind).toBe('welcome');
		const [found] = door1.desk.search('bob');
		expect((await door1.desk.admit(found.personId)).kind).toBe('welcome');

		await sync(door1.db, organizer, serverTransport(server.db, organizer).transport);
		await sync(door2.db, helper, serverTransport(server.db, helper).transport);
		await sync(door1.db, organizer, serverTransport(server.db, organizer).transport);

		const [row] = await server.db
			.select()
			.from(checkIns)
			.where(and(eq(checkIns.eventId, eventId), eq(checkIns.personId, ana.personId)));
		expect(row.admissions.map((admission) => admission.deviceName)).toEqual(['Door 2', 'Door 1']);
		for (const { db, desk } of [door1, door2]) {
			expect(await db.outbox.count()).toBe(0);
			const local = await db.checkIns.get([eventId, ana.personId]);
			expect(local?.admissions.map((admission) => admission.deviceName)).toEqual([
				'Door 2',
				'Door 1'
			]);
			expect(local?.version).toBeGreaterThan(0);
			await desk.refresh();
			expect(desk.counts.checkedIn).toBe(2);
			// Whoever scans Ana again hears where she first came in.
			expect(await desk.scan(tickets[ana.personId])).toMatchObject({
				kind: 'already',
				admission: { deviceName: 'Door 2', recordedBy: helper.personId }
			});
		}
		door1.desk.close();
		door2.desk.close();
	});

	it('lands a walk-in whose email belongs to someone on them, leaving no stray rows', async () => {
		const carla = await addPersonWithProfile(server.db, {
			displayName: 'Carla Costa',
			email: 'carla@example.org'
		});
		const { db, desk } = await door(organizer, 'Door 1');
		const verdict = await desk.walkIn({ displayName: 'Carla', email: 'carla@example.org' });
		expect(verdict.kind).toBe('welcome');
		await sync(db, organizer, serverTransport(server.db, organizer).transport);
		const onServer = await server.db
			.select()
			.from(checkIns)
			.where(and(eq(checkIns.eventId, eventId), eq(checkIns.personId, carla.personId)));
		expect(onServer).toHaveLength(1);
		const local = await db.checkIns.where('eventId').equals(eventId).toArray();
		expect(local.filter((row) => row.version === 0)).toEqual([]);
		expect(await db.checkIns.get([eventId, carla.personId])).toBeDefined();
		await desk.refresh();
		expect(desk.search('carla').map((attendee) => attendee.personId)).toEqual([carla.personId]);
		const [made] = await server.db
			.select({ status: people.status })
			.from(people)
			.where(eq(people.displayName, 'Carla'));
		expect(made?.status).toBe('merged');
		desk.close();
	});
});
