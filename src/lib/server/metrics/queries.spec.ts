/**
 * loadDashboard (rollups kept by triggers, read with SQL) against THE definitions
 * (domain/metrics.ts dashboardOf over the same rows), on real PGlite: random small
 * communities, every filter alone and together, after contributions are logged one statement at
 * a time, edited, moved and deleted, after people change country or groups, after an activity's
 * weight changes, after the recent periods roll on, and after the rollups are rebuilt from the
 * rows (the migration's backfill).
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	dashboardOf,
	type DashboardFilters,
	type MetricInputs,
	type MetricRegistration
} from '$lib/domain/metrics';
import { addDays, weekStart } from '$lib/domain/weeks';
import type { Database, DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import { loadDashboard } from './queries';
import { rowsOf } from '$lib/server/db/rows';

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
}, 60_000);

afterAll(async () => {
	await handle?.close();
});

const TO = '2026-06-15'; // a Monday
const FIRST_DAY = '2025-09-01';
const SPAN_DAYS = 320;
const AREAS = ['localization', 'development', 'events'];
const TYPES = ['translated', 'coded', 'organized', 'attended'];
const COUNTRIES = ['ES', 'BR', null];
const ZONES = ['UTC', 'Pacific/Auckland', 'America/Los_Angeles'];

const uuid = (kind: number, n: number) =>
	`00000000-0000-7000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

interface Community {
	people: { country: string | null; active: boolean; groups: boolean[] }[];
	events: { day: number; area: string | null; cancelled: boolean; zone: number }[];
	registrations: { person: number; event: number; status: MetricRegistration['status'] }[];
	checkIns: { person: number; event: number; hour: number }[];
	contributions: { person: number; day: number; area: number; type: number }[];
	weights: (number | null)[];
}

const community = (people: number, events: number): fc.Arbitrary<Community> =>
	fc.record({
		people: fc.array(
			fc.record({
				country: fc.constantFrom(...COUNTRIES),
				active: fc.boolean().map((b) => b || Math.random() < 0.8),
				groups: fc.tuple(fc.boolean(), fc.boolean())
			}),
			{ minLength: people, maxLength: people }
		),
		events: fc.array(
			fc.record({
				day: fc.integer({ min: 0, max: SPAN_DAYS }),
				area: fc.constantFrom(null, ...AREAS.slice(0, 2)),
				cancelled: fc.boolean().map((b) => b && Math.random() < 0.3),
				zone: fc.integer({ min: 0, max: ZONES.length - 1 })
			}),
			{ minLength: events, maxLength: events }
		),
		registrations: fc.uniqueArray(
			fc.record({
				person: fc.nat(people - 1),
				event: fc.nat(events - 1),
				status: fc.constantFrom('registered', 'registered', 'waitlisted', 'cancelled', 'revoked')
			}),
			{ selector: (r) => `${r.person}/${r.event}`, maxLength: 25 }
		),
		checkIns: fc.uniqueArray(
			fc.record({
				person: fc.nat(people - 1),
				event: fc.nat(events - 1),
				hour: fc.integer({ min: 0, max: 23 })
			}),
			{ selector: (c) => `${c.person}/${c.event}`, maxLength: 25 }
		),
		contributions: fc.array(
			fc.record({
				person: fc.nat(people - 1),
				// Some people very busy: a few in bursts on the same weeks.
				day: fc.integer({ min: 0, max: SPAN_DAYS }),
				area: fc.nat(AREAS.length - 1),
				type: fc.nat(TYPES.length - 1)
			}),
			{ maxLength: 80 }
		),
		weights: fc.tuple(
			fc.constantFrom(null, 1, 3, 6),
			fc.constantFrom(null, 2, 10),
			fc.constantFrom(null, 1, 5)
		)
	});

async function reset() {
	await db.execute(sql`truncate contributions, check_ins, registrations, events, memberships,
		groups, people, taxonomy_terms, metric_person_weeks, metric_person_months,
		metric_person_check_ins, metric_person_state, metric_counts, metric_cohorts,
		metric_event_people, metric_person_recent, metric_recent_histogram cascade`);
	// The recent periods (the absence factor's rollup) end with TO, as if it were this week.
	await db.execute(sql`delete from metric_recent_as_of`);
	await db.execute(sql`insert into metric_recent_as_of (week) values (${TO}::date)`);
}

const dayOf = (offset: number) => addDays(FIRST_DAY, offset);

async function insertCommunity(c: Community) {
	for (const [index, weight] of c.weights.entries())
		if (weight !== null)
			await db.execute(sql`insert into taxonomy_terms (kind, slug, weight, version)
				values ('activity', ${TYPES[index]}, ${weight}, 1)`);
	for (const g of [0, 1])
		await db.execute(sql`insert into groups (id, kind, slug, name, policy, version)
			values (${uuid(1, g)}::uuid, 'team', ${`g${g}`}, ${`Group ${g}`}, 'open', 1)`);
	for (const [index, person] of c.people.entries()) {
		await db.execute(sql`insert into people (id, display_name, country, status, version)
			values (${uuid(2, index)}::uuid, ${`P${index}`}, ${person.country},
				${person.active ? 'active' : 'deleted'}, 1)`);
		for (const [g, member] of person.groups.entries())
			if (member || index % 3 === g)
				await db.execute(sql`insert into memberships (group_id, person_id, status, version)
					values (${uuid(1, g)}::uuid, ${uuid(2, index)}::uuid,
						${member ? 'member' : 'pending'}, 1)`);
	}
	for (const [index, event] of c.events.entries()) {
		const starts = `${dayOf(event.day)}T${String((index * 7) % 24).padStart(2, '0')}:30:00Z`;
		await db.execute(sql`insert into events (id, title, starts_at, ends_at, timezone, visibility,
				area, cancelled, version)
			values (${uuid(3, index)}::uuid, ${`E${index}`}, ${starts}::timestamptz,
				${starts}::timestamptz + interval '2 hours', ${ZONES[event.zone]}, 'public',
				${event.area}, ${event.cancelled}, 1)`);
	}
	for (const [index, r] of c.registrations.entries())
		await db.execute(sql`insert into registrations (id, event_id, person_id, status, version)
			values (${uuid(4, index)}::uuid, ${uuid(3, r.event)}::uuid, ${uuid(2, r.person)}::uuid,
				${r.status}, 1)`);
	for (const ci of c.checkIns)
		await db.execute(sql`insert into check_ins (event_id, person_id, checked_in_at, recorded_by, version)
			select id, ${uuid(2, ci.person)}::uuid, starts_at + make_interval(hours => ${ci.hour}),
				${uuid(2, ci.person)}::uuid, 1
			from events where id = ${uuid(3, ci.event)}::uuid`);
	// Contributions in a few statements of several rows (the triggers work per statement).
	for (let start = 0; start < c.contributions.length; start += 7) {
		const chunk = c.contributions.slice(start, start + 7);
		await db.execute(sql`insert into contributions (id, person_id, area, activity_type,
				description, happened_on, created_at, version)
			values ${sql.join(
				chunk.map(
					(row, offset) =>
						sql`(${uuid(5, start + offset)}::uuid, ${uuid(2, row.person)}::uuid, ${AREAS[row.area]},
							${TYPES[row.type]}, 'x', ${dayOf(row.day)}::date, now(), 1)`
				),
				sql`, `
			)}`);
	}
}

/** The same rows as dashboardOf's inputs (days in the event's time zone, weights from the taxonomy). */
async function inputsFromRows(): Promise<MetricInputs> {
	const read = async <Row>(statement: ReturnType<typeof sql>) =>
		rowsOf<Row>(await db.execute(statement));
	return {
		contributions:
			await read(sql`select c.person_id as "personId", c.happened_on::text as "happenedOn",
			c.area, c.activity_type as "activityType", c.event_id as "eventId",
			coalesce(t.weight, 1) as weight
			from contributions c left join taxonomy_terms t on t.kind = 'activity' and t.slug = c.activity_type`),
		people: (
			await read<{ id: string; country: string | null; groups: string[] | null }>(sql`
			select p.id, p.country, (select array_agg(m.group_id::text) from memberships m
				where m.person_id = p.id and m.status = 'member') as groups
			from people p where p.status = 'active'`)
		).map((person) => ({ ...person, groups: person.groups ?? [] })),
		events: await read(sql`select id, (starts_at at time zone timezone)::date::text as "startsAt",
			area, cancelled from events`),
		registrations: await read(sql`select event_id as "eventId", person_id as "personId", status
			from registrations`),
		checkIns: await read(sql`select ci.event_id as "eventId", ci.person_id as "personId",
			(ci.checked_in_at at time zone e.timezone)::date::text as day
			from check_ins ci join events e on e.id = ci.event_id`)
	};
}

