/**
 * The events mutations as the server applies them, pushed through handlePush on a real
 * database: who may, what they refuse and why, and what every device receives afterwards.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { SaveEventArgs } from '$lib/domain/mutations';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import { verifyTicket } from '$lib/domain/tickets';
import type { DatabaseHandle } from '$lib/server/db';
import {
	checkIns,
	contributions,
	deletions,
	eventKeys,
	events,
	people,
	registrations,
	rejectedMutations
} from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addEvent,
	addPerson,
	addPersonWithProfile,
	addRegistration,
	checkInArgs,
	deviceMirror,
	eventSaveArgs
} from '$lib/server/testing/fixtures';
import { deleteAccount } from '$lib/server/people/account';
import { mergePeople } from '$lib/server/people/merge';
import { handlePush } from '$lib/server/sync/push';

let handle: DatabaseHandle;
let organizer: Actor;
let helper: Actor;
let admin: Actor;
const now = Date.now();

beforeAll(async () => {
	handle = await createTestDatabase();
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	helper = await addPerson(handle.db);
	admin = await addPerson(handle.db, ['member', 'admin']);
});
afterAll(() => handle?.close());

/** A device pushing one mutation at a time; each push answers the refusal's reason, or null. */
function device(actor: Actor) {
	const deviceId = newId();
	let mutationId = 0;
	return {
		deviceId,
		async push(name: string, args: unknown, millis = Date.now()): Promise<string | null> {
			const mutation: PushedMutation = {
				mutationId: ++mutationId,
				name,
				args,
				hlc: encodeHlc({ millis, counter: 0, node: 'spec' })
			};
			const response = await handlePush(handle.db, actor, { deviceId, mutations: [mutation] });
			if (response.rejected === 0) return null;
			const [row] = await handle.db
				.select({ reason: rejectedMutations.reason })
				.from(rejectedMutations)
				.where(
					and(
						eq(rejectedMutations.deviceId, deviceId),
						eq(rejectedMutations.mutationId, mutation.mutationId)
					)
				);
			return row?.reason ?? 'unknown';
		}
	};
}

async function eventRow(eventId: string) {
	const [row] = await handle.db.select().from(events).where(eq(events.id, eventId));
	return row;
}

async function registrationOf(eventId: string, personId: string) {
	const [row] = await handle.db
		.select()
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.personId, personId)));
	return row;
}

async function checkInOf(eventId: string, personId: string) {
	const [row] = await handle.db
		.select()
		.from(checkIns)
		.where(and(eq(checkIns.eventId, eventId), eq(checkIns.personId, personId)));
	return row;
}

async function attendedOf(eventId: string, personId: string) {
	return handle.db
		.select()
		.from(contributions)
		.where(
			and(
				eq(contributions.eventId, eventId),
				eq(contributions.personId, personId),
				eq(contributions.activityType, 'attended')
			)
		);
}

/** An event run by the organizer with the helper at the door, and a registered attendee. */
async function eventWithAttendee(values: Partial<typeof events.$inferInsert> = {}) {
	const eventId = await addEvent(handle.db, [organizer.personId], newId(), {
		doorIds: [helper.personId],
		...values
	});
	const attendee = await addPerson(handle.db);
	await addRegistration(handle.db, eventId, attendee.personId);
	return { eventId, attendee };
}

