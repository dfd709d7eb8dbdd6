/**
 * Merging two people with activity on both, on real PGlite: every row moves or folds by the
 * conflict rules, nothing is lost, one version stamps it all, the merged id still resolves,
 * the merge is logged, and a device that held the old rows pulls the deletions and new rows.
 */
import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import { pullResponseSchema } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { resolvePerson } from '$lib/server/db/person-ids';
import {
	awards,
	checkIns,
	contributions,
	credentials,
	deletions,
	devices,
	emailTokens,
	events,
	memberships,
	nominations,
	people,
	personMerges,
	recoveryCodes,
	registrations,
	rejectedMutations,
	sessions
} from '$lib/server/db/schema';
import { handlePull } from '$lib/server/sync/pull';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addBadge,
	addEvent,
	addGroup,
	addMembership,
	addPersonWithProfile,
	deviceMirror
} from '$lib/server/testing/fixtures';
import { deleteAccount } from './account';
import { listMerges, mergePeople, MergeRefused } from './merge';
import {
	addAward,
	addCheckIn,
	addContribution,
	addRegistration,
	addRejection,
	addSignInMeans,
	headVersion,
	written
} from './spec-fixtures';

let handle: DatabaseHandle;

const PERSON_TABLES: [string, PgTable, PgColumn][] = [
	['contributions', contributions, contributions.personId],
	['checkIns', checkIns, checkIns.personId],
	['awards', awards, awards.personId],
	['memberships', memberships, memberships.personId],
	['registrations', registrations, registrations.personId],
	['credentials', credentials, credentials.personId],
	['sessions', sessions, sessions.personId],
	['devices', devices, devices.personId],
	['recoveryCodes', recoveryCodes, recoveryCodes.personId],
	['emailTokens', emailTokens, emailTokens.personId],
	['rejectedMutations', rejectedMutations, rejectedMutations.personId]
];

/** Per table: rows of each person, and rows in total. */
async function census(ids: string[]) {
	const result: Record<string, { total: number; byPerson: Record<string, number> }> = {};
	for (const [name, table, column] of PERSON_TABLES) {
		const [{ total }] = await handle.db.select({ total: count() }).from(table);
		const byPerson: Record<string, number> = {};
		for (const id of ids) {
			const [{ rows }] = await handle.db
				.select({ rows: count() })
				.from(table)
				.where(eq(column, id));
			byPerson[id] = rows;
		}
		result[name] = { total, byPerson };
	}
	return result;
}

/**
 * uuid columns that never hold a person's id. Every other uuid or uuid[] column of the
 * database is taken to name a person: the merge test seeds the merged person's id into each,
 * so a column added to the schema fails it until the test (and the merge) handle it.
 */
const NOT_PEOPLE = new Set([
	'auth_challenges.person_id', // a person not created yet (sign-up in progress)
	'awards.badge_id',
	'awards.id',
	'nominations.badge_id',
	'nominations.id',
	'badges.id',
	'check_ins.device_ids',
	'check_ins.event_id',
	'contributions.device_id',
	'contributions.event_id',
	'contributions.id',
	'devices.id',
	'metric_cohorts.group_id',
	'metric_counts.group_id',
	'metric_event_people.event_id',
	'metric_event_people.group_id',
	'metric_person_recent.groups',
	'metric_recent_histogram.group_id',
	'event_keys.event_id',
	'events.id',
	'groups.id',
	'memberships.group_id',
	'person_merges.id',
	'registrations.event_id',
	'registrations.id',
	'rejected_mutations.device_id',
	'rejected_mutations.id'
]);

/** Where a merged person's id may stay: their own (merged) row and the merge log, which is history. */
const KEPT_AFTER_MERGE = [
	'people.id',
	'person_merges.merged_by',
	'person_merges.merged_id',
	'person_merges.survivor_id'
];

/** Every uuid and uuid[] column of the database, as table.column, found in the catalogue. */
async function uuidColumns(): Promise<{ name: string; array: boolean }[]> {
	const rows = await handle.db
		.select({
			table: sql<string>`table_name`,
			column: sql<string>`column_name`,
			type: sql<string>`udt_name`
		})
		.from(sql`information_schema.columns`)
		.where(sql`table_schema = current_schema() and udt_name in ('uuid', '_uuid')`);
	return rows.map((row) => ({ name: `${row.table}.${row.column}`, array: row.type === '_uuid' }));
}

