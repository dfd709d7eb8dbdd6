/**
 * The event mutations on the device (fake-indexeddb, real Dexie): what each writes, what it
 * refuses (with nothing written), that a rebase re-running it changes nothing, and what
 * discarding a refused one takes away.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { GatherEvent } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import {
	UNDO_CHECK_IN_MS,
	type MutationArgs,
	type MutationInput,
	type MutationName
} from '$lib/domain/mutations';
import type { GatherDatabase } from './db';
import { discardEntry, reapplyEntry, runMutation } from './mutations';
import { eventRow, personRow, registrationRow } from './testing/events';
import { atTime, device } from './testing/harness';

let db: GatherDatabase;
let organizer: Actor;
let helper: Actor;
let member: Actor;
let event: GatherEvent;

beforeEach(async () => {
	db = device();
	organizer = { personId: newId(), roles: ['member', 'organizer'] };
	helper = { personId: newId(), roles: ['member'] };
	member = { personId: newId(), roles: ['member'] };
	event = eventRow([organizer.personId], { doorIds: [helper.personId] });
	await db.events.put(event);
	await db.people.bulkPut(
		[organizer, helper, member].map((actor) =>
			personRow({ id: actor.personId, displayName: `P ${actor.personId.slice(0, 4)}` })
		)
	);
});

function run<Name extends MutationName>(as: Actor, name: Name, args: MutationInput<Name>) {
	return runMutation(db, as, name, args);
}

function record(personId: string, fields: Partial<MutationArgs<'checkin.record'>> = {}) {
	return {
		eventId: event.id,
		personId,
		checkedInAt: new Date(Date.now() - 1000).toISOString(),
		deviceName: 'Door 1',
		method: 'scan' as const,
		...fields
	};
}

/** Run every queued write again, as a rebase over pulled rows does. */
async function rebase(as: Actor) {
	const deviceId = await db.deviceId();
	await db.transaction('rw', [...db.mirroredTables, db.outbox, db.meta], async () => {
		for (const entry of await db.outbox.toArray()) await reapplyEntry(db, as, deviceId, entry);
	});
}

describe('checkin.record on the device', () => {
	it('records this device’s admission, once however often it is re-applied', async () => {
		await db.registrations.put(registrationRow(event.id, member.personId));
		await run(helper, 'checkin.record', record(member.personId));
		await rebase(helper);
		await rebase(helper);
		const row = await db.checkIns.get([event.id, member.personId]);
		expect(row).toMatchObject({ recordedBy: helper.personId, version: 0 });
		expect(row?.admissions).toEqual([
			expect.objectContaining({
				deviceId: await db.deviceId(),
				deviceName: 'Door 1',
				recordedBy: helper.personId,
				method: 'scan'
			})
		]);
	});

	it('refuses a revoked or cancelled registration, writing nothing', async () => {
		await db.registrations.put(registrationRow(event.id, member.personId, { status: 'revoked' }));
		await expect(run(organizer, 'checkin.record', record(member.personId))).rejects.toMatchObject({
			reason: 'revoked'
		});
		expect(await db.checkIns.count()).toBe(0);
		expect(await db.outbox.count()).toBe(0);
	});

	it('refuses someone who does not run the door of this event', async () => {
		await expect(run(member, 'checkin.record', record(organizer.personId))).rejects.toMatchObject({
			reason: 'forbidden'
		});
	});

	it('admits a person whose registration has not synced (the server decides)', async () => {
		await run(organizer, 'checkin.record', record(member.personId));
		expect(await db.checkIns.get([event.id, member.personId])).toBeDefined();
	});

	it('gives a waitlisted person the seat the door let them into', async () => {
		const registration = registrationRow(event.id, member.personId, { status: 'waitlisted' });
		await db.registrations.put(registration);
		await run(organizer, 'checkin.record', record(member.personId, { method: 'search' }));
		expect((await db.registrations.get(registration.id))?.status).toBe('registered');
	});

	it('lands on the person an old id was merged into', async () => {
		const old = personRow({ status: 'merged', mergedInto: member.personId });
		await db.people.put(old);
		await run(organizer, 'checkin.record', record(old.id));
		expect(await db.checkIns.get([event.id, member.personId])).toBeDefined();
		expect(await db.checkIns.get([event.id, old.id])).toBeUndefined();
	});

	it('keeps the earliest time and both admissions over another door’s check-in', async () => {
		const otherDevice = newId();
		const early = new Date(Date.now() - 60_000).toISOString();
		await db.checkIns.put({
			eventId: event.id,
			personId: member.personId,
			checkedInAt: early,
			recordedBy: organizer.personId,
			admissions: [
				{
					deviceId: otherDevice,
					deviceName: 'Door 2',
					recordedBy: organizer.personId,
					at: early,
					method: 'search'
				}
			],
			version: 5
		});
		await run(helper, 'checkin.record', record(member.personId));
		const row = await db.checkIns.get([event.id, member.personId]);
		expect(row).toMatchObject({ checkedInAt: early, recordedBy: organizer.personId, version: 5 });
		expect(row?.admissions.map((admission) => admission.deviceName)).toEqual(['Door 2', 'Door 1']);
	});

	it('takes away a check-in the server never had when it refuses the write', async () => {
		const entry = await run(organizer, 'checkin.record', record(member.personId));
		await discardEntry(db, organizer, entry);
		expect(await db.checkIns.count()).toBe(0);
	});
});