describe('event.save', () => {
	it('creates an event with its key pair and code for an organizer, refuses a member', async () => {
		const args = eventSaveArgs([organizer.personId]);
		expect(await device(helper).push('event.save', args)).toBe('forbidden');
		expect(await eventRow(args.id)).toBeUndefined();

		expect(await device(organizer).push('event.save', args)).toBeNull();
		const row = await eventRow(args.id);
		expect(row).toMatchObject({ title: args.title, organizerIds: [organizer.personId] });
		expect(row.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(row.checkInCode).toMatch(/^[A-Z2-9]{6}$/);
		const [key] = await handle.db.select().from(eventKeys).where(eq(eventKeys.eventId, args.id));
		expect(key).toBeDefined();
	});

	it('lets only stored organizers (and admins) edit; keeps the key and code', async () => {
		const args = eventSaveArgs([organizer.personId]);
		await device(organizer).push('event.save', args);
		const before = await eventRow(args.id);
		const other = await addPerson(handle.db, ['member', 'organizer']);
		// Naming oneself an organizer in the edit does not make one.
		expect(
			await device(other).push('event.save', {
				...args,
				organizerIds: [other.personId],
				title: 'Taken over'
			})
		).toBe('forbidden');
		expect(await device(helper).push('event.save', { ...args, title: 'Door edit' })).toBe(
			'forbidden'
		);
		expect(await device(admin).push('event.save', { ...args, title: 'Renamed' })).toBeNull();
		const after = await eventRow(args.id);
		expect(after.title).toBe('Renamed');
		expect([after.publicKey, after.checkInCode]).toEqual([before.publicKey, before.checkInCode]);
	});

	it('re-issues tickets when the dates move, and promotes the waiting list when capacity grows', async () => {
		const args = eventSaveArgs([organizer.personId], { capacity: 1 });
		await device(organizer).push('event.save', args);
		const [first, second] = [await addPerson(handle.db), await addPerson(handle.db)];
		const seated = await addRegistration(handle.db, args.id, first.personId);
		expect((await addRegistration(handle.db, args.id, second.personId)).status).toBe('waitlisted');

		const startsAt = new Date(now + 86_400_000).toISOString();
		const endsAt = new Date(now + 90_000_000).toISOString();
		expect(
			await device(organizer).push('event.save', { ...args, startsAt, endsAt, capacity: 2 })
		).toBeNull();
		const reissued = await registrationOf(args.id, first.personId);
		expect(reissued.ticketCode).not.toBe(seated.ticketCode);
		const event = await eventRow(args.id);
		const check = await verifyTicket(reissued.ticketCode!, event, Date.parse(startsAt));
		expect(check.ok).toBe(true);
		// The old window's ticket is not valid then any more.
		expect((await verifyTicket(reissued.ticketCode!, event, now)).ok).toBe(false);
		expect((await registrationOf(args.id, second.personId)).status).toBe('registered');
	});

	/** The event's own fields as event.save sends them, with `changes`. */
	async function saveArgsOf(eventId: string, changes: Partial<SaveEventArgs>) {
		const event = await eventRow(eventId);
		return eventSaveArgs(event.organizerIds, {
			id: eventId,
			title: event.title,
			startsAt: event.startsAt.toISOString(),
			endsAt: event.endsAt.toISOString(),
			visibility: event.visibility,
			doorIds: event.doorIds,
			...changes
		});
	}

	/** What a device holds of the event: the event, its registrations and its check-ins. */
	function heldOf(phone: ReturnType<typeof deviceMirror>, eventId: string) {
		return {
			event: phone.rows('events').find((row) => row.id === eventId),
			registrations: phone.rows('registrations').filter((row) => row.eventId === eventId),
			checkIns: phone.rows('checkIns').filter((row) => row.eventId === eventId)
		};
	}

	it("sends the attendee list to a new door helper's device (with the event's code)", async () => {
		const { eventId, attendee } = await eventWithAttendee({ doorIds: [] });
		await device(organizer).push('checkin.record', checkInArgs(eventId, attendee.personId));
		const newcomer = await addPerson(handle.db);
		const phone = deviceMirror(handle.db, newcomer);
		await phone.sync();
		expect(heldOf(phone, eventId)).toMatchObject({ registrations: [], checkIns: [] });
		expect(heldOf(phone, eventId).event?.checkInCode).toBeNull();

		const args = await saveArgsOf(eventId, { doorIds: [newcomer.personId] });
		expect(await device(organizer).push('event.save', args)).toBeNull();
		await phone.sync();
		const held = heldOf(phone, eventId);
		expect(held.registrations.map((row) => row.personId)).toEqual([attendee.personId]);
		expect(held.checkIns.map((row) => row.personId)).toEqual([attendee.personId]);
		expect(held.event?.checkInCode).toBe((await eventRow(eventId)).checkInCode);
	});

	it('takes the attendee list off the devices of a removed co-organizer and door helper; the others keep theirs', async () => {
		const coOrganizer = await addPerson(handle.db, ['member', 'organizer']);
		const doorHelper = await addPerson(handle.db);
		const { eventId, attendee } = await eventWithAttendee({
			organizerIds: [organizer.personId, coOrganizer.personId],
			doorIds: [doorHelper.personId],
			visibility: 'invite'
		});
		await device(doorHelper).push('checkin.record', checkInArgs(eventId, attendee.personId));
		const phones = {
			coOrganizer: deviceMirror(handle.db, coOrganizer),
			doorHelper: deviceMirror(handle.db, doorHelper),
			organizer: deviceMirror(handle.db, organizer),
			attendee: deviceMirror(handle.db, attendee)
		};
		for (const phone of Object.values(phones)) await phone.sync();
		for (const phone of [phones.coOrganizer, phones.doorHelper, phones.organizer]) {
			const held = heldOf(phone, eventId);
			expect([held.registrations.length, held.checkIns.length]).toEqual([1, 1]);
			expect(held.event?.checkInCode).toMatch(/^[A-Z2-9]{6}$/);
		}

		const args = await saveArgsOf(eventId, { organizerIds: [organizer.personId], doorIds: [] });
		expect(await device(organizer).push('event.save', args)).toBeNull();
		for (const phone of Object.values(phones)) await phone.sync();

		// Invite-only: the event leaves them too, with its check-in code.
		for (const removed of [phones.coOrganizer, phones.doorHelper])
			expect(heldOf(removed, eventId)).toEqual({
				event: undefined,
				registrations: [],
				checkIns: []
			});
		const kept = heldOf(phones.organizer, eventId);
		expect(kept.registrations.map((row) => row.personId)).toEqual([attendee.personId]);
		expect(kept.checkIns.map((row) => row.personId)).toEqual([attendee.personId]);
		expect(kept.event?.organizerIds).toEqual([organizer.personId]);
		const own = heldOf(phones.attendee, eventId);
		expect(own.event?.checkInCode).toBeNull();
		expect(own.registrations.map((row) => row.status)).toEqual(['registered']);
		expect(own.checkIns.map((row) => row.personId)).toEqual([attendee.personId]);
	});

	it('takes an event that becomes invite-only off the devices of members not registered', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const member = await addPerson(handle.db);
		const phones = [deviceMirror(handle.db, member), deviceMirror(handle.db, attendee)];
		for (const phone of phones) await phone.sync();
		expect(phones.map((phone) => heldOf(phone, eventId).event?.id)).toEqual([eventId, eventId]);

		const args = await saveArgsOf(eventId, { visibility: 'invite' });
		expect(await device(organizer).push('event.save', args)).toBeNull();
		for (const phone of phones) await phone.sync();
		expect(heldOf(phones[0], eventId).event).toBeUndefined();
		expect(heldOf(phones[1], eventId).event?.visibility).toBe('invite');
	});

	it('keeps a community event (without its code) on the device of a removed door helper', async () => {
		const { eventId } = await eventWithAttendee();
		const phone = deviceMirror(handle.db, helper);
		await phone.sync();
		expect(heldOf(phone, eventId).registrations).toHaveLength(1);

		expect(
			await device(organizer).push('event.save', await saveArgsOf(eventId, { doorIds: [] }))
		).toBeNull();
		await phone.sync();
		const held = heldOf(phone, eventId);
		expect(held).toMatchObject({ registrations: [], checkIns: [] });
		expect(held.event).toMatchObject({ doorIds: [], checkInCode: null });
	});
});

