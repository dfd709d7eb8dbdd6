/**
 * Event secrets and registrations on a real database: keys and codes made once, tickets that
 * verify offline, seats and the waiting list.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { matchesCheckInCode } from '$lib/domain/self-check-in';
import { decodeTicket, toBase64Url, verifyTicket } from '$lib/domain/tickets';
import type { DatabaseHandle } from '$lib/server/db';
import { eventKeys, events, registrations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addEvent, addPerson } from '$lib/server/testing/fixtures';
import { ensureEventSecrets, newCheckInCode } from './keys';
import { endRegistration, registerPerson } from './registrations';

let handle: DatabaseHandle;
let organizer: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	organizer = await addPerson(handle.db, ['member', 'organizer']);
});
afterAll(() => handle?.close());

async function eventRow(eventId: string) {
	const [row] = await handle.db.select().from(events).where(eq(events.id, eventId));
	return row;
}

async function register(eventId: string, personId: string, ignoreCapacity = false) {
	return handle.db.transaction(async (tx) =>
		registerPerson(tx, {
			eventId,
			personId,
			registrationId: newId(),
			walkIn: false,
			version: await nextVersion(tx),
			ignoreCapacity
		})
	);
}

async function setCapacity(eventId: string, capacity: number | null) {
	await handle.db.update(events).set({ capacity }).where(eq(events.id, eventId));
}

describe('ensureEventSecrets', () => {
	it('makes a key pair and a code once, and keeps them', async () => {
		const eventId = await addEvent(handle.db, [organizer.personId]);
		const first = await handle.db.transaction((tx) => ensureEventSecrets(tx, eventId));
		const row = await eventRow(eventId);
		expect(row.publicKey).toBe(first.publicKey);
		expect(row.checkInCode).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
		expect(await matchesCheckInCode(row, row.checkInCode!)).toBe(true);
		expect(await matchesCheckInCode(row, 'AAAAAA')).toBe(row.checkInCode === 'AAAAAA');
		const [key] = await handle.db.select().from(eventKeys).where(eq(eventKeys.eventId, eventId));
		expect(key.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const again = await handle.db.transaction((tx) => ensureEventSecrets(tx, eventId));
		expect(again.publicKey).toBe(first.publicKey);
		expect((await eventRow(eventId)).checkInCode).toBe(row.checkInCode);
	});

	it('draws codes from the whole alphabet', () => {
		const seen = new Set(Array.from({ length: 400 }, () => newCheckInCode()).join(''));
		expect(seen.size).toBeGreaterThan(25);
	});
});

describe('registerPerson', () => {
	it('gives a registered person a ticket that verifies with the event key; a tampered one does not', async () => {
		const eventId = await addEvent(handle.db, [organizer.personId]);
		const person = await addPerson(handle.db);
		const registration = await register(eventId, person.personId);
		expect(registration.status).toBe('registered');
		const event = await eventRow(eventId);
		const now = Date.now();
		const check = await verifyTicket(registration.ticketCode!, event, now);
		expect(check).toEqual({
			ok: true,
			claims: expect.objectContaining({
				eventId,
				registrationId: registration.id,
				personId: person.personId
			})
		});

		const decoded = decodeTicket(registration.ticketCode!)!;
		const bytes = new Uint8Array([...decoded.message, ...decoded.signature]);
		bytes[40] ^= 1; // another person's id, same signature
		expect(await verifyTicket(`GT1.${toBase64Url(bytes)}`, event, now)).toMatchObject({
			ok: false,
			problem: 'forged'
		});
		const other = await addEvent(handle.db, [organizer.personId]);
		await handle.db.transaction((tx) => ensureEventSecrets(tx, other));
		expect(
			await verifyTicket(registration.ticketCode!, { ...(await eventRow(other)), id: eventId }, now)
		).toMatchObject({ ok: false, problem: 'forged' });
	});

	it('waitlists when full, ignores capacity for walk-ins, promotes the earliest on a freed seat', async () => {
		const eventId = await addEvent(handle.db, [organizer.personId]);
		await setCapacity(eventId, 1);
		const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => addPerson(handle.db)));
		expect((await register(eventId, a.personId)).status).toBe('registered');
		const waitingB = await register(eventId, b.personId);
		expect(waitingB).toMatchObject({ status: 'waitlisted', ticketCode: null });
		expect((await register(eventId, c.personId)).status).toBe('waitlisted');
		expect((await register(eventId, d.personId, true)).status).toBe('registered');

		// Registering again changes nothing but the version.
		const again = await register(eventId, b.personId);
		expect(again).toMatchObject({ id: waitingB.id, status: 'waitlisted' });

		await handle.db.transaction(async (tx) =>
			endRegistration(tx, { eventId, personId: a.personId }, 'cancelled', await nextVersion(tx))
		);
		// Two registered (a walk-in over capacity) when a left: still full, nobody promoted.
		const rows = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.eventId, eventId));
		const statusOf = (actor: Actor) => rows.find((row) => row.personId === actor.personId)?.status;
		expect([a, b, c, d].map(statusOf)).toEqual([
			'cancelled',
			'waitlisted',
			'waitlisted',
			'registered'
		]);

		await handle.db.transaction(async (tx) =>
			endRegistration(tx, { eventId, personId: d.personId }, 'revoked', await nextVersion(tx))
		);
		const after = await handle.db
			.select()
			.from(registrations)
			.where(eq(registrations.eventId, eventId));
		const byPerson = new Map(after.map((row) => [row.personId, row]));
		expect(byPerson.get(b.personId)?.status).toBe('registered');
		expect(byPerson.get(b.personId)?.ticketCode).toMatch(/^GT1\./);
		expect(byPerson.get(c.personId)?.status).toBe('waitlisted');
		expect(byPerson.get(d.personId)).toMatchObject({ status: 'revoked', ticketCode: null });

		// A cancelled registration comes back (at the back of the queue: full, so waitlisted).
		const back = await register(eventId, a.personId);
		expect(back).toMatchObject({ status: 'waitlisted', ticketCode: null });
	});
});
