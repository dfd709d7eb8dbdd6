/**
 * Automatic awarding on real PGlite: each rule kind at its threshold and one below, windows at
 * their edges, revoked and archived badges, idempotence, awarding everyone already meeting a
 * new rule, and, on random histories, agreement with ruleProgress (the definition).
 */
import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { ruleProgress, type BadgeRule, type RuleFact } from '$lib/domain/badge-rules';
import { newId } from '$lib/domain/ids';
import { latestCalendarDate } from '$lib/domain/mutations';
import { addDays } from '$lib/domain/weeks';
import type { DatabaseHandle } from '$lib/server/db';
import { awards, badges, contributions, people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addEvent,
	addPerson,
	addRegistration,
	checkInArgs,
	clock,
	logContribution
} from '$lib/server/testing/fixtures';
import { handlePush } from '$lib/server/sync/push';
import { awardEveryoneMeeting, evaluateAwards, evaluateAwardsSafely, ruleToday } from './evaluate';

let handle: DatabaseHandle;
let organizer: Actor;
const eventIds: string[] = [];
/** A Wednesday; its latest calendar date (UTC+14) is the same day. */
const AT = Date.parse('2026-06-10T05:00:00Z');
const TODAY = '2026-06-10';

beforeAll(async () => {
	handle = await createTestDatabase();
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	for (let index = 0; index < 5; index++)
		eventIds.push(await addEvent(handle.db, [organizer.personId]));
}, 60_000);
afterAll(() => handle?.close());
// Each test sees only its own badges: the ones before are archived.
afterEach(async () => {
	await handle.db.update(badges).set({ archived: true });
});

async function addRuleBadge(rule: BadgeRule | null, archived = false): Promise<string> {
	const id = newId();
	await handle.db.transaction(async (tx) => {
		await tx.insert(badges).values({
			id,
			slug: `rule-${id.replaceAll('-', '')}`,
			name: 'Rule badge',
			rule: rule && { ...rule }, // fast-check's records have no prototype
			archived,
			version: await nextVersion(tx)
		});
	});
	return id;
}

type Fact = Partial<RuleFact> & { happenedOn: string };

async function addFacts(personId: string, facts: Fact[]): Promise<void> {
	if (facts.length === 0) return;
	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(contributions).values(
			facts.map((fact) => ({
				id: newId(),
				personId,
				area: fact.area ?? 'localization',
				activityType: fact.activityType ?? 'translated',
				description: 'Something done',
				happenedOn: fact.happenedOn,
				eventId: fact.eventId ?? null,
				createdAt: new Date(AT),
				version
			}))
		);
	});
}

function evaluate(personId: string, atMs = AT): Promise<string[]> {
	return handle.db.transaction(async (tx) =>
		evaluateAwards(tx, personId, await nextVersion(tx), atMs)
	);
}

async function personWith(facts: Fact[]): Promise<string> {
	const { personId } = await addPerson(handle.db);
	await addFacts(personId, facts);
	return personId;
}

const days = (count: number, day = TODAY, fact: Partial<RuleFact> = {}): Fact[] =>
	Array.from({ length: count }, () => ({ ...fact, happenedOn: day }));

const contributionsRule = (
	count: number,
	rest: Partial<Extract<BadgeRule, { kind: 'contributions' }>> = {}
): BadgeRule => ({
	kind: 'contributions',
	count,
	area: null,
	activityType: null,
	withinDays: null,
	...rest
});