describe('registration.create', () => {
	it('registers oneself with a verifiable ticket; waitlists when full', async () => {
		const eventId = await addEvent(handle.db, [organizer.personId], newId(), { capacity: 1 });
		const [ana, ben] = [await addPerson(handle.db), await addPerson(handle.db)];
		const id = newId();
		expect(
			await device(ana).push('registration.create', { id, eventId, personId: ana.personId })
		).toBeNull();
		const row = await registrationOf(eventId, ana.personId);
		expect(row).toMatchObject({ id, status: 'registered', walkIn: false });
		expect((await verifyTicket(row.ticketCode!, await eventRow(eventId), now)).ok).toBe(true);

		expect(
			await device(ben).push('registration.create', {
				id: newId(),
				eventId,
				personId: ben.personId
			})
		).toBeNull();
		expect(await registrationOf(eventId, ben.personId)).toMatchObject({
			status: 'waitlisted',
			ticketCode: null
		});
	});

	it('refuses registering someone else, an invite-only event, a cancelled or past event, and an unknown one', async () => {
		const ana = await addPerson(handle.db);
		const other = await addPerson(handle.db);
		const open = await addEvent(handle.db, [organizer.personId]);
		const invite = await addEvent(handle.db, [organizer.personId], newId(), {
			visibility: 'invite'
		});
		const cancelled = await addEvent(handle.db, [organizer.personId], newId(), {
			cancelled: true
		});
		const past = await addEvent(handle.db, [organizer.personId], newId(), {
			startsAt: new Date(now - 5 * 86_400_000),
			endsAt: new Date(now - 4 * 86_400_000)
		});
		const push = (eventId: string, personId = ana.personId) =>
			device(ana).push('registration.create', { id: newId(), eventId, personId });
		expect(await push(open, other.personId)).toBe('forbidden');
		expect(await push(invite)).toBe('forbidden');
		expect(await push(cancelled)).toBe('closed');
		expect(await push(past)).toBe('closed');
		expect(await push(newId())).toBe('not_found');
	});

	it('lets an organizer add someone to an invite-only event, which then reaches them', async () => {
		const invite = await addEvent(handle.db, [organizer.personId], newId(), {
			visibility: 'invite'
		});
		const guest = await addPerson(handle.db);
		const phone = deviceMirror(handle.db, guest);
		await phone.sync();
		expect(phone.rows('events').some((row) => row.id === invite)).toBe(false);
		expect(
			await device(organizer).push('registration.create', {
				id: newId(),
				eventId: invite,
				personId: guest.personId
			})
		).toBeNull();
		await phone.sync();
		expect(phone.rows('events').some((row) => row.id === invite)).toBe(true);
		expect(phone.rows('registrations').find((row) => row.eventId === invite)?.status).toBe(
			'registered'
		);
	});

	it('reactivates a cancelled registration; a revoked one only by an organizer', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const phone = device(attendee);
		const key = { eventId, personId: attendee.personId };
		expect(await phone.push('registration.cancel', key)).toBeNull();
		expect((await registrationOf(eventId, attendee.personId)).status).toBe('cancelled');
		expect(await phone.push('registration.create', { id: newId(), ...key })).toBeNull();
		expect((await registrationOf(eventId, attendee.personId)).status).toBe('registered');

		expect(await device(organizer).push('registration.revoke', key)).toBeNull();
		expect(await phone.push('registration.create', { id: newId(), ...key })).toBe('revoked');
		// Cancelling a revoked ticket does not turn it into a cancelled (re-registrable) one.
		expect(await phone.push('registration.cancel', key)).toBeNull();
		expect((await registrationOf(eventId, attendee.personId)).status).toBe('revoked');
		expect(await device(organizer).push('registration.create', { id: newId(), ...key })).toBeNull();
		expect((await registrationOf(eventId, attendee.personId)).status).toBe('registered');
	});

	it("records the device's id as deleted when the person already had a registration", async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const optimistic = newId();
		await device(attendee).push('registration.create', {
			id: optimistic,
			eventId,
			personId: attendee.personId
		});
		const gone = await handle.db
			.select()
			.from(deletions)
			.where(and(eq(deletions.tableName, 'registrations')));
		expect(gone.some((row) => row.key === optimistic)).toBe(true);
	});
});

