/**
 * End-to-end tests and benchmarks only: a whole event in one write — running now, thousands of
 * attendees with real signed tickets, some revoked — so a test can start at the door instead of
 * registering people one by one. Offered by POST /api/test/events on a server started with
 * GATHER_TEST_SIGNIN=on (like the test sign-in), a 404 anywhere else.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { newId } from '$lib/domain/ids';
import type { Database, Transaction } from '$lib/server/db';
import { checkIns, events, people, registrations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { ticketSigner } from './keys';

export const MAX_TEST_ATTENDEES = 20_000;

const emailAddress = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const testEventRequestSchema = z
	.object({
		attendees: z.number().int().min(0).max(MAX_TEST_ATTENDEES),
		/** The event's organizer; the first of organizerIds. */
		organizerEmail: emailAddress,
		/** More organizers (a second phone at the door run by a co-organizer). */
		coOrganizerEmails: z.array(emailAddress).max(10).default([]),
		/** Door helpers: they check people in and nothing else. */
		doorEmails: z.array(emailAddress).max(10).default([]),
		/** How many of the attendees (the last ones) an organizer revoked. */
		revoked: z.number().int().min(0).default(0),
		capacity: z.number().int().positive().max(1_000_000).nullable().default(null),
		/** Negative: started that long ago. The event lasts three hours. */
		startsInMinutes: z
			.number()
			.int()
			.min(-7 * 24 * 60)
			.max(365 * 24 * 60)
			.default(-30)
	})
	.refine((request) => request.revoked <= request.attendees, {
		message: 'revoked cannot exceed attendees',
		path: ['revoked']
	});
export type TestEventRequest = z.input<typeof testEventRequestSchema>;

export interface TestAttendee {
	personId: string;
	registrationId: string;
	name: string;
	email: string;
	/** The signed QR payload; a revoked attendee's is kept here though the server forgot it. */
	ticket: string;
}

export interface TestEvent {
	eventId: string;
	/** The self check-in code shown at the venue. */
	code: string;
	attendees: TestAttendee[];
	revoked: TestAttendee[];
}

export class UnknownEmailError extends Error {
	constructor(readonly email: string) {
		super(`No person with the email ${email}`);
	}
}

const FIRST_NAMES = [
	'Ana', 'Ali', 'Amaya', 'Bilal', 'Carmen', 'Chen', 'Dario', 'Deepa', 'Emeka', 'Esra',
	'Farah', 'Felipe', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jonas', 'Joy', 'Kavya',
	'Kofi', 'Lara', 'Leon', 'Mai', 'Mateo', 'Nadia', 'Nia', 'Omar', 'Olga', 'Priya',
	'Quinn', 'Rafael', 'Rin', 'Sara', 'Sione', 'Tariq', 'Tomás', 'Uma', 'Vera', 'Wen',
	'Ximena', 'Yara', 'Yusuf', 'Zainab', 'Zoltan', 'Aiko', 'Bruno', 'Chioma', 'Diego', 'Elif'
]; // prettier-ignore
const LAST_NAMES = [
	'Abe', 'Adeyemi', 'Alves', 'Bakker', 'Banerjee', 'Castro', 'Costa', 'Dubois', 'Eze', 'Fischer',
	'Fujita', 'García', 'Gómez', 'Haddad', 'Hansen', 'Ibrahim', 'Ito', 'Jensen', 'Kaya', 'Khan',
	'Kim', 'Kowalski', 'Larsen', 'López', 'Mensah', 'Moreau', 'Müller', 'Nakamura', 'Nguyen', 'Novak',
	'Okafor', 'Oliveira', 'Park', 'Pereira', 'Petrov', 'Popescu', 'Quispe', 'Rossi', 'Sato', 'Schmidt',
	'Silva', 'Singh', 'Suzuki', 'Tanaka', 'Torres', 'Tran', 'Umar', 'Vargas', 'Wang', 'Yilmaz',
	'Zhang', 'Ziegler', 'Andersen', 'Bianchi', 'Cruz', 'Demir', 'Ferreira', 'Hoang', 'Kariuki', 'Mwangi'
]; // prettier-ignore

