/**
 * The public side of events, rendered by the server: the event page (/e/[id]) as one viewer may
 * see it, registering from it (a signed-in member, or a guest by name and email), and the
 * events its calendar feed lists. Who may see an event: public ones anyone, community ones
 * signed-in members, invite-only ones only the people registered for it or running it.
 */
import { and, asc, count, eq, gt, inArray, lt, or } from 'drizzle-orm';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import {
	DEFAULT_PRIVACY,
	MAX_DISPLAY_NAME_LENGTH,
	MAX_EMAIL_LENGTH,
	text,
	type GatherEvent,
	type RegistrationStatus
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { registrationOpen } from '$lib/domain/tickets';
import { canCheckIn, canRegister } from '$lib/domain/permissions';
import type { Database, Transaction } from '$lib/server/db';
import { resolvePerson } from '$lib/server/db/person-ids';
import { credentials, events, people, registrations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { normaliseEmail, normalisedEmailSql } from '$lib/server/people/normalise';
import { notifyVersion } from '$lib/server/sync/changes';
import { toEvent, toPerson } from '$lib/server/sync/rows';
import { registerPerson } from './registrations';

export const eventIdSchema = z.uuid();

type EventRow = typeof events.$inferSelect;
type Executor = Database | Transaction;

/** A registration as its own person sees it on the page. */
export interface OwnRegistration {
	id: string;
	status: RegistrationStatus;
	ticketCode: string | null;
	/** 1 for the next to get a seat; null unless waitlisted. */
	waitlistPosition: number | null;
}

export interface PublicEventView {
	event: GatherEvent;
	/** Display names only (never private), in the order the event lists its organizers. */
	organizers: { id: string; displayName: string }[];
	registered: number;
	waitlisted: number;
	/** Null when the event has no capacity. */
	seatsLeft: number | null;
	/** Started or ended events take no registrations: over means ended. */
	over: boolean;
	/** The viewer's own registration, if they are signed in and have one. */
	registration: OwnRegistration | null;
}

async function registrationRow(db: Executor, eventId: string, personId: string) {
	const [row] = await db
		.select()
		.from(registrations)
		.where(and(eq(registrations.eventId, eventId), eq(registrations.personId, personId)));
	return row ?? null;
}

/** Whether `viewer` may see the event at all (unknown and hidden events answer alike). */
async function maySee(db: Executor, event: EventRow, viewer: Actor | null): Promise<boolean> {
	if (event.visibility === 'public') return true;
	if (viewer === null) return false;
	if (event.visibility === 'community' || canCheckIn(viewer, event)) return true;
	const own = await registrationRow(db, event.id, viewer.personId);
	return own !== null && own.status !== 'revoked';
}

/** Where `registrationId` stands on the event's waiting list (1 = next). */
async function waitlistPosition(db: Executor, eventId: string, registrationId: string) {
	const [own] = await db
		.select({ createdAt: registrations.createdAt })
		.from(registrations)
		.where(eq(registrations.id, registrationId));
	if (!own) return null;
	const [ahead] = await db
		.select({ n: count() })
		.from(registrations)
		.where(
			and(
				eq(registrations.eventId, eventId),
				eq(registrations.status, 'waitlisted'),
				or(
					lt(registrations.createdAt, own.createdAt),
					and(eq(registrations.createdAt, own.createdAt), lt(registrations.id, registrationId))
				)
			)
		);
	return (ahead?.n ?? 0) + 1;
}

export async function ownRegistration(
	db: Executor,
	row: typeof registrations.$inferSelect
): Promise<OwnRegistration> {
	return {
		id: row.id,
		status: row.status,
		ticketCode: row.status === 'registered' ? row.ticketCode : null,
		waitlistPosition:
			row.status === 'waitlisted' ? await waitlistPosition(db, row.eventId, row.id) : null
	};
}

/** The registration as its page shows it: the ticket's QR code drawn here, as an SVG image. */
export async function withTicketQrCode(registration: OwnRegistration) {
	const qrCode = registration.ticketCode
		? `data:image/svg+xml;base64,${Buffer.from(
				await QRCode.toString(registration.ticketCode, {
					type: 'svg',
					errorCorrectionLevel: 'M',
					margin: 2
				})
			).toString('base64')}`
		: null;
	return { ...registration, qrCode };
}

/** The event `eventId` as `viewer` may see it on its public page; null when they may not. */
export async function loadPublicEvent(
	db: Database,
	eventId: string,
	viewer: Actor | null,
	now = new Date()
): Promise<PublicEventView | null> {
	if (!eventIdSchema.safeParse(eventId).success) return null;
	const [row] = await db.select().from(events).where(eq(events.id, eventId));
	if (!row || !(await maySee(db, row, viewer))) return null;

	const organizerRows = row.organizerIds.length
		? await db.select().from(people).where(inArray(people.id, row.organizerIds))
		: [];
	const organizers = row.organizerIds.flatMap((id) => {
		const found = organizerRows.find((person) => person.id === id);
		const person = found && found.status === 'active' ? toPerson(found, viewer) : null;
		return person ? [{ id: person.id, displayName: person.displayName }] : [];
	});

	const counts = await db
		.select({ status: registrations.status, n: count() })
		.from(registrations)
		.where(eq(registrations.eventId, eventId))
		.groupBy(registrations.status);
	const countOf = (status: RegistrationStatus) =>
		counts.find((entry) => entry.status === status)?.n ?? 0;
	const registered = countOf('registered');

	const own = viewer ? await registrationRow(db, eventId, viewer.personId) : null;
	return {
		event: toEvent(row, viewer),
		organizers,
		registered,
		waitlisted: countOf('waitlisted'),
		seatsLeft: row.capacity === null ? null : Math.max(0, row.capacity - registered),
		over: row.endsAt.getTime() <= now.getTime(),
		registration: own ? await ownRegistration(db, own) : null
	};
}

/** Upcoming public events that still happen, soonest first: the calendar feed. */
export async function upcomingPublicEvents(
	db: Database,
	now = new Date(),
	limit = 200
): Promise<GatherEvent[]> {
	const rows = await db
		.select()
		.from(events)
		.where(
			and(eq(events.visibility, 'public'), eq(events.cancelled, false), gt(events.endsAt, now))
		)
		.orderBy(asc(events.startsAt), asc(events.id))
		.limit(limit);
	return rows.map((row) => toEvent(row, null));
}

/** What a guest types: a name and an email address (trimmed, lower-cased like every email). */
export const guestSchema = z.object({
	displayName: text().trim().min(1).max(MAX_DISPLAY_NAME_LENGTH),
	email: z.string().trim().toLowerCase().pipe(z.email().max(MAX_EMAIL_LENGTH))
});
export type Guest = z.infer<typeof guestSchema>;

export type RegistrationOutcome =
	| { kind: 'done'; personId: string; registration: OwnRegistration }
	/** The email belongs to someone who signs in with a passkey: they sign in instead. */
	| { kind: 'sign_in' }
	/** Unknown or not visible to this viewer. */
	| { kind: 'not_found' }
	/** Cancelled or over. */
	| { kind: 'closed' }
	/** Not theirs to take (an invite-only event, or their ticket was revoked). */
	| { kind: 'forbidden' };

export type Registrant = { actor: Actor } | { guest: Guest };

/**
 * Whether someone who signs in with a passkey reads this mailbox under another spelling
 * (J.Doe+events@gmail.com is jdoe@gmail.com): they sign in rather than become a second person.
 */
async function passkeyHolderOfMailbox(tx: Transaction, email: string): Promise<boolean> {
	const [holder] = await tx
		.select({ id: people.id })
		.from(people)
		.innerJoin(credentials, eq(credentials.personId, people.id))
		.where(
			and(eq(people.status, 'active'), eq(normalisedEmailSql(people.email), normaliseEmail(email)))
		)
		.limit(1);
	return holder !== undefined;
}

/**
 * The person a guest's email stands for: an earlier guest (a person without a passkey) is
 * reused, someone with a passkey must sign in, and a new address makes a new person.
 */
async function guestPerson(
	tx: Transaction,
	guest: Guest,
	version: number
): Promise<{ personId: string } | { signIn: true }> {
	// Stored as every email is: trimmed and lower-cased (guestSchema does it; callers may not).
	const email = guest.email.trim().toLowerCase();
	const findByEmail = async () => {
		const [row] = await tx.select({ id: people.id }).from(people).where(eq(people.email, email));
		return row ?? null;
	};
	let found = await findByEmail();
	if (!found && (await passkeyHolderOfMailbox(tx, email))) return { signIn: true };
	if (!found) {
		const [inserted] = await tx
			.insert(people)
			.values({
				id: newId(),
				displayName: guest.displayName.trim(),
				email,
				privacy: DEFAULT_PRIVACY,
				roles: ['member'],
				status: 'active',
				version
			})
			.onConflictDoNothing({ target: people.email })
			.returning({ id: people.id });
		if (inserted) return { personId: inserted.id };
		found = await findByEmail(); // another request made them first
		if (!found) throw new Error('a guest email neither inserted nor found');
	}
	const person = await resolvePerson(tx, found.id);
	if (!person || person.status !== 'active') return { signIn: true };
	const [passkey] = await tx
		.select({ id: credentials.id })
		.from(credentials)
		.where(eq(credentials.personId, person.id))
		.limit(1);
	return passkey ? { signIn: true } : { personId: person.id };
}

/**
 * Register from the public page, in one transaction with one version: a signed-in member
 * registers themself, a guest by name and email. A seat and a signed ticket while there is
 * room, else the waiting list (registrations.ts registerPerson decides). Devices are told to
 * pull (NOTIFY), so the organizers' attendee lists update.
 */
export async function registerFromPage(
	db: Database,
	eventId: string,
	registrant: Registrant,
	now = new Date()
): Promise<RegistrationOutcome> {
	if (!eventIdSchema.safeParse(eventId).success) return { kind: 'not_found' };
	const viewer = 'actor' in registrant ? registrant.actor : null;
	return db.transaction(async (tx) => {
		const [event] = await tx.select().from(events).where(eq(events.id, eventId)).for('update');
		if (!event || !(await maySee(tx, event, viewer))) return { kind: 'not_found' };
		if (!registrationOpen(toEvent(event, viewer), now.getTime())) return { kind: 'closed' };
		const version = await nextVersion(tx);

		let personId: string;
		if ('actor' in registrant) {
			const person = await resolvePerson(tx, registrant.actor.personId);
			if (!person || person.status !== 'active') return { kind: 'forbidden' };
			personId = person.id;
			if (!canRegister(registrant.actor, event, personId)) {
				// An invite-only event's own attendee keeps what they have.
				const own = await registrationRow(tx, eventId, personId);
				if (own && (own.status === 'registered' || own.status === 'waitlisted'))
					return { kind: 'done', personId, registration: await ownRegistration(tx, own) };
				return { kind: 'forbidden' };
			}
		} else {
			if (event.visibility !== 'public') return { kind: 'not_found' };
			const person = await guestPerson(tx, registrant.guest, version);
			if ('signIn' in person) return { kind: 'sign_in' };
			personId = person.personId;
		}

		const existing = await registrationRow(tx, eventId, personId);
		// A revoked ticket is the organizers' decision: only they give it back.
		if (existing?.status === 'revoked') return { kind: 'forbidden' };
		const row = await registerPerson(tx, {
			eventId,
			personId,
			registrationId: existing?.id ?? newId(),
			walkIn: false,
			version
		});
		await notifyVersion(tx, version);
		return { kind: 'done', personId, registration: await ownRegistration(tx, row) };
	});
}