describe('evaluateAwards', () => {
	it('awards a contributions rule at its count, not one below, as a rule award', async () => {
		const badge = await addRuleBadge(contributionsRule(3));
		const below = await personWith(days(2));
		const at = await personWith(days(3));
		expect(await evaluate(below)).toEqual([]);
		expect(await evaluate(at)).toEqual([badge]);
		const [award] = await handle.db
			.select()
			.from(awards)
			.where(and(eq(awards.badgeId, badge), eq(awards.personId, at)));
		expect(award).toMatchObject({
			source: 'rule',
			awardedBy: null,
			evidence: null,
			revokedAt: null,
			awardedAt: new Date(AT)
		});
		// A UUIDv7 stamped with the award's time.
		expect(award.id).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
		expect(parseInt(award.id.replaceAll('-', '').slice(0, 12), 16)).toBe(AT);
	});

	it('never counts attended contributions as contributions', async () => {
		const badge = await addRuleBadge(contributionsRule(2));
		const person = await personWith([
			{ happenedOn: TODAY },
			{ happenedOn: TODAY, activityType: 'attended', eventId: eventIds[0] }
		]);
		expect(await evaluate(person)).toEqual([]);
		await addFacts(person, days(1));
		expect(await evaluate(person)).toEqual([badge]);
	});

	it('counts only the area and activity type asked for', async () => {
		const area = await addRuleBadge(contributionsRule(2, { area: 'design' }));
		const type = await addRuleBadge(contributionsRule(2, { activityType: 'mentored' }));
		const both = await addRuleBadge(
			contributionsRule(2, { area: 'design', activityType: 'mentored' })
		);
		const person = await personWith([
			{ happenedOn: TODAY, area: 'design', activityType: 'translated' },
			{ happenedOn: TODAY, area: 'localization', activityType: 'mentored' },
			{ happenedOn: TODAY, area: 'design', activityType: 'mentored' }
		]);
		expect((await evaluate(person)).sort()).toEqual([area, type].sort());
		await addFacts(person, [{ happenedOn: TODAY, area: 'design', activityType: 'mentored' }]);
		expect(await evaluate(person)).toEqual([both]);
	});

	it('counts withinDays windows from today back, both edges included', async () => {
		const badge = await addRuleBadge(contributionsRule(2, { withinDays: 30 }));
		const edge = addDays(TODAY, -29);
		const outside = addDays(TODAY, -30);
		const inside = await personWith([{ happenedOn: edge }, { happenedOn: TODAY }]);
		const early = await personWith([{ happenedOn: outside }, { happenedOn: TODAY }]);
		expect(await evaluate(inside)).toEqual([badge]);
		expect(await evaluate(early)).toEqual([]);
	});

	it('counts a contribution dated today in UTC+14 and not one dated later', async () => {
		const badge = await addRuleBadge(contributionsRule(1));
		const noonUtc = Date.parse('2026-06-10T12:00:00Z'); // already 2026-06-11 in Kiribati
		expect(ruleToday(noonUtc)).toBe('2026-06-11');
		const kiribati = await personWith([{ happenedOn: '2026-06-11' }]);
		const later = await personWith([{ happenedOn: '2026-06-12' }]);
		expect(await evaluate(kiribati, noonUtc)).toEqual([badge]);
		expect(await evaluate(later, noonUtc)).toEqual([]);
	});

	it('counts distinct events attended, within the window', async () => {
		const badge = await addRuleBadge({ kind: 'events_attended', count: 3, withinDays: null });
		const windowed = await addRuleBadge({ kind: 'events_attended', count: 2, withinDays: 7 });
		const attended = (eventId: string, happenedOn = TODAY): Fact => ({
			happenedOn,
			eventId,
			activityType: 'attended'
		});
		const person = await personWith([
			attended(eventIds[0], addDays(TODAY, -7)),
			attended(eventIds[1]),
			// Something else done at an event is not attending it.
			{ happenedOn: TODAY, eventId: eventIds[2], activityType: 'translated' }
		]);
		expect(await evaluate(person)).toEqual([]);
		await addFacts(person, [attended(eventIds[2], addDays(TODAY, -6))]);
		expect((await evaluate(person)).sort()).toEqual([badge, windowed].sort());
	});

	it('awards a streak of weeks in a row, also one that already ended', async () => {
		const badge = await addRuleBadge({ kind: 'streak', weeks: 3 });
		// Mondays 2026-05-04, 05-11, 05-18 (the last one a Sunday of that week), then a gap.
		const done = await personWith([
			{ happenedOn: '2026-05-04' },
			{ happenedOn: '2026-05-13' },
			{ happenedOn: '2026-05-24', activityType: 'attended', eventId: eventIds[0] }
		]);
		const gap = await personWith([
			{ happenedOn: '2026-05-04' },
			{ happenedOn: '2026-05-11' },
			{ happenedOn: '2026-05-25' },
			{ happenedOn: '2026-06-01' }
		]);
		expect(await evaluate(done)).toEqual([badge]);
		expect(await evaluate(gap)).toEqual([]);
		await addFacts(gap, [{ happenedOn: TODAY }]);
		expect(await evaluate(gap)).toEqual([badge]);
	});

	it('skips archived badges and badges without a rule', async () => {
		await addRuleBadge(contributionsRule(1), true);
		await addRuleBadge(null);
		expect(await evaluate(await personWith(days(1)))).toEqual([]);
	});

	it('never gives back a revoked award, and awards once', async () => {
		const badge = await addRuleBadge(contributionsRule(1));
		const person = await personWith(days(1));
		expect(await evaluate(person)).toEqual([badge]);
		expect(await evaluate(person)).toEqual([]);
		await handle.db
			.update(awards)
			.set({ revokedAt: new Date(AT), revokedBy: organizer.personId, revocationReason: 'Oops' })
			.where(eq(awards.badgeId, badge));
		await addFacts(person, days(1));
		expect(await evaluate(person)).toEqual([]);
		const rows = await handle.db.select().from(awards).where(eq(awards.badgeId, badge));
		expect(rows).toHaveLength(1);
		expect(rows[0].revokedAt).not.toBeNull();
	});

	it('leaves people who are not active alone', async () => {
		await addRuleBadge(contributionsRule(1));
		const person = await personWith(days(1));
		await handle.db.update(people).set({ status: 'deleted' }).where(eq(people.id, person));
		expect(await evaluate(person)).toEqual([]);
	});
});

