/**
 * The conflict rules as the server applies them: check-ins merge, awards stay unique, profile
 * fields resolve by clock, and a refused write re-stamps what its author changed optimistically.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { awards, checkIns, people, rejectedMutations } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addBadge,
	addEvent,
	addPerson,
	addRegistration,
	checkInArgs
} from '$lib/server/testing/fixtures';
import { mergePeople } from '$lib/server/people/merge';
import { handlePull } from './pull';
import { handlePush } from './push';

let handle: DatabaseHandle;
let organizer: Actor;
let attendee: Actor;
let eventId: string;
let badgeId: string;
const now = Date.now();

beforeAll(async () => {
	handle = await createTestDatabase();
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	attendee = await addPerson(handle.db);
	eventId = await addEvent(handle.db, [organizer.personId]);
	badgeId = await addBadge(handle.db);
});
afterAll(() => handle?.close());

/** A device pushing one mutation at a time, counting its own mutationIds. */
function device(actor: Actor, node: string) {
	const deviceId = newId();
	let mutationId = 0;
	return {
		deviceId,
		push(name: string, args: unknown, millis = now) {
			const mutation: PushedMutation = {
				mutationId: ++mutationId,
				name,
				args,
				hlc: encodeHlc({ millis, counter: 0, node })
			};
			return handlePush(handle.db, actor, { deviceId, mutations: [mutation] });
		}
	};
}

async function checkInOf(personId: string) {
	const [row] = await handle.db
		.select()
		.from(checkIns)
		.where(and(eq(checkIns.eventId, eventId), eq(checkIns.personId, personId)));
	return row;
}

async function personRow(personId: string) {
	const [row] = await handle.db.select().from(people).where(eq(people.id, personId));
	if (!row) throw new Error('no such person');
	return row;
}

describe('checkin.record', () => {
	it('merges two doors: the earliest time wins and both devices are kept, in either order', async () => {
		const early = new Date(now - 600_000).toISOString();
		const late = new Date(now - 60_000).toISOString();
		for (const order of [
			[late, early],
			[early, late]
		]) {
			const person = await addPerson(handle.db);
			await addRegistration(handle.db, eventId, person.personId);
			const doors = [device(organizer, 'door1'), device(organizer, 'door2')];
			for (const [index, checkedInAt] of order.entries())
				await doors[index].push(
					'checkin.record',
					checkInArgs(eventId, person.personId, { checkedInAt })
				);
			const row = await checkInOf(person.personId);
			expect(row?.checkedInAt.toISOString()).toBe(early);
			expect(row?.admissions.map((admission) => admission.deviceId).sort()).toEqual(
				doors.map((door) => door.deviceId).sort()
			);
		}
	});

	it("refuses a check-in at someone else's event, and one after the write's own clock", async () => {
		const volunteer = await addPerson(handle.db, ['member', 'organizer']);
		const door = device(volunteer, 'other');
		const someone = await addPerson(handle.db);
		await addRegistration(handle.db, eventId, someone.personId);
		const forbidden = await door.push(
			'checkin.record',
			checkInArgs(eventId, someone.personId, { checkedInAt: new Date(now).toISOString() })
		);
		const future = await device(organizer, 'door3').push(
			'checkin.record',
			checkInArgs(eventId, someone.personId, {
				checkedInAt: new Date(now + 60_000).toISOString()
			})
		);
		expect([forbidden.rejected, future.rejected]).toEqual([1, 1]);
		expect(await checkInOf(someone.personId)).toBeUndefined();
	});
});

describe('profile.update', () => {
	it('keeps, per field, the write with the newest clock whatever the arrival order', async () => {
		const phone = device(attendee, 'phone');
		const laptop = device(attendee, 'laptop');
		const personId = attendee.personId;
		await phone.push(
			'profile.update',
			{ personId, changes: { city: 'Lyon', bio: 'new' } },
			now - 1000
		);
		await laptop.push('profile.update', { personId, changes: { city: 'Paris' } }, now - 5000);
		await laptop.push(
			'profile.update',
			{ personId, changes: { pronouns: 'they/them' } },
			now - 5000
		);
		const row = await personRow(personId);
		expect([row.city, row.bio, row.pronouns]).toEqual(['Lyon', 'new', 'they/them']);
		expect(row.fieldClocks.city).toBe(encodeHlc({ millis: now - 1000, counter: 0, node: 'phone' }));
	});

	it("re-stamps the person when an edit is refused, so the author's device gets the truth back", async () => {
		const someone = await addPerson(handle.db);
		const before = await personRow(someone.personId);
		const intruder = device(attendee, 'intruder');
		const response = await intruder.push('profile.update', {
			personId: someone.personId,
			changes: { displayName: 'Hijacked' }
		});
		expect(response.rejected).toBe(1);
		const after = await personRow(someone.personId);
		expect(after.displayName).toBe(before.displayName);
		// Nothing changed, but the row is sent again to whoever holds an optimistic copy.
		expect(after.version).toBeGreaterThan(before.version);
		const [rejection] = await handle.db
			.select()
			.from(rejectedMutations)
			.where(eq(rejectedMutations.deviceId, intruder.deviceId));
		expect(rejection?.reason).toBe('forbidden');
	});
});