describe('registration.cancel and registration.revoke', () => {
	it('frees a seat for the earliest waiting person, on cancel and on revoke', async () => {
		const eventId = await addEvent(handle.db, [organizer.personId], newId(), { capacity: 1 });
		const people = await Promise.all([1, 2, 3].map(() => addPerson(handle.db)));
		for (const person of people) await addRegistration(handle.db, eventId, person.personId);
		const statuses = async () =>
			Promise.all(
				people.map(async (person) => (await registrationOf(eventId, person.personId)).status)
			);
		expect(await statuses()).toEqual(['registered', 'waitlisted', 'waitlisted']);

		const [first, second] = people;
		expect(
			await device(first).push('registration.cancel', { eventId, personId: first.personId })
		).toBeNull();
		expect(await statuses()).toEqual(['cancelled', 'registered', 'waitlisted']);
		expect((await registrationOf(eventId, second.personId)).ticketCode).toMatch(/^GT1\./);

		expect(
			await device(organizer).push('registration.revoke', {
				eventId,
				personId: second.personId
			})
		).toBeNull();
		expect(await statuses()).toEqual(['cancelled', 'revoked', 'registered']);
		expect((await registrationOf(eventId, second.personId)).ticketCode).toBeNull();
	});

	it("refuses cancelling someone else's, revoking by a door helper or the attendee, and a missing one", async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const key = { eventId, personId: attendee.personId };
		const stranger = await addPerson(handle.db);
		expect(await device(stranger).push('registration.cancel', key)).toBe('forbidden');
		expect(await device(helper).push('registration.revoke', key)).toBe('forbidden');
		expect(await device(attendee).push('registration.revoke', key)).toBe('forbidden');
		expect(
			await device(stranger).push('registration.cancel', { eventId, personId: stranger.personId })
		).toBe('not_found');
		expect(
			await device(organizer).push('registration.revoke', {
				eventId,
				personId: stranger.personId
			})
		).toBe('not_found');
		expect((await registrationOf(eventId, attendee.personId)).status).toBe('registered');
	});
});