/** The columns (table.column) in which `id` appears in at least one row. */
async function columnsHolding(id: string): Promise<string[]> {
	const found: string[] = [];
	for (const { name, array } of await uuidColumns()) {
		const [table, column] = name.split('.').map((part) => sql.identifier(part));
		const [{ rows }] = await handle.db
			.select({ rows: count() })
			.from(sql`${table}`)
			.where(array ? sql`${id}::uuid = any(${column})` : sql`${column} = ${id}::uuid`);
		if (rows > 0) found.push(name);
	}
	return found.sort();
}

beforeAll(async () => {
	handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe('mergePeople', () => {
	it('moves every reference, folds what both had, and loses nothing', async () => {
		const db = handle.db;
		const { personId: admin } = await addPersonWithProfile(db, {
			displayName: 'Admin',
			roles: ['member', 'admin']
		});
		const { personId: other } = await addPersonWithProfile(db, { displayName: 'Other organizer' });
		const { personId: attendee } = await addPersonWithProfile(db, { displayName: 'Attendee' });
		const { personId: survivor } = await addPersonWithProfile(db, {
			displayName: 'Ana Gómez',
			email: 'ana@example.org',
			pronouns: 'she/her',
			roles: ['member', 'organizer']
		});
		const { personId: merged } = await addPersonWithProfile(db, {
			displayName: 'Ana Gomez',
			email: 'ana.gomez@example.org',
			pronouns: 'they/them',
			city: 'Madrid',
			country: 'ES',
			languages: ['es', 'en'],
			roles: ['member', 'mentor'],
			privacy: { city: 'public' } as never,
			fieldClocks: { city: '0000000001000:0000:old', 'privacy.city': '0000000001000:0000:old' }
		});
		// An older duplicate the person about to be merged once merged into themselves.
		const { personId: older } = await addPersonWithProfile(db, {
			displayName: 'A. Gomez',
			email: 'ag@example.org'
		});
		const earlier = await mergePeople(db, {
			survivorId: merged,
			mergedId: older,
			mergedBy: merged
		});

		const sprint = await addEvent(db, [merged, other]);
		// The merged person helps at this one's door.
		const onboarding = await addEvent(db, [survivor], newId(), { doorIds: [merged, other] });
		const meetup = await addEvent(db, [merged, survivor]);
		const helper = await addBadge(db);
		const mentor = await addBadge(db);
		const team = await addGroup(db);
		const requests = await addGroup(db, { policy: 'request' });

		for (let n = 0; n < 2; n++) await addContribution(db, survivor);
		for (let n = 0; n < 3; n++) await addContribution(db, merged);
		const [deviceA, deviceB] = [newId(), newId()];
		await addCheckIn(db, sprint, survivor, {
			checkedInAt: '2025-05-01T10:05:00Z',
			recordedBy: other,
			deviceIds: [deviceA]
		});
		await addCheckIn(db, sprint, merged, {
			checkedInAt: '2025-05-01T10:00:00Z',
			recordedBy: other,
			deviceIds: [deviceB]
		});
		await addCheckIn(db, onboarding, merged, {
			checkedInAt: '2025-05-02T18:00:00Z',
			recordedBy: survivor,
			deviceIds: [deviceA]
		});
		// The merged person recorded someone else's check-in at the door.
		await addCheckIn(db, meetup, attendee, {
			checkedInAt: '2025-05-03T18:00:00Z',
			recordedBy: merged,
			deviceIds: [deviceB]
		});
		await addAward(db, helper, survivor, { awardedAt: '2025-03-01T00:00:00Z', awardedBy: admin });
		await addAward(db, helper, merged, {
			awardedAt: '2025-01-01T00:00:00Z',
			awardedBy: other,
			evidence: 'first sprint'
		});
		await addAward(db, mentor, merged, { awardedAt: '2025-02-01T00:00:00Z', awardedBy: admin });
		// The merged person gave a badge.
		await addAward(db, mentor, attendee, { awardedAt: '2025-04-01T00:00:00Z', awardedBy: merged });
		// The merged person verified a contribution, revoked an award, and is in nominations
		// as nominee, nominator and decider.
		await written(db, async (tx, version) => {
			const at = new Date('2025-06-01T00:00:00Z');
			await tx.insert(contributions).values({
				id: newId(),
				personId: attendee,
				area: 'events',
				activityType: 'gave_talk',
				description: 'A talk',
				happenedOn: '2025-05-30',
				createdAt: at,
				verifiedBy: merged,
				verifiedAt: at,
				version
			});
			await tx
				.update(awards)
				.set({ revokedBy: merged, revokedAt: at, revocationReason: 'test' })
				.where(eq(awards.personId, attendee));
			await tx.insert(nominations).values([
				{
					id: newId(),
					badgeId: helper,
					personId: merged,
					nominatedBy: other,
					reason: 'kind',
					version
				},
				{
					id: newId(),
					badgeId: helper,
					personId: attendee,
					nominatedBy: merged,
					reason: 'kind',
					status: 'declined',
					decidedBy: merged,
					decidedAt: at,
					version
				}
			]);
		});
		await addMembership(db, team, survivor, { status: 'pending' });
		await addMembership(db, team, merged, { status: 'member', curator: true });
		await addMembership(db, requests, merged, { status: 'pending' });
		const survivorWaitlisted = await addRegistration(db, sprint, survivor, 'waitlisted');
		const mergedRegistered = await addRegistration(db, sprint, merged, 'registered');
		const mergedCancelledOnly = await addRegistration(db, onboarding, merged, 'cancelled');
		const survivorRegistered = await addRegistration(db, meetup, survivor, 'registered');
		const mergedCancelled = await addRegistration(db, meetup, merged, 'cancelled');
		await addSignInMeans(db, survivor);
		const mergedMeans = await addSignInMeans(db, merged);
		await addRejection(db, merged, mergedMeans.deviceId);

		// The absence factor's recent periods end in May 2025 (so the contributions count there).
		await db.execute(sql`select metric_recent_roll('2025-05-26')`);
		// The merged person's id is in every column that names a person (bar the log's merged_id).
		const personColumns = (await uuidColumns())
			.map((column) => column.name)
			.filter((name) => !NOT_PEOPLE.has(name))
			.sort();
		expect(await columnsHolding(merged)).toEqual(
			personColumns.filter((name) => name !== 'person_merges.merged_id')
		);
		const before = await census([survivor, merged]);
		const cursor = await headVersion(db);

		const entry = await mergePeople(db, {
			survivorId: survivor,
			mergedId: merged,
			mergedBy: admin
		});
		const version = await headVersion(db);
		expect(version).toBe(cursor + 1);

		// No reference to the merged person is left but their own row and the log.
		expect(await columnsHolding(merged)).toEqual(KEPT_AFTER_MERGE);

		// What moved and what folded, exactly.
		expect(entry.moved).toEqual({
			contributions: 3,
			checkIns: 1,
			checkInsFolded: 1,
			awards: 1,
			awardsFolded: 1,
			memberships: 1,
			membershipsFolded: 1,
			registrations: 1,
			registrationsFolded: 2,
			passkeys: 1,
			sessions: 1,
			devices: 1,
			recoveryCodes: 1,
			emailTokens: 1,
			rejectedMutations: 1,
			eventsOrganized: 2,
			awardsGiven: 1,
			checkInsRecorded: 1,
			earlierMerges: 1
		});
		const folded: Record<string, number> = {
			checkIns: 1,
			awards: 1,
			memberships: 1,
			registrations: 2
		};

		// Nothing lost: every row of the merged person now belongs to the survivor, and the
		// totals only lost the folded duplicates.
		const after = await census([survivor, merged]);
		for (const [name] of PERSON_TABLES) {
			const lost = folded[name] ?? 0;
			expect(after[name].byPerson[merged], name).toBe(0);
			expect(after[name].byPerson[survivor], name).toBe(
				before[name].byPerson[survivor] + before[name].byPerson[merged] - lost
			);
			expect(after[name].total, name).toBe(before[name].total - lost);
		}

		// Check-ins: the earliest wins and every recording device is kept.
		const [sprintCheckIn] = await db
			.select()
			.from(checkIns)
			.where(and(eq(checkIns.eventId, sprint), eq(checkIns.personId, survivor)));
		expect(sprintCheckIn.checkedInAt.toISOString()).toBe('2025-05-01T10:00:00.000Z');
		expect(sprintCheckIn.admissions.map((admission) => admission.deviceId).sort()).toEqual(
			[deviceA, deviceB].sort()
		);
		expect(sprintCheckIn.version).toBe(version);
		const [recorded] = await db
			.select()
			.from(checkIns)
			.where(and(eq(checkIns.eventId, meetup), eq(checkIns.personId, attendee)));
		expect(recorded.recordedBy).toBe(survivor);

		// Awards: the earliest award of a badge stands, with its awarder and evidence.
		const [helperAward] = await db
			.select()
			.from(awards)
			.where(and(eq(awards.badgeId, helper), eq(awards.personId, survivor)));
		expect(helperAward.awardedAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
		expect(helperAward.awardedBy).toBe(other);
		expect(helperAward.evidence).toBe('first sprint');
		const [given] = await db
			.select()
			.from(awards)
			.where(and(eq(awards.badgeId, mentor), eq(awards.personId, attendee)));
		expect(given.awardedBy).toBe(survivor);

		// Memberships: a member beats a request, a curator stays a curator.
		const survivorMemberships = await db
			.select()
			.from(memberships)
			.where(eq(memberships.personId, survivor));
		expect(
			Object.fromEntries(survivorMemberships.map((row) => [row.groupId, [row.status, row.curator]]))
		).toEqual({ [team]: ['member', true], [requests]: ['pending', false] });

		// Registrations: the better ticket stays, whoever held it.
		const tickets = await db
			.select({
				id: registrations.id,
				eventId: registrations.eventId,
				status: registrations.status
			})
			.from(registrations)
			.where(eq(registrations.personId, survivor));
		expect(Object.fromEntries(tickets.map((row) => [row.eventId, [row.id, row.status]]))).toEqual({
			[sprint]: [mergedRegistered, 'registered'],
			[onboarding]: [mergedCancelledOnly, 'cancelled'],
			[meetup]: [survivorRegistered, 'registered']
		});

		// Events name the survivor as organizer, once.
		const organizers = await db
			.select({ id: events.id, organizerIds: events.organizerIds })
			.from(events)
			.where(inArray(events.id, [sprint, meetup]));
		expect(Object.fromEntries(organizers.map((row) => [row.id, row.organizerIds]))).toEqual({
			[sprint]: [survivor, other],
			[meetup]: [survivor]
		});
		const [door] = await db
			.select({ doorIds: events.doorIds })
			.from(events)
			.where(eq(events.id, onboarding));
		expect(door.doorIds).toEqual([survivor, other]);
		// The admission the merged person recorded at the door names the survivor.
		expect(recorded.admissions.map((admission) => admission.recordedBy)).toEqual([survivor]);

		// Profiles: the survivor keeps what it had, gains what it lacked (with its privacy and
		// clock) and the roles of both; the merged person is an empty pointer.
		const [kept] = await db.select().from(people).where(eq(people.id, survivor));
		expect(kept).toMatchObject({
			displayName: 'Ana Gómez',
			email: 'ana@example.org',
			pronouns: 'she/her',
			city: 'Madrid',
			country: 'ES',
			languages: ['es', 'en'],
			roles: ['member', 'organizer', 'mentor'],
			status: 'active',
			version
		});
		expect(kept.privacy.city).toBe('public');
		expect(kept.fieldClocks.city).toBe('0000000001000:0000:old');
		expect(entry.filled.sort()).toEqual(['city', 'country', 'languages']);
		const [gone] = await db.select().from(people).where(eq(people.id, merged));
		expect(gone).toMatchObject({
			status: 'merged',
			mergedInto: survivor,
			email: null,
			pronouns: null,
			city: null,
			languages: [],
			roles: ['member'],
			version
		});

		// Old ids resolve to the survivor, the earlier duplicate too (one hop).
		const active = { id: survivor, status: 'active' };
		expect(await resolvePerson(db, merged)).toEqual(active);
		expect(await resolvePerson(db, older)).toEqual(active);
		expect(await resolvePerson(db, survivor)).toEqual(active);
		expect(await resolvePerson(db, newId())).toBeNull();
		const [olderRow] = await db.select().from(people).where(eq(people.id, older));
		expect(olderRow.mergedInto).toBe(survivor);

		// The log: who, by whom, what moved, with the merged person's profile as it was.
		const [latest] = await listMerges(db);
		expect(latest).toEqual({ ...entry, mergedBy: { id: admin, displayName: 'Admin' } });
		expect(latest.merged).toEqual({
			id: merged,
			displayName: 'Ana Gomez',
			email: 'ana.gomez@example.org'
		});
		const [logRow] = await db.select().from(personMerges).where(eq(personMerges.mergedId, merged));
		expect(logRow.snapshot).toMatchObject({ person: { id: merged, city: 'Madrid' } });
		// The earlier merge stays as it happened: into, and by, the person merged now.
		const [earlierRow] = await db
			.select()
			.from(personMerges)
			.where(eq(personMerges.id, earlier.id));
		expect(earlierRow).toMatchObject({ survivorId: merged, mergedId: older, mergedBy: merged });

		// Every old key is recorded as deleted, with the merge's version.
		const recorded_deletions = await db
			.select({ table: deletions.tableName, key: deletions.key, version: deletions.version })
			.from(deletions)
			.where(eq(deletions.version, version));
		expect(recorded_deletions.map((row) => JSON.stringify([row.table, row.key])).sort()).toEqual(
			[
				['checkIns', [sprint, merged]],
				['checkIns', [onboarding, merged]],
				['awards', [helper, merged]],
				['awards', [mentor, merged]],
				['memberships', [team, merged]],
				['memberships', [requests, merged]],
				['registrations', survivorWaitlisted],
				['registrations', mergedCancelled]
			]
				.map((item) => JSON.stringify(item))
				.sort()
		);

		// The merged person's phone (its device now the survivor's) pulls what changed.
		const page = pullResponseSchema.parse(
			await handlePull(
				db,
				{ personId: survivor, roles: ['member', 'organizer', 'mentor'] },
				{ deviceId: mergedMeans.deviceId, cursor, limit: 5000 }
			)
		);
		expect(page.cursor).toBe(version);
		expect(page.deletions.length).toBe(8);
		expect(page.deletions).toContainEqual({ table: 'checkIns', key: [sprint, merged] });
		expect(page.deletions).toContainEqual({ table: 'registrations', key: survivorWaitlisted });
		expect(page.changes.contributions.map((row) => row.personId)).toEqual(Array(3).fill(survivor));
		expect(
			page.changes.checkIns
				.filter((row) => row.personId === survivor)
				.map((row) => row.eventId)
				.sort()
		).toEqual([sprint, onboarding].sort());
		expect(page.changes.awards.filter((row) => row.personId === survivor)).toHaveLength(2);
		expect(page.changes.registrations.map((row) => row.id).sort()).toEqual(
			[mergedRegistered, mergedCancelledOnly].sort()
		);
		expect(page.changes.memberships.map((row) => row.groupId).sort()).toEqual(
			[team, requests].sort()
		);
		expect(page.changes.rejectedMutations.map((row) => row.personId)).toEqual([survivor]);
		const pulledPeople = Object.fromEntries(page.changes.people.map((row) => [row.id, row]));
		expect(pulledPeople[merged]).toMatchObject({ status: 'merged', mergedInto: survivor });
		expect(pulledPeople[survivor]).toMatchObject({ city: 'Madrid' });
		expect(page.changes.events.map((row) => row.id).sort()).toEqual(
			[sprint, onboarding, meetup].sort()
		);
		const stamps = Object.values(page.changes).flatMap((rows) =>
			rows.map((row: { version: number }) => row.version)
		);
		expect(new Set(stamps)).toEqual(new Set([version]));
	});

	it('refuses a merge into oneself, into or of an inactive person, or of an unknown id', async () => {
		const db = handle.db;
		const { personId: ana } = await addPersonWithProfile(db);
		const { personId: bea } = await addPersonWithProfile(db);
		const { personId: carla } = await addPersonWithProfile(db);
		const { personId: deleted } = await addPersonWithProfile(db, {
			status: 'deleted',
			email: null
		});
		const refusal = (promise: Promise<unknown>) =>
			promise.then(
				() => null,
				(failure: unknown) => (failure instanceof MergeRefused ? failure.reason : failure)
			);
		expect(await refusal(mergePeople(db, { survivorId: ana, mergedId: ana, mergedBy: null }))).toBe(
			'same_person'
		);
		expect(
			await refusal(mergePeople(db, { survivorId: ana, mergedId: newId(), mergedBy: null }))
		).toBe('not_found');
		expect(
			await refusal(mergePeople(db, { survivorId: deleted, mergedId: ana, mergedBy: null }))
		).toBe('survivor_inactive');
		expect(
			await refusal(mergePeople(db, { survivorId: ana, mergedId: deleted, mergedBy: null }))
		).toBe('merged_inactive');

		const before = await headVersion(db);
		await mergePeople(db, { survivorId: ana, mergedId: bea, mergedBy: null });
		// No chains: a merged person neither survives another merge nor is merged twice.
		expect(
			await refusal(mergePeople(db, { survivorId: bea, mergedId: carla, mergedBy: null }))
		).toBe('survivor_inactive');
		expect(
			await refusal(mergePeople(db, { survivorId: carla, mergedId: bea, mergedBy: null }))
		).toBe('merged_inactive');
		// A refusal writes nothing: only the one merge took a version.
		expect(await headVersion(db)).toBe(before + 1);
		const [carlaRow] = await db.select().from(people).where(eq(people.id, carla));
		expect(carlaRow.status).toBe('active');
		const merges = await db
			.select({ id: personMerges.id })
			.from(personMerges)
			.where(or(eq(personMerges.mergedId, bea), eq(personMerges.mergedId, carla)));
		expect(merges).toHaveLength(1);
	});

	it("brings the attendee list of a door the merged person ran to the survivor's device", async () => {
		const db = handle.db;
		const { personId: organizer } = await addPersonWithProfile(db, { displayName: 'Org' });
		const { personId: survivor } = await addPersonWithProfile(db, { displayName: 'Kim Kept' });
		const { personId: merged } = await addPersonWithProfile(db, { displayName: 'Kim Merged' });
		const { personId: attendee } = await addPersonWithProfile(db, { displayName: 'Attendee' });
		const eventId = await addEvent(db, [organizer], newId(), { doorIds: [merged] });
		const registrationId = await addRegistration(db, eventId, attendee);
		const phone = deviceMirror(db, { personId: survivor, roles: ['member'] });
		await phone.sync();
		const held = () => phone.rows('registrations').filter((row) => row.eventId === eventId);
		expect(held()).toEqual([]);

		await mergePeople(db, { survivorId: survivor, mergedId: merged, mergedBy: organizer });
		await phone.sync();
		expect(held().map((row) => row.id)).toEqual([registrationId]);
	});

	it('logs no name of a person who deleted their account since', async () => {
		const db = handle.db;
		const { personId: admin } = await addPersonWithProfile(db, {
			displayName: 'Admin',
			roles: ['member', 'admin']
		});
		const { personId: kept } = await addPersonWithProfile(db, { displayName: 'Rosa Kept' });
		const { personId: gone } = await addPersonWithProfile(db, { displayName: 'Rosa Gone' });
		const { id } = await mergePeople(db, { survivorId: kept, mergedId: gone, mergedBy: admin });
		const listed = async () => (await listMerges(db)).find((entry) => entry.id === id)!;
		expect((await listed()).survivor.displayName).toBe('Rosa Kept');

		await deleteAccount(db, kept, 'Rosa Kept');
		const entry = await listed();
		expect(entry.survivor).toEqual({ id: kept, displayName: '' });
		expect(entry.merged).toEqual({ id: gone, displayName: '', email: null });
		expect(JSON.stringify(entry)).not.toContain('Rosa');
		expect(entry.mergedBy).toEqual({ id: admin, displayName: 'Admin' });
	});
});