/** A distinct, searchable name per index (3,000 before a number is needed to keep them apart). */
export function attendeeName(index: number): string {
	const first = FIRST_NAMES[index % FIRST_NAMES.length];
	const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length];
	const round = Math.floor(index / (FIRST_NAMES.length * LAST_NAMES.length));
	return round === 0 ? `${first} ${last}` : `${first} ${last} ${round + 1}`;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest row here. */
const CHUNK = 2_000;

async function insertChunked<Row>(rows: Row[], insert: (chunk: Row[]) => Promise<unknown>) {
	for (let start = 0; start < rows.length; start += CHUNK)
		await insert(rows.slice(start, start + CHUNK));
}

async function idsByEmail(tx: Transaction, emails: string[]): Promise<Map<string, string>> {
	if (emails.length === 0) return new Map();
	const rows = await tx
		.select({ id: people.id, email: people.email })
		.from(people)
		.where(and(inArray(people.email, emails), eq(people.status, 'active')));
	const found = new Map(rows.map((row) => [row.email!, row.id]));
	for (const email of emails) if (!found.has(email)) throw new UnknownEmailError(email);
	return found;
}

/** Create the event, its people, registrations and tickets, all stamped with one version. */
export async function createTestEvent(db: Database, input: TestEventRequest): Promise<TestEvent> {
	const request = testEventRequestSchema.parse(input);
	return db.transaction(async (tx) => {
		const staff = await idsByEmail(tx, [
			...new Set([request.organizerEmail, ...request.coOrganizerEmails, ...request.doorEmails])
		]);
		const organizerIds = [
			...new Set([request.organizerEmail, ...request.coOrganizerEmails].map((e) => staff.get(e)!))
		];
		const doorIds = request.doorEmails
			.map((email) => staff.get(email)!)
			.filter((id) => !organizerIds.includes(id));

		const version = await nextVersion(tx);
		const eventId = newId();
		const startsAt = new Date(Date.now() + request.startsInMinutes * 60_000);
		const endsAt = new Date(startsAt.getTime() + 3 * 3600_000);
		await tx.insert(events).values({
			id: eventId,
			title: `Door test ${eventId.slice(-4)}`,
			description: 'Made by the test seeding endpoint.',
			startsAt,
			endsAt,
			timezone: 'UTC',
			venue: 'Test Hall',
			capacity: request.capacity,
			visibility: 'community',
			organizerIds,
			doorIds,
			version
		});
		const sign = await ticketSigner(tx, { id: eventId, startsAt, endsAt }, version);
		const [{ code }] = await tx
			.select({ code: events.checkInCode })
			.from(events)
			.where(eq(events.id, eventId));

		// The tag keeps emails unique across many test events in one database.
		const tag = eventId.slice(-8);
		const attendees: TestAttendee[] = [];
		for (let index = 0; index < request.attendees; index += 1) {
			const personId = newId();
			const registrationId = newId();
			attendees.push({
				personId,
				registrationId,
				name: attendeeName(index),
				email: `attendee-${index + 1}-${tag}@example.org`,
				ticket: sign({ id: registrationId, personId })
			});
		}
		const revokedFrom = attendees.length - request.revoked;
		const createdAt = new Date();

		await insertChunked(attendees, (chunk) =>
			tx.insert(people).values(
				chunk.map((attendee) => ({
					id: attendee.personId,
					displayName: attendee.name,
					email: attendee.email,
					createdAt,
					version
				}))
			)
		);
		await insertChunked(
			attendees.map((attendee, index) => ({ attendee, revoked: index >= revokedFrom })),
			(chunk) =>
				tx.insert(registrations).values(
					chunk.map(({ attendee, revoked }) => ({
						id: attendee.registrationId,
						eventId,
						personId: attendee.personId,
						status: revoked ? ('revoked' as const) : ('registered' as const),
						ticketCode: revoked ? null : attendee.ticket,
						createdAt,
						version
					}))
				)
		);
		return {
			eventId,
			code: code!,
			attendees: attendees.slice(0, revokedFrom),
			revoked: attendees.slice(revokedFrom)
		};
	});
}

/** The event's check-ins as the server holds them (the tests' view of "one per person"). */
export async function testEventCheckIns(db: Database, eventId: string) {
	return db
		.select({
			personId: checkIns.personId,
			checkedInAt: checkIns.checkedInAt,
			admissions: checkIns.admissions
		})
		.from(checkIns)
		.where(eq(checkIns.eventId, eventId));
}