describe('checkin.record', () => {
	it('lets two doors admit the same person: one check-in, the earliest time, both admissions', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const door1 = device(organizer);
		const door2 = device(helper);
		const early = new Date(now - 120_000).toISOString();
		const late = new Date(now - 60_000).toISOString();
		expect(
			await door2.push(
				'checkin.record',
				checkInArgs(eventId, attendee.personId, {
					checkedInAt: late,
					deviceName: 'Door 2',
					method: 'scan'
				})
			)
		).toBeNull();
		expect(
			await door1.push(
				'checkin.record',
				checkInArgs(eventId, attendee.personId, { checkedInAt: early })
			)
		).toBeNull();
		const row = await checkInOf(eventId, attendee.personId);
		expect(row.checkedInAt.toISOString()).toBe(early);
		expect(row.recordedBy).toBe(organizer.personId);
		expect(row.admissions).toEqual([
			{
				deviceId: door1.deviceId,
				deviceName: 'Door 1',
				recordedBy: organizer.personId,
				at: early,
				method: 'search'
			},
			{
				deviceId: door2.deviceId,
				deviceName: 'Door 2',
				recordedBy: helper.personId,
				at: late,
				method: 'scan'
			}
		]);
		// The attendee's contribution, once.
		const attended = await attendedOf(eventId, attendee.personId);
		expect(attended).toHaveLength(1);
		expect(attended[0]).toMatchObject({
			area: 'events',
			description: (await eventRow(eventId)).title,
			happenedOn: early.slice(0, 10)
		});
	});

	it('refuses strangers, the unregistered and revoked tickets; promotes the waitlisted', async () => {
		const { eventId, attendee } = await eventWithAttendee({ capacity: 1 });
		const stranger = await addPerson(handle.db, ['member', 'organizer']);
		const walker = await addPerson(handle.db);
		const waiting = await addPerson(handle.db);
		await addRegistration(handle.db, eventId, waiting.personId);
		const revoked = await addPerson(handle.db);
		await addRegistration(handle.db, eventId, revoked.personId, { ignoreCapacity: true });
		await device(organizer).push('registration.revoke', { eventId, personId: revoked.personId });

		const door = device(helper);
		expect(
			await device(stranger).push('checkin.record', checkInArgs(eventId, attendee.personId))
		).toBe('forbidden');
		expect(await door.push('checkin.record', checkInArgs(eventId, walker.personId))).toBe(
			'not_registered'
		);
		expect(await door.push('checkin.record', checkInArgs(eventId, revoked.personId))).toBe(
			'revoked'
		);
		expect(await door.push('checkin.record', checkInArgs(newId(), attendee.personId))).toBe(
			'not_found'
		);
		expect(await checkInOf(eventId, revoked.personId)).toBeUndefined();

		expect(await door.push('checkin.record', checkInArgs(eventId, waiting.personId))).toBeNull();
		const promoted = await registrationOf(eventId, waiting.personId);
		expect(promoted.status).toBe('registered');
		expect(promoted.ticketCode).toMatch(/^GT1\./);
		expect(await checkInOf(eventId, waiting.personId)).toBeDefined();
	});

	it("admits a merged id's survivor; refuses registering or admitting a deleted person", async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const alias = await addPerson(handle.db);
		await mergePeople(handle.db, {
			survivorId: attendee.personId,
			mergedId: alias.personId,
			mergedBy: admin.personId
		});
		expect(
			await device(helper).push('checkin.record', checkInArgs(eventId, alias.personId))
		).toBeNull();
		expect(await checkInOf(eventId, attendee.personId)).toBeDefined();

		const gone = await addPersonWithProfile(handle.db, { displayName: 'Gone Person' });
		await deleteAccount(handle.db, gone.personId, 'Gone Person');
		const key = { eventId, personId: gone.personId };
		expect(await device(organizer).push('registration.create', { id: newId(), ...key })).toBe(
			'not_found'
		);
		expect(await device(helper).push('checkin.record', checkInArgs(eventId, gone.personId))).toBe(
			'not_found'
		);
		expect(await registrationOf(eventId, gone.personId)).toBeUndefined();
	});

	it('lets an admin check in anywhere', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		expect(
			await device(admin).push('checkin.record', checkInArgs(eventId, attendee.personId))
		).toBeNull();
	});
});