describe('checkin.undo on the device', () => {
	it('removes this device’s admission, and the check-in when nobody else admitted them', async () => {
		await run(organizer, 'checkin.record', record(member.personId));
		await run(organizer, 'checkin.undo', { eventId: event.id, personId: member.personId });
		expect(await db.checkIns.count()).toBe(0);
		await rebase(organizer);
		expect(await db.checkIns.count()).toBe(0);
	});

	it('is too late after the undo window, and finds nothing to undo on another device', async () => {
		const at = Date.now();
		await atTime(at, () => run(organizer, 'checkin.record', record(member.personId)));
		await expect(
			atTime(at + UNDO_CHECK_IN_MS + 5000, () =>
				run(organizer, 'checkin.undo', { eventId: event.id, personId: member.personId })
			)
		).rejects.toMatchObject({ reason: 'too_late' });
		await expect(
			run(organizer, 'checkin.undo', { eventId: event.id, personId: organizer.personId })
		).rejects.toMatchObject({ reason: 'not_found' });
	});
});

describe('checkin.walkIn on the device', () => {
	const walkIn = (fields: Partial<MutationArgs<'checkin.walkIn'>> = {}) => ({
		eventId: event.id,
		personId: newId(),
		registrationId: newId(),
		displayName: 'Noor Haddad',
		email: 'noor@example.org',
		checkedInAt: new Date(Date.now() - 1000).toISOString(),
		deviceName: 'Door 1',
		...fields
	});

	it('makes the person, a walk-in registration and the check-in; a refusal takes them away', async () => {
		const args = walkIn();
		const entry = await run(helper, 'checkin.walkIn', args);
		await rebase(helper);
		expect(await db.people.get(args.personId)).toMatchObject({
			displayName: 'Noor Haddad',
			status: 'active',
			version: 0
		});
		expect(await db.registrations.get(args.registrationId)).toMatchObject({
			personId: args.personId,
			status: 'registered',
			walkIn: true
		});
		expect((await db.checkIns.get([event.id, args.personId]))?.admissions[0].method).toBe(
			'walk_in'
		);
		await discardEntry(db, helper, entry);
		expect(await db.people.get(args.personId)).toBeUndefined();
		expect(await db.registrations.get(args.registrationId)).toBeUndefined();
		expect(await db.checkIns.count()).toBe(0);
	});

	it('lands on the person who already has the email, and a refusal takes it off them', async () => {
		await db.people.update(member.personId, { email: 'Noor@Example.org' });
		const args = walkIn();
		const entry = await run(organizer, 'checkin.walkIn', args);
		await rebase(organizer);
		expect(await db.people.get(args.personId)).toMatchObject({
			status: 'merged',
			mergedInto: member.personId,
			email: null
		});
		expect(await db.registrations.get(args.registrationId)).toMatchObject({
			personId: member.personId
		});
		expect(await db.checkIns.get([event.id, member.personId])).toBeDefined();
		expect(await db.checkIns.count()).toBe(1);
		// Refused: the check-in made on them goes too, and the id that stood for them.
		await discardEntry(db, organizer, entry);
		expect(await db.checkIns.count()).toBe(0);
		expect(await db.registrations.get(args.registrationId)).toBeUndefined();
		expect(await db.people.get(args.personId)).toBeUndefined();
		expect(await db.people.get(member.personId)).toBeDefined();
	});
});

describe('checkin.self on the device', () => {
	const self = (code = 'ABC234') => ({
		eventId: event.id,
		registrationId: newId(),
		code,
		checkedInAt: new Date(Date.now() - 1000).toISOString()
	});

	it('checks the attendee in, registering them at the door of a community event', async () => {
		const args = self();
		await run(member, 'checkin.self', args);
		expect(await db.registrations.get(args.registrationId)).toMatchObject({
			personId: member.personId,
			walkIn: true
		});
		expect((await db.checkIns.get([event.id, member.personId]))?.admissions[0]).toMatchObject({
			method: 'self',
			deviceName: '',
			recordedBy: member.personId
		});
	});

	it('refuses an invite-only event they are not on, a closed door, a revoked ticket', async () => {
		await db.events.put({ ...event, visibility: 'invite' });
		await expect(run(member, 'checkin.self', self())).rejects.toMatchObject({
			reason: 'not_registered'
		});
		await db.events.put({
			...event,
			startsAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
			endsAt: new Date(Date.now() + 4 * 86400_000).toISOString()
		});
		await expect(run(member, 'checkin.self', self())).rejects.toMatchObject({ reason: 'closed' });
		await db.events.put(event);
		await db.registrations.put(registrationRow(event.id, member.personId, { status: 'revoked' }));
		await expect(run(member, 'checkin.self', self())).rejects.toMatchObject({ reason: 'revoked' });
		expect(await db.checkIns.count()).toBe(0);
	});

	it('refuses a wrong code on a device that holds the code', async () => {
		await db.events.put({ ...event, checkInCode: 'ABC234' });
		await expect(run(member, 'checkin.self', self('XYZ789'))).rejects.toMatchObject({
			reason: 'wrong_code'
		});
		await run(member, 'checkin.self', self('abc-234'));
		expect(await db.checkIns.count()).toBe(1);
	});
});