describe('awardEveryoneMeeting', () => {
	it('awards every active person meeting a new rule, once, skipping any award row', async () => {
		const badge = await addRuleBadge(contributionsRule(2, { area: 'design' }));
		const design = (count: number) => days(count, TODAY, { area: 'design' });
		const meets = await personWith(design(2));
		const meetsToo = await personWith(design(5));
		const below = await personWith([...design(1), ...days(3)]);
		const revoked = await personWith(design(2));
		const inactive = await personWith(design(2));
		await handle.db.update(people).set({ status: 'deleted' }).where(eq(people.id, inactive));
		await handle.db.transaction(async (tx) => {
			await tx.insert(awards).values({
				badgeId: badge,
				personId: revoked,
				awardedAt: new Date(AT),
				source: 'manual',
				revokedAt: new Date(AT),
				version: await nextVersion(tx)
			});
		});
		const award = () =>
			handle.db.transaction(async (tx) =>
				awardEveryoneMeeting(tx, badge, await nextVersion(tx), AT)
			);
		// Someone from an earlier test meets it too.
		expect(await award()).toBeGreaterThanOrEqual(2);
		const rows = await handle.db
			.select({ personId: awards.personId, source: awards.source })
			.from(awards)
			.where(
				and(
					eq(awards.badgeId, badge),
					inArray(awards.personId, [meets, meetsToo, below, revoked, inactive])
				)
			);
		expect(rows.map((row) => row.personId).sort()).toEqual([meets, meetsToo, revoked].sort());
		expect(
			rows.filter((row) => row.personId !== revoked).every((row) => row.source === 'rule')
		).toBe(true);
		expect(await award()).toBe(0);
	});

	it('awards a streak to each person once, and nothing for an archived badge', async () => {
		const badge = await addRuleBadge({ kind: 'streak', weeks: 2 });
		// Two separate runs of two weeks: still one award.
		const person = await personWith([
			{ happenedOn: '2026-04-06' },
			{ happenedOn: '2026-04-13' },
			{ happenedOn: '2026-05-04' },
			{ happenedOn: '2026-05-11' }
		]);
		const archived = await addRuleBadge({ kind: 'streak', weeks: 2 }, true);
		const run = (id: string) =>
			handle.db.transaction(async (tx) => awardEveryoneMeeting(tx, id, await nextVersion(tx), AT));
		expect(await run(archived)).toBe(0);
		expect(await run(badge)).toBeGreaterThanOrEqual(1);
		const rows = await handle.db
			.select()
			.from(awards)
			.where(and(eq(awards.badgeId, badge), eq(awards.personId, person)));
		expect(rows).toHaveLength(1);
	});
});