describe('checkin.undo', () => {
	it("takes back this device's admission within the window, with the attended contribution", async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const door = device(helper);
		const key = { eventId, personId: attendee.personId };
		const at = new Date(Date.now() - 60_000).toISOString();
		await door.push('checkin.record', checkInArgs(eventId, attendee.personId, { checkedInAt: at }));
		expect(await attendedOf(eventId, attendee.personId)).toHaveLength(1);
		// Another device cannot undo an admission it did not make.
		expect(await device(organizer).push('checkin.undo', key)).toBe('not_found');

		expect(await door.push('checkin.undo', key)).toBeNull();
		expect(await checkInOf(eventId, attendee.personId)).toBeUndefined();
		expect(await attendedOf(eventId, attendee.personId)).toHaveLength(0);
		const recorded = await handle.db.select().from(deletions);
		expect(
			recorded.some(
				(row) =>
					row.tableName === 'checkIns' &&
					JSON.stringify(row.key) === JSON.stringify([eventId, attendee.personId])
			)
		).toBe(true);
		expect(recorded.some((row) => row.tableName === 'contributions')).toBe(true);
		expect(await door.push('checkin.undo', key)).toBe('not_found');
	});

	it("keeps the other door's admission, and refuses an undo after the window", async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const [door1, door2] = [device(organizer), device(helper)];
		const key = { eventId, personId: attendee.personId };
		const early = new Date(Date.now() - 10 * 60_000).toISOString();
		const late = new Date(Date.now() - 60_000).toISOString();
		await door1.push(
			'checkin.record',
			checkInArgs(eventId, attendee.personId, { checkedInAt: early })
		);
		await door2.push(
			'checkin.record',
			checkInArgs(eventId, attendee.personId, { checkedInAt: late })
		);
		expect(await door1.push('checkin.undo', key)).toBe('too_late');
		expect(await door2.push('checkin.undo', key)).toBeNull();
		const row = await checkInOf(eventId, attendee.personId);
		expect(row.admissions.map((one) => one.deviceId)).toEqual([door1.deviceId]);
		expect(row.checkedInAt.toISOString()).toBe(early);
		expect(await attendedOf(eventId, attendee.personId)).toHaveLength(1);

		const stranger = await addPerson(handle.db);
		expect(await device(stranger).push('checkin.undo', key)).toBe('forbidden');
	});
});