describe('event.save on the device', () => {
	const saveArgs = (from: GatherEvent) => {
		const { publicKey, checkInCode, checkInCodeHash, createdAt, version, ...args } = from;
		void [publicKey, checkInCode, checkInCodeHash, createdAt, version];
		return args;
	};

	it('creates an organizer’s event without the server-made key and code', async () => {
		const created = eventRow([organizer.personId]);
		const entry = await run(organizer, 'event.save', saveArgs(created));
		expect(await db.events.get(created.id)).toMatchObject({
			publicKey: null,
			checkInCodeHash: null,
			version: 0
		});
		await expect(
			run(member, 'event.save', saveArgs(eventRow([member.personId])))
		).rejects.toMatchObject({ reason: 'forbidden' });
		await discardEntry(db, organizer, entry);
		expect(await db.events.get(created.id)).toBeUndefined();
	});

	it('edits a synced event keeping its key; only its organizers may', async () => {
		await db.events.put({ ...event, publicKey: 'key', checkInCodeHash: 'hash' });
		await run(organizer, 'event.save', { ...saveArgs(event), title: 'Renamed' });
		expect(await db.events.get(event.id)).toMatchObject({
			title: 'Renamed',
			publicKey: 'key',
			checkInCodeHash: 'hash',
			version: 1
		});
		await expect(
			run(helper, 'event.save', { ...saveArgs(event), title: 'Mine now' })
		).rejects.toMatchObject({ reason: 'forbidden' });
	});
});

describe('registrations on the device', () => {
	it('registers while seats are free, then waitlists', async () => {
		await db.events.put({ ...event, capacity: 1 });
		const first = newId();
		await run(member, 'registration.create', {
			id: first,
			eventId: event.id,
			personId: member.personId
		});
		await run(helper, 'registration.create', {
			id: newId(),
			eventId: event.id,
			personId: helper.personId
		});
		await rebase(member);
		expect(await db.registrations.get(first)).toMatchObject({
			status: 'registered',
			ticketCode: null,
			version: 0
		});
		const waiting = await db.registrations
			.where('[eventId+personId]')
			.equals([event.id, helper.personId])
			.first();
		expect(waiting?.status).toBe('waitlisted');
	});

	it('refuses a cancelled event, an invite-only one, and a revoked registration', async () => {
		const args = { id: newId(), eventId: event.id, personId: member.personId };
		await db.events.put({ ...event, cancelled: true });
		await expect(run(member, 'registration.create', args)).rejects.toMatchObject({
			reason: 'closed'
		});
		await db.events.put({ ...event, visibility: 'invite' });
		await expect(run(member, 'registration.create', args)).rejects.toMatchObject({
			reason: 'forbidden'
		});
		await db.events.put(event);
		const revoked = registrationRow(event.id, member.personId, { status: 'revoked' });
		await db.registrations.put(revoked);
		await expect(run(member, 'registration.create', args)).rejects.toMatchObject({
			reason: 'revoked'
		});
		// An organizer may take them back.
		await run(organizer, 'registration.create', args);
		expect((await db.registrations.get(revoked.id))?.status).toBe('registered');
	});

	it('cancels one’s own, revokes as an organizer only', async () => {
		const registration = registrationRow(event.id, member.personId, { ticketCode: 'GT1.ticket' });
		await db.registrations.put(registration);
		const ref = { eventId: event.id, personId: member.personId };
		await expect(run(helper, 'registration.revoke', ref)).rejects.toMatchObject({
			reason: 'forbidden'
		});
		await expect(run(helper, 'registration.cancel', ref)).rejects.toMatchObject({
			reason: 'forbidden'
		});
		await run(organizer, 'registration.revoke', ref);
		expect(await db.registrations.get(registration.id)).toMatchObject({
			status: 'revoked',
			ticketCode: null
		});
		await db.registrations.put(registration);
		await run(member, 'registration.cancel', ref);
		expect((await db.registrations.get(registration.id))?.status).toBe('cancelled');
	});
});
