/**
 * Exactly-once push, as properties: whatever the network does to the batches of several
 * offline devices (reorders, duplicates, replays, a batch ahead of a gap), once each device
 * has retried what was not acknowledged the server holds the same state as if every device
 * had pushed its outbox once, in order, one device after the other.
 */
import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { decodeHlc, encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import { LOGGED_ACTIVITY_TYPES, AREAS } from '$lib/domain/taxonomy';
import type { Database, DatabaseHandle } from '$lib/server/db';
import {
	awards,
	checkIns,
	contributions,
	devices,
	people,
	rejectedMutations
} from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addBadge,
	addEvent,
	addPerson,
	addPersonWithId,
	addRegistration
} from '$lib/server/testing/fixtures';
import { handlePush } from './push';

/** The system under test and the reference: created once, every run uses fresh ids. */
let sut: DatabaseHandle;
let reference: DatabaseHandle;

beforeAll(async () => {
	[sut, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
	await Promise.all([sut?.close(), reference?.close()]);
});

// ---------------------------------------------------------------- what a device writes

const rare = fc.integer({ min: 0, max: 11 }).map((n) => n === 0);

const intent = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('contribution' as const),
			area: fc.constantFrom(...AREAS),
			activityType: fc.constantFrom(...LOGGED_ACTIVITY_TYPES),
			daysAgo: fc.integer({ min: 0, max: 3 }),
			withLink: fc.boolean(),
			/** A blank description: refused as invalid. */
			blank: rare
		})
	},
	/** Log again with the id of one of this device's earlier contributions: a conflict. */
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('reuse' as const), pick: fc.nat() }) },
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('checkin' as const),
			person: fc.integer({ min: 0, max: 2 }),
			minutesEarlier: fc.integer({ min: 0, max: 2 })
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('profile' as const),
			changes: fc
				.record(
					{
						displayName: fc.constantFrom('Ada', 'Grace'),
						pronouns: fc.constantFrom(null, 'she/her', 'they/them'),
						city: fc.constantFrom(null, 'Lyon', 'Pune'),
						country: fc.constantFrom(null, 'FR', 'IN')
					},
					{ requiredKeys: [] }
				)
				.filter((changes) => Object.keys(changes).length > 0)
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('award' as const),
			person: fc.integer({ min: 0, max: 1 }),
			evidence: fc.constantFrom(null, 'Ran the door', 'Translated the schedule')
		})
	},
	/** A name the server does not know. */
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const) }) },
	/** An award to someone who does not exist. */
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('missing' as const) }) }
);
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

const write = fc.record({
	intent,
	/** Seconds the device clock moved since its previous write (0: same second, counter +1). */
	tick: fc.constantFrom(0, 1, 2),
	/** Written on a phone whose date is an hour ahead: refused for its clock. */
	ahead: rare
});

/** Device owners: 0 an admin who organizes the event, 1 another organizer of it, 2 a member. */
const ADMIN = 0;
const MEMBER = 2;

const deviceScript = fc.record({
	owner: fc.constantFrom(0, 1, 2),
	startSecond: fc.integer({ min: 0, max: 3 }),
	writes: fc.array(write, { minLength: 1, maxLength: 7 }),
	/** How the outbox is cut into batches (the rest goes in a last batch). */
	batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
});