describe('award.grant', () => {
	it('keeps one award per badge and person: the earliest, in either order', async () => {
		const mentor = await addPerson(handle.db, ['member', 'mentor']);
		const grants = [
			{ by: device(organizer, 'o1'), evidence: 'first', at: now - 9000 },
			{ by: device(mentor, 'm1'), evidence: 'second', at: now - 1000 }
		];
		for (const order of [grants, [...grants].reverse()]) {
			const person = await addPerson(handle.db);
			for (const grant of order)
				await grant.by.push(
					'award.grant',
					{ badgeId, personId: person.personId, evidence: grant.evidence },
					grant.at
				);
			const rows = await handle.db
				.select()
				.from(awards)
				.where(and(eq(awards.badgeId, badgeId), eq(awards.personId, person.personId)));
			expect(rows).toHaveLength(1);
			expect(rows[0]).toMatchObject({ awardedBy: organizer.personId, evidence: 'first' });
		}
	});

	it("sends the giver's award back to the giver's devices", async () => {
		const person = await addPerson(handle.db);
		const giver = device(organizer, 'giver');
		await giver.push('award.grant', { badgeId, personId: person.personId, evidence: null });
		const page = await handlePull(handle.db, organizer, {
			deviceId: giver.deviceId,
			cursor: 0,
			limit: 5000
		});
		expect(page.changes.awards.filter((row) => row.personId === person.personId)).toHaveLength(1);
	});

	it('refuses an award by a member and of a badge that does not exist', async () => {
		const member = device(attendee, 'member');
		const byMember = await member.push('award.grant', {
			badgeId,
			personId: organizer.personId,
			evidence: null
		});
		const missing = await device(organizer, 'o2').push('award.grant', {
			badgeId: newId(),
			personId: attendee.personId,
			evidence: null
		});
		expect([byMember.rejected, missing.rejected]).toEqual([1, 1]);
	});
});

describe('writes about a merged or deleted person', () => {
	it('lands a check-in and an award for a merged id on the survivor', async () => {
		const survivor = await addPerson(handle.db);
		const duplicate = await addPerson(handle.db);
		await addRegistration(handle.db, eventId, duplicate.personId);
		await mergePeople(handle.db, {
			survivorId: survivor.personId,
			mergedId: duplicate.personId,
			mergedBy: organizer.personId
		});
		const door = device(organizer, 'door');
		const checkedInAt = new Date(now - 60_000).toISOString();
		expect(
			await door.push('checkin.record', checkInArgs(eventId, duplicate.personId, { checkedInAt }))
		).toMatchObject({ applied: 1, rejected: 0 });
		expect(
			await door.push('award.grant', { badgeId, personId: duplicate.personId, evidence: null })
		).toMatchObject({ applied: 1, rejected: 0 });
		expect(await checkInOf(duplicate.personId)).toBeUndefined();
		expect((await checkInOf(survivor.personId))?.checkedInAt.toISOString()).toBe(checkedInAt);
		const survivorAwards = await handle.db
			.select()
			.from(awards)
			.where(eq(awards.personId, survivor.personId));
		expect(survivorAwards.map((award) => award.badgeId)).toEqual([badgeId]);
	});

	it('refuses a check-in for a deleted person as not found', async () => {
		const gone = await addPerson(handle.db);
		await handle.db.update(people).set({ status: 'deleted' }).where(eq(people.id, gone.personId));
		const door = device(organizer, 'door2');
		const checkedInAt = new Date(now - 60_000).toISOString();
		expect(
			await door.push('checkin.record', checkInArgs(eventId, gone.personId, { checkedInAt }))
		).toMatchObject({ applied: 0, rejected: 1 });
		const [refusal] = await handle.db
			.select()
			.from(rejectedMutations)
			.where(eq(rejectedMutations.deviceId, door.deviceId));
		expect(refusal.reason).toBe('not_found');
	});

	it('refuses awarding a badge to oneself', async () => {
		const mentor = await addPerson(handle.db, ['member', 'mentor']);
		const phone = device(mentor, 'mentor');
		expect(
			await phone.push('award.grant', { badgeId, personId: mentor.personId, evidence: null })
		).toMatchObject({ applied: 0, rejected: 1 });
	});
});