describe('checkin.walkIn', () => {
	const walkIn = (eventId: string, overrides: Record<string, unknown> = {}) => ({
		eventId,
		personId: newId(),
		registrationId: newId(),
		displayName: 'Noor Haddad',
		email: null,
		checkedInAt: new Date().toISOString(),
		deviceName: 'Door 1',
		...overrides
	});

	it('makes a new person, registered as a walk-in over capacity, and admitted', async () => {
		const { eventId } = await eventWithAttendee({ capacity: 1 });
		const args = walkIn(eventId, { email: 'Noor.Walkin@Example.org' });
		expect(await device(helper).push('checkin.walkIn', args)).toBeNull();
		const [person] = await handle.db.select().from(people).where(eq(people.id, args.personId));
		expect(person).toMatchObject({
			status: 'active',
			displayName: 'Noor Haddad',
			email: 'noor.walkin@example.org',
			roles: ['member']
		});
		expect(await registrationOf(eventId, args.personId)).toMatchObject({
			id: args.registrationId,
			status: 'registered',
			walkIn: true
		});
		const row = await checkInOf(eventId, args.personId);
		expect(row.admissions[0]).toMatchObject({ method: 'walk_in', deviceName: 'Door 1' });
	});

	it('lands on the person a taken email belongs to', async () => {
		const { eventId } = await eventWithAttendee();
		const known = await addPersonWithProfile(handle.db, { email: 'known.walkin@example.org' });
		const args = walkIn(eventId, { email: 'KNOWN.walkin@example.org' });
		expect(await device(organizer).push('checkin.walkIn', args)).toBeNull();
		const [alias] = await handle.db.select().from(people).where(eq(people.id, args.personId));
		expect(alias).toMatchObject({ status: 'merged', mergedInto: known.personId, email: null });
		expect(await registrationOf(eventId, known.personId)).toMatchObject({
			status: 'registered',
			walkIn: true
		});
		expect(await checkInOf(eventId, known.personId)).toBeDefined();
		expect(await checkInOf(eventId, args.personId)).toBeUndefined();
		// The device's later writes under the new id land on them too.
		expect(await device(organizer).push('checkin.undo', { eventId, personId: args.personId })).toBe(
			'not_found'
		); // another device: it did not admit them
	});

	it('re-admits a revoked person only for an organizer; refuses a deleted person', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		await device(organizer).push('registration.revoke', { eventId, personId: attendee.personId });
		const again = walkIn(eventId, { personId: attendee.personId });
		expect(await device(helper).push('checkin.walkIn', again)).toBe('revoked');
		expect(await checkInOf(eventId, attendee.personId)).toBeUndefined();
		expect(await device(organizer).push('checkin.walkIn', again)).toBeNull();
		expect(await registrationOf(eventId, attendee.personId)).toMatchObject({
			status: 'registered',
			walkIn: true
		});

		const gone = await addPersonWithProfile(handle.db, { displayName: 'Gone Walker' });
		await deleteAccount(handle.db, gone.personId, 'Gone Walker');
		expect(
			await device(helper).push('checkin.walkIn', walkIn(eventId, { personId: gone.personId }))
		).toBe('not_found');
	});

	it('refuses someone not at the door', async () => {
		const { eventId } = await eventWithAttendee();
		const stranger = await addPerson(handle.db);
		expect(await device(stranger).push('checkin.walkIn', walkIn(eventId))).toBe('forbidden');
	});
});