describe('when it runs', () => {
	async function awardOf(badgeId: string, personId: string) {
		const [row] = await handle.db
			.select()
			.from(awards)
			.where(and(eq(awards.badgeId, badgeId), eq(awards.personId, personId)));
		return row;
	}

	it('awards after contributions pushed one by one and in a batch, in their version', async () => {
		const first = await addRuleBadge(contributionsRule(1));
		const three = await addRuleBadge(contributionsRule(3));
		const author = await addPerson(handle.db);
		const deviceId = newId();
		const single = await handlePush(handle.db, author, {
			deviceId,
			mutations: [logContribution(1)]
		});
		expect(single).toMatchObject({ applied: 1, rejected: 0 });
		expect(await awardOf(first, author.personId)).toMatchObject({ source: 'rule' });
		expect(await awardOf(three, author.personId)).toBeUndefined();
		const batch = await handlePush(handle.db, author, {
			deviceId,
			mutations: [logContribution(2), logContribution(3)]
		});
		expect(batch).toMatchObject({ applied: 2, rejected: 0 });
		const award = await awardOf(three, author.personId);
		const [latest] = await handle.db
			.select({ version: contributions.version })
			.from(contributions)
			.where(eq(contributions.personId, author.personId))
			.orderBy(contributions.version)
			.limit(1)
			.offset(2);
		expect(award).toMatchObject({ source: 'rule', awardedBy: null, version: latest.version });
	});

	it("awards after a check-in's attended contribution", async () => {
		const badge = await addRuleBadge({ kind: 'events_attended', count: 1, withinDays: 30 });
		const attendee = await addPerson(handle.db);
		const eventId = await addEvent(handle.db, [organizer.personId]);
		await addRegistration(handle.db, eventId, attendee.personId);
		const pushed = await handlePush(handle.db, organizer, {
			deviceId: newId(),
			mutations: [
				{
					mutationId: 1,
					name: 'checkin.record',
					args: checkInArgs(eventId, attendee.personId),
					hlc: clock()
				}
			]
		});
		expect(pushed).toMatchObject({ applied: 1, rejected: 0 });
		expect(await awardOf(badge, attendee.personId)).toMatchObject({ source: 'rule' });
	});

	it('never lets a failed evaluation undo the write that asked for it', async () => {
		const person = await personWith([]);
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		await handle.db.transaction(async (tx) => {
			const version = await nextVersion(tx);
			expect(await evaluateAwardsSafely(tx, 'not a uuid', version, AT)).toEqual([]);
			expect(logged).toHaveBeenCalledOnce();
			logged.mockRestore();
			// The transaction is still usable.
			await tx.insert(contributions).values({
				id: newId(),
				personId: person,
				area: 'localization',
				activityType: 'translated',
				description: 'Kept',
				happenedOn: TODAY,
				createdAt: new Date(AT),
				version
			});
		});
		const rows = await handle.db
			.select()
			.from(contributions)
			.where(eq(contributions.personId, person));
		expect(rows).toHaveLength(1);
	});

	it('rolls back only the evaluation when its statement fails in the database', async () => {
		const badge = await addRuleBadge(contributionsRule(1));
		const person = await personWith(days(1));
		await evaluate(await personWith([])); // the rules are known: the statement runs at once
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		await handle.db.transaction(async (tx) => {
			const version = await nextVersion(tx);
			// NaN is no bigint: the INSERT fails inside the database, after its savepoint.
			expect(await evaluateAwardsSafely(tx, person, Number.NaN, AT)).toEqual([]);
			expect(logged).toHaveBeenCalledOnce();
			logged.mockRestore();
			await tx.insert(contributions).values({
				id: newId(),
				personId: person,
				area: 'localization',
				activityType: 'translated',
				description: 'Kept',
				happenedOn: TODAY,
				createdAt: new Date(AT),
				version
			});
			expect(await evaluateAwardsSafely(tx, person, version, AT)).toEqual([badge]);
		});
		const rows = await handle.db
			.select()
			.from(contributions)
			.where(eq(contributions.personId, person));
		expect(rows).toHaveLength(2);
		expect(await handle.db.select().from(awards).where(eq(awards.personId, person))).toHaveLength(
			1
		);
	});
});

