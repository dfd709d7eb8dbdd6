/**
 * Registrations as the server decides them: a seat and a signed ticket while the event has
 * room, the waiting list when it is full, and the earliest waiting person promoted when a seat
 * frees. Every write here takes the event row's lock first, so seats are counted by one
 * transaction at a time.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import type { Transaction } from '$lib/server/db';
import { checkIns, events, registrations } from '$lib/server/db/schema';
import { recordDeletion, restampAudience } from '$lib/server/sync/deletions';
import { ticketSigner } from './keys';

export type RegistrationRow = typeof registrations.$inferSelect;
type EventRow = typeof events.$inferSelect;

/** The event, locked for this transaction (seat counts serialise on it); null when unknown. */
export async function lockEvent(tx: Transaction, eventId: string): Promise<EventRow | null> {
	const [event] = await tx.select().from(events).where(eq(events.id, eventId)).for('update');
	return event ?? null;
}

export async function registrationOf(
	tx: Transaction,
	eventId: string,
	personId: string
): Promise<RegistrationRow | null> {
	const [row] = await tx
		.select()
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.personId, personId)))
		.for('update');
	return row ?? null;
}

async function registeredCount(tx: Transaction, eventId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.status, 'registered')));
	return row?.n ?? 0;
}

async function hasSeat(tx: Transaction, event: EventRow): Promise<boolean> {
	return event.capacity === null || (await registeredCount(tx, event.id)) < event.capacity;
}

async function ticketFor(
	tx: Transaction,
	event: EventRow,
	registration: { id: string; personId: string },
	version: number
): Promise<string> {
	return (await ticketSigner(tx, event, version))(registration);
}

export interface RegisterOptions {
	eventId: string;
	/** Already resolved through merges, and active. */
	personId: string;
	/** The id the device made; the server keeps an existing registration's own id. */
	registrationId: string;
	walkIn: boolean;
	version: number;
	/** A walk-in is in the room already: registered whatever the capacity. */
	ignoreCapacity?: boolean;
}

/**
 * Register a person (authorization is the caller's): an active registration stays as it is
 * (re-stamped; a waitlisted one is promoted when capacity is ignored), a cancelled or revoked
 * one is reactivated at the back of the queue, and none is inserted. Registered means a ticket,
 * waitlisted none. When the person already had a registration under another id, the device's
 * id is recorded as deleted so its optimistic copy gives way to the server's.
 */
export async function registerPerson(
	tx: Transaction,
	options: RegisterOptions
): Promise<RegistrationRow> {
	const { eventId, personId, registrationId, walkIn, version } = options;
	const event = await lockEvent(tx, eventId);
	if (!event) throw new Error(`no event ${eventId}`);
	const existing = await registrationOf(tx, eventId, personId);
	if (existing && existing.id !== registrationId)
		await recordDeletion(tx, 'registrations', registrationId, version);

	const seated = async () => options.ignoreCapacity === true || (await hasSeat(tx, event));

	if (existing && (existing.status === 'registered' || existing.status === 'waitlisted')) {
		const promote = existing.status === 'waitlisted' && options.ignoreCapacity === true;
		const needsTicket = existing.status === 'registered' && existing.ticketCode === null;
		const values: Partial<RegistrationRow> = { version };
		if (promote || needsTicket) {
			values.status = 'registered';
			values.ticketCode = await ticketFor(tx, event, existing, version);
		}
		if (walkIn && promote) values.walkIn = true;
		const [row] = await tx
			.update(registrations)
			.set(values)
			.where(eq(registrations.id, existing.id))
			.returning();
		return row;
	}

	const registered = await seated();
	if (existing) {
		const ticketCode = registered ? await ticketFor(tx, event, existing, version) : null;
		const [row] = await tx
			.update(registrations)
			.set({
				status: registered ? 'registered' : 'waitlisted',
				ticketCode,
				walkIn,
				createdAt: new Date(),
				version
			})
			.where(eq(registrations.id, existing.id))
			.returning();
		return row;
	}

	const ticketCode = registered
		? await ticketFor(tx, event, { id: registrationId, personId }, version)
		: null;
	const [row] = await tx
		.insert(registrations)
		.values({
			id: registrationId,
			eventId,
			personId,
			status: registered ? 'registered' : 'waitlisted',
			ticketCode,
			walkIn,
			version
		})
		.returning();
	return row;
}

/**
 * Fill the event's free seats from its waiting list, earliest first, each with a ticket.
 * Returns the promoted registrations.
 */
export async function promoteWaitlist(
	tx: Transaction,
	eventId: string,
	version: number
): Promise<RegistrationRow[]> {
	const event = await lockEvent(tx, eventId);
	if (!event) return [];
	let free =
		event.capacity === null
			? Number.POSITIVE_INFINITY
			: event.capacity - (await registeredCount(tx, eventId));
	if (free <= 0) return [];
	const waiting = await tx
		.select()
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.status, 'waitlisted')))
		.orderBy(asc(registrations.createdAt), asc(registrations.id))
		.limit(Number.isFinite(free) ? free : 100_000)
		.for('update');
	const promoted: RegistrationRow[] = [];
	if (waiting.length === 0) return promoted;
	const sign = await ticketSigner(tx, event, version);
	for (const registration of waiting) {
		if (free <= 0) break;
		const [row] = await tx
			.update(registrations)
			.set({ status: 'registered', ticketCode: sign(registration), version })
			.where(eq(registrations.id, registration.id))
			.returning();
		promoted.push(row);
		free -= 1;
	}
	return promoted;
}

/**
 * End a registration (`cancelled` by the attendee, `revoked` by an organizer): no ticket any
 * more, and a freed seat goes to the waiting list. Returns the row, or null when there is none.
 */
export async function endRegistration(
	tx: Transaction,
	key: { eventId: string; personId: string },
	status: 'cancelled' | 'revoked',
	version: number
): Promise<RegistrationRow | null> {
	await lockEvent(tx, key.eventId);
	const existing = await registrationOf(tx, key.eventId, key.personId);
	if (!existing) return null;
	const [row] = await tx
		.update(registrations)
		.set({ status, ticketCode: null, version })
		.where(eq(registrations.id, existing.id))
		.returning();
	if (existing.status === 'registered') await promoteWaitlist(tx, key.eventId, version);
	return row;
}

/** New tickets for every registered person (the event's window moved). */
export async function reissueTickets(
	tx: Transaction,
	eventId: string,
	version: number
): Promise<void> {
	const event = await lockEvent(tx, eventId);
	if (!event) return;
	const registered = await tx
		.select({ id: registrations.id, personId: registrations.personId })
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.status, 'registered')));
	if (registered.length === 0) return;
	const sign = await ticketSigner(tx, event, version);
	for (const registration of registered)
		await tx
			.update(registrations)
			.set({ ticketCode: sign(registration), version })
			.where(eq(registrations.id, registration.id));
}

/**
 * The event's door staff changed: its attendee list reaches whoever joined, and leaves the
 * devices of whoever left (`revoke`); the remaining staff, and each attendee for their own
 * rows, receive it again in the same page (restampAudience).
 */
export async function restampAttendeeList(
	tx: Transaction,
	eventId: string,
	version: number,
	{ revoke }: { revoke: boolean }
) {
	await restampAudience(tx, 'registrations', eq(registrations.eventId, eventId), version, {
		revoke
	});
	await restampAudience(tx, 'checkIns', eq(checkIns.eventId, eventId), version, { revoke });
}