const scenario = fc.record({
	devices: fc
		.array(deviceScript, { minLength: 2, maxLength: 4 })
		.map(([first, ...rest]) => [{ ...first, owner: ADMIN }, ...rest]),
	/** What the network delivers first: (device, batch) picks, in any order, repeats allowed. */
	deliveries: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
	/** Then each device retries, in turns, with up to this many unacknowledged mutations. */
	retryBatch: fc.integer({ min: 1, max: 5 }),
	firstRetrier: fc.nat()
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- one run's people and data

interface Cast {
	owners: Actor[];
	/** People checked in at the door; the last one is the member. */
	checkInTargets: string[];
	registrationIds: string[];
	awardTargets: string[];
	eventId: string;
	badgeId: string;
}

function newCast(): Cast {
	const owners: Actor[] = [
		{ personId: newId(), roles: ['admin'] },
		{ personId: newId(), roles: ['member', 'organizer'] },
		{ personId: newId(), roles: ['member'] }
	];
	const attendees = [newId(), newId()];
	return {
		owners,
		checkInTargets: [...attendees, owners[MEMBER].personId],
		registrationIds: [newId(), newId(), newId()],
		awardTargets: attendees,
		eventId: newId(),
		badgeId: newId()
	};
}

async function insertCast(db: Database, cast: Cast): Promise<void> {
	for (const owner of cast.owners) await addPersonWithId(db, owner.personId, [...owner.roles]);
	for (const id of cast.awardTargets) await addPersonWithId(db, id);
	await addEvent(db, [cast.owners[ADMIN].personId, cast.owners[1].personId], cast.eventId);
	// Everyone the door checks in holds a ticket (ids shared by both databases).
	for (const [index, personId] of cast.checkInTargets.entries())
		await addRegistration(db, cast.eventId, personId, { id: cast.registrationIds[index] });
	await addBadge(db, cast.badgeId);
}

interface Device {
	id: string;
	actor: Actor;
	mutations: PushedMutation[];
	batches: PushedMutation[][];
}

/**
 * Turn the scripts into outboxes. Device clocks run 4 minutes behind `now`, each from its own
 * start; ahead means an hour in the future. Devices of one person may write in the same
 * millisecond (mergeAward then breaks the tie on evidence).
 */
function buildDevices(cast: Cast, scripts: Scenario['devices'], now: number): Device[] {
	const secondBase = Math.floor(now / 1000) * 1000 - 240_000;
	return scripts.map((script, index) => {
		const id = newId();
		const node = `device${index}`;
		let millis = secondBase + script.startSecond * 1000;
		const logged: string[] = [];
		const mutations = script.writes.map(({ intent, tick, ahead }, position): PushedMutation => {
			millis += tick * 1000;
			const hlc = encodeHlc({
				millis: ahead ? millis + 3600_000 : millis,
				counter: position,
				node
			});
			const { name, args } = mutationFor(intent, cast, logged, now, `${node}.${position}`);
			return { mutationId: position + 1, name, args, hlc };
		});
		const batches: PushedMutation[][] = [];
		let taken = 0;
		for (const size of script.batchSizes) {
			if (taken >= mutations.length) break;
			batches.push(mutations.slice(taken, taken + size));
			taken += size;
		}
		if (taken < mutations.length) batches.push(mutations.slice(taken));
		return { id, actor: cast.owners[script.owner], mutations, batches };
	});
}

function mutationFor(
	intent: Intent,
	cast: Cast,
	logged: string[],
	now: number,
	label: string
): { name: string; args: unknown } {
	const contribution = (id: string, blank = false) => ({
		id,
		area: 'localization',
		activityType: 'translated',
		description: blank ? '   ' : `Translated batch ${label}`,
		happenedOn: new Date(now).toISOString().slice(0, 10),
		link: null
	});
	switch (intent.kind) {
		case 'contribution': {
			const id = newId();
			logged.push(id);
			return {
				name: 'contribution.log',
				args: {
					...contribution(id, intent.blank),
					area: intent.area,
					activityType: intent.activityType,
					happenedOn: new Date(now - intent.daysAgo * 86_400_000).toISOString().slice(0, 10),
					link: intent.withLink ? `https://example.org/${label}` : null
				}
			};
		}
		case 'reuse': {
			const id = logged.length > 0 ? logged[intent.pick % logged.length] : newId();
			if (logged.length === 0) logged.push(id);
			return { name: 'contribution.log', args: contribution(id) };
		}
		case 'checkin': {
			const minutes = Math.floor(now / 60_000) - 5 - intent.minutesEarlier;
			return {
				name: 'checkin.record',
				args: {
					eventId: cast.eventId,
					personId: cast.checkInTargets[intent.person],
					checkedInAt: new Date(minutes * 60_000).toISOString(),
					deviceName: `Door ${label}`,
					method: intent.minutesEarlier % 2 === 0 ? 'scan' : 'search'
				}
			};
		}
		case 'profile':
			return {
				name: 'profile.update',
				args: { personId: cast.owners[MEMBER].personId, changes: intent.changes }
			};
		case 'award':
			return {
				name: 'award.grant',
				args: {
					badgeId: cast.badgeId,
					personId: cast.awardTargets[intent.person],
					evidence: intent.evidence
				}
			};
		case 'unknown':
			return { name: 'person.teleport', args: { to: 'moon' } };
		case 'missing':
			return {
				name: 'award.grant',
				args: { badgeId: cast.badgeId, personId: newId(), evidence: null }
			};
	}
}

// ---------------------------------------------------------------- delivering

/** What the server has acknowledged per device, checked against every answer it gives. */
class Network {
	readonly acknowledged = new Map<string, number>();
	readonly processed = new Map<string, number>();

	constructor(private readonly db: Database) {}

	/**
	 * Push one batch (consecutive mutationIds) and check the answer against the protocol:
	 * a batch ahead of a gap applies nothing; otherwise exactly the new mutations are
	 * processed, and lastMutationId never goes back.
	 */
	async push(device: { id: string; actor: Actor }, batch: PushedMutation[]): Promise<void> {
		const before = this.acknowledged.get(device.id) ?? 0;
		const response = await handlePush(this.db, device.actor, {
			deviceId: device.id,
			mutations: batch
		});
		const first = batch[0]?.mutationId ?? before + 1;
		const last = batch.at(-1)?.mutationId ?? before;
		const expected = first > before + 1 ? before : Math.max(before, last);
		expect(response.lastMutationId).toBeGreaterThanOrEqual(before);
		expect(response.gap).toBe(first > before + 1);
		expect(response.lastMutationId).toBe(expected);
		expect(response.applied + response.rejected).toBe(expected - before);
		this.acknowledged.set(device.id, response.lastMutationId);
		this.processed.set(
			device.id,
			(this.processed.get(device.id) ?? 0) + response.applied + response.rejected
		);
	}

	/** The device's own retry: resend what is not acknowledged, in order, until none is left. */
	async retry(device: Device, batchSize: number): Promise<boolean> {
		const done = this.acknowledged.get(device.id) ?? 0;
		if (done >= device.mutations.length) return false;
		await this.push(device, device.mutations.slice(done, done + batchSize));
		return true;
	}
}

async function deliverScenario(db: Database, fleet: Device[], run: Scenario): Promise<Network> {
	const network = new Network(db);
	for (const [pickDevice, pickBatch] of run.deliveries) {
		const device = fleet[pickDevice % fleet.length];
		await network.push(device, device.batches[pickBatch % device.batches.length]);
	}
	let turn = run.firstRetrier;
	let idle = 0;
	while (idle < fleet.length) {
		const progressed = await network.retry(fleet[turn % fleet.length], run.retryBatch);
		idle = progressed ? 0 : idle + 1;
		turn += 1;
	}
	return network;
}

// ---------------------------------------------------------------- what the server holds

async function domainState(db: Database, cast: Cast, fleet: Device[]) {
	const personIds = cast.owners.map((owner) => owner.personId);
	const deviceIds = fleet.map((device) => device.id);
	const contributionRows = await db
		.select()
		.from(contributions)
		.where(inArray(contributions.personId, personIds));
	// The server's own "attended" contributions: one per person checked in (ids are its own).
	const attendedRows = await db
		.select({ personId: contributions.personId })
		.from(contributions)
		.where(
			and(eq(contributions.eventId, cast.eventId), eq(contributions.activityType, 'attended'))
		);
	const checkInRows = await db.select().from(checkIns).where(eq(checkIns.eventId, cast.eventId));
	const awardRows = await db.select().from(awards).where(eq(awards.badgeId, cast.badgeId));
	const [profile] = await db
		.select({
			displayName: people.displayName,
			pronouns: people.pronouns,
			bio: people.bio,
			city: people.city,
			country: people.country,
			fieldClocks: people.fieldClocks
		})
		.from(people)
		.where(eq(people.id, cast.owners[MEMBER].personId));
	const rejectionRows = await db
		.select()
		.from(rejectedMutations)
		.where(inArray(rejectedMutations.deviceId, deviceIds));
	const deviceRows = await db.select().from(devices).where(inArray(devices.id, deviceIds));

	return {
		attended: attendedRows.map((row) => row.personId).sort(),
		contributions: sortBy(
			contributionRows
				.filter((row) => row.activityType !== 'attended')
				.map((row) => ({
					id: row.id,
					personId: row.personId,
					area: row.area,
					activityType: row.activityType,
					description: row.description,
					happenedOn: row.happenedOn,
					link: row.link,
					eventId: row.eventId,
					createdAt: row.createdAt.toISOString(),
					deviceId: row.deviceId,
					mutationId: row.mutationId
				})),
			(row) => row.id
		),
		checkIns: sortBy(
			checkInRows.map((row) => ({
				eventId: row.eventId,
				personId: row.personId,
				checkedInAt: row.checkedInAt.toISOString(),
				recordedBy: row.recordedBy,
				admissions: row.admissions
			})),
			(row) => row.personId
		),
		awards: sortBy(
			awardRows.map((row) => ({
				personId: row.personId,
				awardedAt: row.awardedAt.toISOString(),
				awardedBy: row.awardedBy,
				evidence: row.evidence
			})),
			(row) => row.personId
		),
		profile,
		rejections: sortBy(
			rejectionRows.map((row) => ({
				deviceId: row.deviceId,
				mutationId: row.mutationId,
				reason: row.reason
			})),
			(row) => `${row.deviceId}/${String(row.mutationId).padStart(6, '0')}`
		),
		devices: sortBy(
			deviceRows.map((row) => ({
				id: row.id,
				personId: row.personId,
				lastMutationId: row.lastMutationId
			})),
			(row) => row.id
		)
	};
}

function sortBy<Row>(rows: Row[], key: (row: Row) => string): Row[] {
	return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The contribution ids that should be stored: logged once, on time, with a description. */
function expectedContributionIds(fleet: Device[]): string[] {
	const stored = new Set<string>();
	for (const device of fleet)
		for (const mutation of device.mutations) {
			if (mutation.name !== 'contribution.log' || isAhead(mutation)) continue;
			const args = mutation.args as { id: string; description: string };
			if (args.description.trim() !== '') stored.add(args.id);
		}
	return [...stored].sort();
}

/** Per person checked in: the earliest time any allowed device saw them, and those devices. */
function expectedCheckIns(
	fleet: Device[]
): Map<string, { at: number; deviceIds: Set<string>; admissions: Map<string, number> }> {
	const expected = new Map<
		string,
		{ at: number; deviceIds: Set<string>; admissions: Map<string, number> }
	>();
	for (const device of fleet) {
		if (!device.actor.roles.some((role) => role === 'admin' || role === 'organizer')) continue;
		for (const mutation of device.mutations) {
			if (mutation.name !== 'checkin.record' || isAhead(mutation)) continue;
			const args = mutation.args as { personId: string; checkedInAt: string };
			const at = Date.parse(args.checkedInAt);
			const current = expected.get(args.personId) ?? {
				at,
				deviceIds: new Set<string>(),
				admissions: new Map<string, number>()
			};
			current.at = Math.min(current.at, at);
			current.deviceIds.add(device.id);
			current.admissions.set(device.id, Math.min(current.admissions.get(device.id) ?? at, at));
			expected.set(args.personId, current);
		}
	}
	return expected;
}

function isAhead(mutation: PushedMutation): boolean {
	return (decodeHlc(mutation.hlc)?.millis ?? 0) > Date.now();
}

// ---------------------------------------------------------------- the properties

describe('push, as properties', () => {
	it(
		'ends in the same state as pushing each outbox once, whatever the network does',
		{ timeout: 120_000 },
		async () => {
			await fc.assert(
				fc.asyncProperty(scenario, async (run) => {
					const cast = newCast();
					await Promise.all([insertCast(sut.db, cast), insertCast(reference.db, cast)]);
					const fleet = buildDevices(cast, run.devices, Date.now());

					const network = await deliverScenario(sut.db, fleet, run);
					const once = new Network(reference.db);
					for (const device of fleet) await once.push(device, device.mutations);

					const actual = await domainState(sut.db, cast, fleet);
					expect(actual).toEqual(await domainState(reference.db, cast, fleet));

					// Exactly once, stated directly.
					for (const device of fleet) {
						expect(network.processed.get(device.id)).toBe(device.mutations.length);
						expect(network.acknowledged.get(device.id)).toBe(device.mutations.length);
					}
					expect(actual.contributions.map((row) => row.id)).toEqual(expectedContributionIds(fleet));
					const checkIns = expectedCheckIns(fleet);
					expect(actual.checkIns).toHaveLength(checkIns.size);
					for (const row of actual.checkIns) {
						const expected = checkIns.get(row.personId);
						expect(Date.parse(row.checkedInAt)).toBe(expected?.at);
						expect(row.admissions.map((admission) => admission.deviceId).sort()).toEqual(
							[...(expected?.deviceIds ?? [])].sort()
						);
						// One admission per device, at the earliest time that device saw them.
						expect(
							Object.fromEntries(
								row.admissions.map((admission) => [admission.deviceId, Date.parse(admission.at)])
							)
						).toEqual(Object.fromEntries(expected?.admissions ?? []));
					}
					expect(actual.attended).toEqual(actual.checkIns.map((row) => row.personId).sort());
					const rejected = new Set(
						actual.rejections.map((row) => `${row.deviceId}/${row.mutationId}`)
					);
					const stored = new Set(
						actual.contributions.map((row) => `${row.deviceId}/${row.mutationId}`)
					);
					for (const key of stored) expect(rejected.has(key)).toBe(false);
				}),
				{ numRuns: 100 }
			);
		}
	);

	// Found by the property above (seed 2138232995): two grants of one badge to one person by
	// the same awarder, at the same moment, with different evidence, once kept whichever was
	// stored first.
	it('keeps the same award whichever of two same-moment grants by one awarder comes first', async () => {
		const evidence: (string | null)[] = [];
		for (const order of [
			[0, 1],
			[1, 0]
		]) {
			const cast = newCast();
			await insertCast(sut.db, cast);
			const millis = Date.now() - 60_000;
			const grants = [null, 'Ran the door'].map((text, index) => ({
				id: newId(),
				actor: cast.owners[ADMIN],
				mutation: {
					mutationId: 1,
					name: 'award.grant',
					args: { badgeId: cast.badgeId, personId: cast.awardTargets[0], evidence: text },
					hlc: encodeHlc({ millis, counter: 0, node: `device${index}` })
				}
			}));
			for (const index of order)
				await handlePush(sut.db, grants[index].actor, {
					deviceId: grants[index].id,
					mutations: [grants[index].mutation]
				});
			const [award] = await sut.db.select().from(awards).where(eq(awards.badgeId, cast.badgeId));
			evidence.push(award?.evidence ?? null);
		}
		expect(evidence[1]).toBe(evidence[0]);
	});

	it(
		'applies each mutationId of a device once, whatever sub-ranges it pushes',
		{ timeout: 60_000 },
		async () => {
			const pushes = fc.record({
				writes: fc.array(fc.record({ reuse: rare, blank: rare, ahead: rare }), {
					minLength: 1,
					maxLength: 12
				}),
				ranges: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 10 }),
				retryBatch: fc.integer({ min: 1, max: 4 })
			});
			await fc.assert(
				fc.asyncProperty(pushes, async ({ writes, ranges, retryBatch }) => {
					const actor = await addPerson(sut.db);
					const now = Date.now();
					const ids: string[] = [];
					const mutations = writes.map(({ reuse, blank, ahead }, index): PushedMutation => {
						const id = reuse && ids.length > 0 ? ids[index % ids.length] : newId();
						ids.push(id);
						const millis = now - 60_000 + index + (ahead ? 3600_000 : 0);
						return {
							mutationId: index + 1,
							name: 'contribution.log',
							args: {
								id,
								area: 'testing',
								activityType: 'tested',
								description: blank ? '' : `Tested build ${index}`,
								happenedOn: new Date(now).toISOString().slice(0, 10),
								link: null
							},
							hlc: encodeHlc({ millis, counter: 0, node: 'solo' })
						};
					});
					const device: Device = { id: newId(), actor, mutations, batches: [] };

					// Network.push checks each answer: gap, counts, and lastMutationId never going back.
					const network = new Network(sut.db);
					for (const [a, b] of ranges) {
						const from = a % mutations.length;
						const to = b % mutations.length;
						await network.push(device, mutations.slice(Math.min(from, to), Math.max(from, to) + 1));
					}
					while (await network.retry(device, retryBatch));
					expect(network.processed.get(device.id)).toBe(mutations.length);

					const stored = await sut.db
						.select({ mutationId: contributions.mutationId })
						.from(contributions)
						.where(eq(contributions.deviceId, device.id));
					const refused = await sut.db
						.select({ mutationId: rejectedMutations.mutationId })
						.from(rejectedMutations)
						.where(eq(rejectedMutations.deviceId, device.id));
					const seen = [...stored, ...refused]
						.map((row) => row.mutationId ?? 0)
						.sort((x, y) => x - y);
					expect(seen).toEqual(mutations.map((mutation) => mutation.mutationId));
				}),
				{ numRuns: 100 }
			);
		}
	);
});
