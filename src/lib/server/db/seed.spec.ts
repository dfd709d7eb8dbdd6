import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleProgress } from '$lib/domain/badge-rules';
import { latestCalendarDate } from '$lib/domain/mutations';
import { canVerifyContribution } from '$lib/domain/permissions';
import { matchesCheckInCode } from '$lib/domain/self-check-in';
import { verifyTicket } from '$lib/domain/tickets';
import {
	awardSchema,
	badgeSchema,
	checkInSchema,
	contributionSchema,
	eventSchema,
	nominationSchema,
	personSchema,
	registrationSchema,
	type Role
} from '$lib/domain/entities';
import {
	toAward,
	toBadge,
	toCheckIn,
	toContribution,
	toEvent,
	toNomination,
	toPerson,
	toRegistration
} from '$lib/server/sync/rows';
import { createTestDatabase } from '$lib/server/testing/database';
import type { DatabaseHandle } from './index';
import * as schema from './schema';
import { SEED_PAST_EVENT_ID, SEED_UPCOMING_EVENT_ID, seedDatabase } from './seed';

let handle: DatabaseHandle;
let seededAt: number;
beforeAll(async () => {
	seededAt = Date.now();
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

	it('records an attended contribution for every check-in of the past event', async () => {
		const { db } = handle;
		const checkIns = await db.select().from(schema.checkIns);
		const attended = (await db.select().from(schema.contributions)).filter(
			(row) => row.activityType === 'attended'
		);
		expect(checkIns.length).toBeGreaterThan(0);
		expect(attended.map((row) => [row.eventId, row.personId]).sort()).toEqual(
			checkIns.map((row) => [row.eventId, row.personId]).sort()
		);
		expect(new Set(attended.map((row) => row.eventId))).toEqual(new Set([SEED_PAST_EVENT_ID]));
	});

	it('has contributions verified by people allowed to, and a pending nomination', async () => {
		const { db } = handle;
		const people = new Map(
			(await db.select().from(schema.people)).map((row) => [row.id, row.roles as Role[]])
		);
		const verified = (await db.select().from(schema.contributions)).filter(
			(row) => row.verifiedBy !== null
		);
		expect(verified.length).toBeGreaterThanOrEqual(3);
		for (const row of verified)
			expect(
				canVerifyContribution(
					{ personId: row.verifiedBy!, roles: people.get(row.verifiedBy!)! },
					row
				)
			).toBe(true);
		const nominations = await db.select().from(schema.nominations);
		for (const row of nominations) nominationSchema.parse(toNomination(row));
		expect(nominations.filter((row) => row.status === 'pending')).toHaveLength(1);
		const [nomination] = nominations;
		expect(nomination.nominatedBy).not.toBe(nomination.personId);
		const awarded = await db.select().from(schema.awards);
		expect(
			awarded.some(
				(row) => row.badgeId === nomination.badgeId && row.personId === nomination.personId
			)
		).toBe(false);
	});

	it('awards the rule badges to exactly the people meeting them, unless given by hand', async () => {
		const { db } = handle;
		const today = latestCalendarDate(seededAt);
		const contributions = await db.select().from(schema.contributions);
		const awards = await db.select().from(schema.awards);
		const ruleBadges = (await db.select().from(schema.badges)).filter((row) => row.rule);
		expect(ruleBadges.map((row) => row.slug).sort()).toEqual(
			['event-regular', 'first-contribution', 'localizer', 'mentor', 'on-a-roll'].sort()
		);
		const bySlug = new Map<string, string[]>();
		for (const badge of ruleBadges)
			for (const person of await db.select().from(schema.people)) {
				const facts = contributions.filter((row) => row.personId === person.id);
				const met = ruleProgress(badge.rule!, facts, today).met;
				const award = awards.find((row) => row.badgeId === badge.id && row.personId === person.id);
				if (award?.source === 'manual') continue;
				expect(award?.source === 'rule', `${badge.slug} for ${person.displayName}`).toBe(met);
				if (met) bySlug.set(badge.slug, [...(bySlug.get(badge.slug) ?? []), person.email!]);
			}
		// The demo shows each kind of automatic award.
		expect(bySlug.get('first-contribution')?.length).toBeGreaterThanOrEqual(10);
		expect(bySlug.get('localizer')).toEqual(['nguyen@example.org']);
		expect(bySlug.get('on-a-roll')).toContain('fatima@example.org');
		expect(bySlug.get('mentor')).toEqual(
			expect.arrayContaining(['kenji@example.org', 'elif@example.org'])
		);
		for (const row of awards.filter((award) => award.source === 'rule'))
			expect(row).toMatchObject({ awardedBy: null, evidence: null, revokedAt: null });
	});
});