describe('checkin.self', () => {
	const selfArgs = (eventId: string, code: string, overrides: Record<string, unknown> = {}) => ({
		eventId,
		registrationId: newId(),
		code,
		checkedInAt: new Date().toISOString(),
		...overrides
	});

	it('checks in a registered attendee with the right code, typed loosely', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const { checkInCode } = await eventRow(eventId);
		const loose = `${checkInCode!.slice(0, 3).toLowerCase()} ${checkInCode!.slice(3)}`;
		const phone = device(attendee);
		expect(await phone.push('checkin.self', selfArgs(eventId, loose))).toBeNull();
		const row = await checkInOf(eventId, attendee.personId);
		expect(row.admissions).toEqual([
			expect.objectContaining({
				deviceId: phone.deviceId,
				deviceName: '',
				method: 'self',
				recordedBy: attendee.personId
			})
		]);
		expect(await attendedOf(eventId, attendee.personId)).toHaveLength(1);
	});

	it('refuses a wrong code, a closed window, a cancelled event and an ended registration', async () => {
		const { eventId, attendee } = await eventWithAttendee();
		const { checkInCode } = await eventRow(eventId);
		const wrong = checkInCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
		const phone = device(attendee);
		expect(await phone.push('checkin.self', selfArgs(eventId, wrong))).toBe('wrong_code');
		expect(await phone.push('checkin.self', selfArgs(eventId, 'nope'))).toBe('wrong_code');

		const later = await addEvent(handle.db, [organizer.personId], newId(), {
			startsAt: new Date(now + 3 * 86_400_000),
			endsAt: new Date(now + 3 * 86_400_000 + 3600_000)
		});
		await addRegistration(handle.db, later, attendee.personId);
		expect(
			await phone.push('checkin.self', selfArgs(later, (await eventRow(later)).checkInCode!))
		).toBe('closed');
		const cancelled = await addEvent(handle.db, [organizer.personId], newId(), {
			cancelled: true
		});
		expect(
			await phone.push(
				'checkin.self',
				selfArgs(cancelled, (await eventRow(cancelled)).checkInCode!)
			)
		).toBe('closed');

		await device(organizer).push('registration.revoke', {
			eventId,
			personId: attendee.personId
		});
		expect(await phone.push('checkin.self', selfArgs(eventId, checkInCode!))).toBe('revoked');
		expect(await checkInOf(eventId, attendee.personId)).toBeUndefined();
	});

	it('registers a walk-in at a community event, but not at an invite-only one', async () => {
		const community = await addEvent(handle.db, [organizer.personId]);
		const invite = await addEvent(handle.db, [organizer.personId], newId(), {
			visibility: 'invite'
		});
		const someone = await addPerson(handle.db);
		const phone = device(someone);
		const args = selfArgs(community, (await eventRow(community)).checkInCode!);
		expect(await phone.push('checkin.self', args)).toBeNull();
		expect(await registrationOf(community, someone.personId)).toMatchObject({
			id: args.registrationId,
			status: 'registered',
			walkIn: true
		});
		expect(
			await phone.push('checkin.self', selfArgs(invite, (await eventRow(invite)).checkInCode!))
		).toBe('not_registered');
	});
});