const FILTERS: Partial<DashboardFilters>[] = [
	{},
	{ area: 'localization' },
	{ area: 'events' },
	{ country: 'ES' },
	{ groupId: uuid(1, 0) },
	{ area: 'development', country: 'BR', groupId: uuid(1, 1) },
	{ from: addDays(TO, -7 * 25), period: '6m' },
	{ from: addDays(TO, -7 * 40), to: addDays(TO, -7 * 10), period: 'custom', area: 'development' }
];

async function expectSame(label: string) {
	const inputs = await inputsFromRows();
	for (const partial of FILTERS) {
		const filters: DashboardFilters = {
			area: null,
			country: null,
			groupId: null,
			period: '12w',
			from: addDays(TO, -7 * 11),
			to: TO,
			...partial
		};
		const expected = dashboardOf(inputs, filters, 'now');
		const actual = await loadDashboard(db, filters, 'now');
		expect(actual, `${label} ${JSON.stringify(partial)}`).toEqual(expected);
	}
}

describe('loadDashboard', () => {
	it('TO is a Monday', () => {
		expect(weekStart(TO)).toBe(TO);
	});

	it('equals dashboardOf on random communities, as rows arrive, change and go', async () => {
		await fc.assert(
			fc.asyncProperty(
				community(8, 6),
				fc.array(fc.tuple(fc.nat(79), fc.integer({ min: 0, max: SPAN_DAYS }), fc.nat(2)), {
					maxLength: 6
				}),
				async (c, edits) => {
					await reset();
					await insertCommunity(c);
					await expectSame('inserted');

					// Edits (day, area), deletes, a person moving country and leaving a group.
					for (const [index, day, area] of edits) {
						if (index >= c.contributions.length) continue;
						if (day % 3 === 0)
							await db.execute(sql`delete from contributions where id = ${uuid(5, index)}::uuid`);
						else
							await db.execute(sql`update contributions set happened_on = ${dayOf(day)}::date,
								area = ${AREAS[area]}, description = 'edited' where id = ${uuid(5, index)}::uuid`);
					}
					await db.execute(sql`update people set country = 'ES' where id = ${uuid(2, 1)}::uuid`);
					await db.execute(sql`update people set status = 'merged' where id = ${uuid(2, 2)}::uuid`);
					await db.execute(sql`delete from memberships where person_id = ${uuid(2, 3)}::uuid`);
					await db.execute(sql`insert into memberships (group_id, person_id, status, version)
						values (${uuid(1, 0)}::uuid, ${uuid(2, 4)}::uuid, 'member', 1)
						on conflict (group_id, person_id) do update set status = 'member'`);
					await db.execute(sql`delete from check_ins where person_id = ${uuid(2, 5)}::uuid`);
					await db.execute(sql`update registrations set status = 'cancelled'
						where person_id = ${uuid(2, 6)}::uuid`);
					await db.execute(sql`update events set area = 'events' where id = ${uuid(3, 0)}::uuid`);
					await expectSame('changed');

					// A new week: the recent periods move on (here from a week before TO to TO).
					await db.execute(sql`select metric_recent_roll(${addDays(TO, -7)}::date)`);
					await expectSame('moved on');

					// A weight change recounts the levels of the people with that activity.
					await db.execute(sql`insert into taxonomy_terms (kind, slug, weight, version)
						values ('activity', 'coded', 7, 2)
						on conflict (kind, slug) do update set weight = 7`);
					await expectSame('reweighted');

					// Everything again from the rows (the migrations' backfill, a bulk import).
					await db.execute(sql`select metric_rebuild()`);
					await expectSame('rebuilt');
				}
			),
			{ numRuns: 30 }
		);
	}, 600_000);
});
