import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesCheckInCode } from '$lib/domain/self-check-in';
import { verifyTicket } from '$lib/domain/tickets';
import {
	awardSchema,
	badgeSchema,
	checkInSchema,
	contributionSchema,
	eventSchema,
	personSchema,
	registrationSchema
} from '$lib/domain/entities';
import {
	toAward,
	toBadge,
	toCheckIn,
	toContribution,
	toEvent,
	toPerson,
	toRegistration
} from '$lib/server/sync/rows';
import { createTestDatabase } from '$lib/server/testing/database';
import type { DatabaseHandle } from './index';
import * as schema from './schema';
import { SEED_UPCOMING_EVENT_ID, seedDatabase } from './seed';

let handle: DatabaseHandle;
beforeAll(async () => {
	handle = await createTestDatabase({ seed: true });
});
afterAll(() => handle?.close());

describe('seedDatabase', () => {
	it('writes a community whose rows pass the domain schemas', async () => {
		const { db } = handle;
		const people = await db.select().from(schema.people);
		expect(people).toHaveLength(12);
		for (const row of people) personSchema.parse(toPerson(row, { personId: row.id, roles: [] }));
		expect(people.filter((row) => row.roles.includes('admin'))).toHaveLength(1);

		const events = await db.select().from(schema.events);
		for (const row of events) eventSchema.parse(toEvent(row, null));
		const upcoming = events.find((row) => row.id === SEED_UPCOMING_EVENT_ID);
		expect(upcoming && upcoming.startsAt.getTime() > Date.now()).toBe(true);

		// Every event can sign and be checked into; every registration holds a real ticket.
		for (const row of events) {
			expect(row.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(await matchesCheckInCode(row, row.checkInCode ?? '')).toBe(true);
		}
		const registrations = await db.select().from(schema.registrations);
		for (const row of registrations) {
			registrationSchema.parse(toRegistration(row));
			const event = events.find((candidate) => candidate.id === row.eventId)!;
			const during = event.startsAt.getTime() + 60_000;
			expect(await verifyTicket(row.ticketCode ?? '', event, during)).toMatchObject({
				ok: true,
				claims: { registrationId: row.id, personId: row.personId }
			});
		}
		for (const row of await db.select().from(schema.checkIns)) {
			checkInSchema.parse(toCheckIn(row));
			expect(row.admissions.length).toBeGreaterThan(0);
		}
		const contributions = await db.select().from(schema.contributions);
		expect(contributions.length).toBeGreaterThanOrEqual(40);
		for (const row of contributions) contributionSchema.parse(toContribution(row));
		for (const row of await db.select().from(schema.badges)) badgeSchema.parse(toBadge(row));
		const awards = await db.select().from(schema.awards);
		expect(awards.length).toBeGreaterThan(4);
		for (const row of awards) awardSchema.parse(toAward(row));
	});

	it('seeds an empty database only', async () => {
		expect(await seedDatabase(handle.db)).toBe(false);
	});

	it('stamps every seeded row with one version from sync_state', async () => {
		const [state] = await handle.db.select().from(schema.syncState);
		const versions = new Set(
			[
				...(await handle.db.select({ version: schema.people.version }).from(schema.people)),
				...(await handle.db
					.select({ version: schema.contributions.version })
					.from(schema.contributions))
			].map((row) => row.version)
		);
		expect([...versions]).toEqual([state?.version]);
	});
});