describe('agreement with ruleProgress', () => {
	const areas = ['localization', 'design'] as const;
	const types = ['translated', 'mentored', 'attended'] as const;
	const ruleArbitrary: fc.Arbitrary<BadgeRule> = fc.oneof(
		fc.record({
			kind: fc.constant('contributions' as const),
			count: fc.integer({ min: 1, max: 4 }),
			area: fc.constantFrom(null, ...areas),
			activityType: fc.constantFrom(null, 'translated', 'mentored'),
			withinDays: fc.constantFrom(null, 1, 7, 10, 30)
		}),
		fc.record({
			kind: fc.constant('events_attended' as const),
			count: fc.integer({ min: 1, max: 3 }),
			withinDays: fc.constantFrom(null, 1, 7, 10, 30)
		}),
		fc.record({ kind: fc.constant('streak' as const), weeks: fc.integer({ min: 2, max: 4 }) })
	);
	const factArbitrary: fc.Arbitrary<RuleFact> = fc
		.record({
			daysAgo: fc.integer({ min: -2, max: 45 }),
			area: fc.constantFrom(...areas),
			activityType: fc.constantFrom(...types),
			event: fc.integer({ min: 0, max: 4 })
		})
		.map(({ daysAgo, area, activityType, event }) => ({
			happenedOn: addDays(TODAY, -daysAgo),
			area,
			activityType,
			eventId: activityType === 'attended' || event < 2 ? eventIds[event] : null
		}));

	it('awards exactly the badges whose rule ruleProgress says is met', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(ruleArbitrary, { minLength: 1, maxLength: 4 }),
				fc.array(factArbitrary, { maxLength: 12 }),
				fc.integer({ min: 0, max: 23 }),
				async (rules, facts, hour) => {
					await handle.db.update(badges).set({ archived: true });
					const ids = [];
					for (const rule of rules) ids.push(await addRuleBadge(rule));
					const personId = await personWith(facts);
					const atMs = AT + hour * 3600_000;
					const today = latestCalendarDate(atMs);
					const expected = ids.filter((_, index) => ruleProgress(rules[index], facts, today).met);
					expect((await evaluate(personId, atMs)).sort()).toEqual(expected.sort());
					// Everyone at once agrees too: a second person with the same history.
					const twin = await personWith(facts);
					for (const id of ids)
						await handle.db.transaction(async (tx) =>
							awardEveryoneMeeting(tx, id, await nextVersion(tx), atMs)
						);
					const twinRows = await handle.db
						.select({ badgeId: awards.badgeId })
						.from(awards)
						.where(eq(awards.personId, twin));
					expect(twinRows.map((row) => row.badgeId).sort()).toEqual(expected.sort());
				}
			),
			{ numRuns: 60 }
		);
	}, 120_000);

	it('awards the same when told what came in after an evaluation of the history before', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(ruleArbitrary, { minLength: 1, maxLength: 4 }),
				fc.array(factArbitrary, { maxLength: 12 }),
				fc.array(factArbitrary, { minLength: 1, maxLength: 3 }),
				fc.integer({ min: 0, max: 23 }),
				async (rules, before, incoming, hour) => {
					await handle.db.update(badges).set({ archived: true });
					const ids = [];
					for (const rule of rules) ids.push(await addRuleBadge(rule));
					const atMs = AT + hour * 3600_000;
					const today = latestCalendarDate(atMs);
					const personId = await personWith(before);
					const first = await evaluate(personId, atMs);
					await addFacts(personId, incoming);
					const then = await handle.db.transaction(async (tx) =>
						evaluateAwards(tx, personId, await nextVersion(tx), atMs, incoming)
					);
					const all = [...before, ...incoming];
					const expected = ids.filter((_, index) => ruleProgress(rules[index], all, today).met);
					expect([...first, ...then].sort()).toEqual(expected.sort());
				}
			),
			{ numRuns: 60 }
		);
	}, 120_000);
});
