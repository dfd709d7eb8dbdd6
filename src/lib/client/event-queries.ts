/**
 * What the event screens read from the device's database (events, registrations, people,
 * the outbox), shaped for them. Screens call these through LiveQuery; writes go through
 * mutations. The device holds the events the server lets this person see (scope.ts); other
 * people's registrations only for the events they run or help at the door.
 */
import type { Actor } from '$lib/domain/actor';
import type {
	CheckIn,
	GatherEvent,
	Person,
	Registration,
	RegistrationStatus
} from '$lib/domain/entities';
import type { MutationName } from '$lib/domain/mutations';
import { canCheckIn } from '$lib/domain/permissions';
import type { GatherDatabase } from './db';

/** How many past events the list shows. */
export const PAST_EVENTS_SHOWN = 20;

export interface SeatCounts {
	registered: number;
	waitlisted: number;
}

export interface EventSummary {
	event: GatherEvent;
	/** My registration, if I have one (any status). */
	mine: Registration | undefined;
	/** Counts only where this device holds the attendee list (I run the event or its door). */
	counts: SeatCounts | null;
	/** I organize it (or, as an admin, may) / I only help at its door. */
	role: 'organizer' | 'door' | null;
}

export interface EventLists {
	/** Not over yet and not mine to run, the soonest first. */
	upcoming: EventSummary[];
	/** Not over yet, organized or helped at the door by me, the soonest first. */
	running: EventSummary[];
	/** Over (mine too), the latest first (at most PAST_EVENTS_SHOWN). */
	past: EventSummary[];
}

function roleIn(actor: Actor, event: GatherEvent): EventSummary['role'] {
	if (event.organizerIds.includes(actor.personId)) return 'organizer';
	if (event.doorIds.includes(actor.personId)) return 'door';
	return null;
}

/** How many are registered and waiting for an event (as far as this device knows). */
export async function seatCounts(db: GatherDatabase, eventId: string): Promise<SeatCounts> {
	const [registered, waitlisted] = await Promise.all(
		(['registered', 'waitlisted'] as const).map((status) =>
			db.registrations.where('[eventId+status]').equals([eventId, status]).count()
		)
	);
	return { registered, waitlisted };
}

/** Seats still free, or null when the event has no limit or the counts are not known here. */
export function seatsLeft(event: GatherEvent, counts: SeatCounts | null): number | null {
	if (event.capacity === null || counts === null) return null;
	return Math.max(0, event.capacity - counts.registered);
}

/** Whether an event is over at `now` (ms). */
export function isOver(event: Pick<GatherEvent, 'endsAt'>, now: number): boolean {
	return Date.parse(event.endsAt) < now;
}

/** The events screen: upcoming, past and my own events, each with my registration. */
export async function eventLists(
	db: GatherDatabase,
	actor: Actor,
	now: number
): Promise<EventLists> {
	const [events, mine] = await Promise.all([
		db.events.orderBy('startsAt').toArray(),
		db.registrations.where('personId').equals(actor.personId).toArray()
	]);
	const myRegistration = new Map(mine.map((row) => [row.eventId, row]));
	const summaries = await Promise.all(
		events.map(async (event): Promise<EventSummary> => {
			const role = roleIn(actor, event);
			return {
				event,
				mine: myRegistration.get(event.id),
				counts: canCheckIn(actor, event) ? await seatCounts(db, event.id) : null,
				role
			};
		})
	);
	const upcoming = summaries.filter(({ event }) => !isOver(event, now));
	const past = summaries
		.filter(({ event }) => isOver(event, now))
		.reverse()
		.slice(0, PAST_EVENTS_SHOWN);
	return {
		upcoming: upcoming.filter((summary) => summary.role === null),
		running: upcoming.filter((summary) => summary.role !== null),
		past
	};
}

export interface PersonName {
	id: string;
	/** Undefined when this device does not (yet) hold the person. */
	name: string | undefined;
}

/** People's names by id, in the order given. */
export async function namesOf(db: GatherDatabase, ids: readonly string[]): Promise<PersonName[]> {
	const people = await db.people.bulkGet([...ids]);
	return ids.map((id, index) => ({ id, name: people[index]?.displayName }));
}

const REGISTRATION_MUTATIONS: readonly MutationName[] = [
	'registration.create',
	'registration.cancel',
	'registration.revoke'
];

/** Registration writes for (event, person) this device has not yet sent or had answered. */
export async function pendingRegistration(
	db: GatherDatabase,
	eventId: string,
	personId: string
): Promise<boolean> {
	const pushedThrough = (await db.getMeta('pushedThrough')) ?? 0;
	const waiting = await db.outbox.where('mutationId').above(pushedThrough).toArray();
	return waiting.some((entry) => {
		if (!REGISTRATION_MUTATIONS.includes(entry.name)) return false;
		const args = entry.args as { eventId?: string; personId?: string };
		return args.eventId === eventId && args.personId === personId;
	});
}

/** Whether an event.save of this event waits to be sent (new, edited or cancelled here). */
export async function pendingEventSave(db: GatherDatabase, eventId: string): Promise<boolean> {
	const pushedThrough = (await db.getMeta('pushedThrough')) ?? 0;
	const waiting = await db.outbox.where('mutationId').above(pushedThrough).toArray();
	return waiting.some(
		(entry) => entry.name === 'event.save' && (entry.args as { id?: string }).id === eventId
	);
}

export interface EventDetail {
	event: GatherEvent;
	mine: Registration | undefined;
	/** My check-in, once I am in. */
	myCheckIn: CheckIn | undefined;
	/** A registration write of mine for this event waits to sync. */
	pending: boolean;
	/** The event itself was saved here and waits to sync (no key, no code yet). */
	eventPending: boolean;
	counts: SeatCounts | null;
	organizers: PersonName[];
}

/** One event with my place in it, or null when this device does not hold it. */
export async function eventDetail(
	db: GatherDatabase,
	actor: Actor,
	eventId: string
): Promise<EventDetail | null> {
	const event = await db.events.get(eventId);
	if (!event) return null;
	const [mine, myCheckIn, pending, eventPending, counts, organizers] = await Promise.all([
		db.registrations.where('[eventId+personId]').equals([eventId, actor.personId]).first(),
		db.checkIns.get([eventId, actor.personId]),
		pendingRegistration(db, eventId, actor.personId),
		pendingEventSave(db, eventId),
		canCheckIn(actor, event) ? seatCounts(db, eventId) : Promise.resolve(null),
		namesOf(db, event.organizerIds)
	]);
	return { event, mine, myCheckIn, pending, eventPending, counts, organizers };
}

export interface Attendee {
	registration: Registration;
	person: Person | undefined;
}

/** The order of the attendee list: who holds a seat, who waits, who no longer comes. */
const STATUS_ORDER: Record<RegistrationStatus, number> = {
	registered: 0,
	waitlisted: 1,
	cancelled: 2,
	revoked: 3
};

export interface AttendeePage {
	/** The first `limit` matching, by status then name. */
	shown: Attendee[];
	/** How many match in all. */
	total: number;
}

/**
 * An event's registrations with their people (for its organizers), by status then name,
 * whose name contains `query` (all when empty), at most `limit`.
 */
export async function attendeesOf(
	db: GatherDatabase,
	eventId: string,
	query: string,
	locale: string,
	limit: number
): Promise<AttendeePage> {
	const registrations = await db.registrations.where('eventId').equals(eventId).toArray();
	const people = await db.people.bulkGet(registrations.map((row) => row.personId));
	const needle = query.trim().toLocaleLowerCase(locale);
	const collator = new Intl.Collator(locale);
	const matching = registrations
		.map((registration, index) => ({ registration, person: people[index] }))
		.filter(
			({ person }) =>
				needle === '' || (person?.displayName ?? '').toLocaleLowerCase(locale).includes(needle)
		)
		.sort(
			(a, b) =>
				STATUS_ORDER[a.registration.status] - STATUS_ORDER[b.registration.status] ||
				collator.compare(a.person?.displayName ?? '', b.person?.displayName ?? '')
		);
	return { shown: matching.slice(0, limit), total: matching.length };
}

export interface TicketView {
	event: GatherEvent;
	registration: Registration | undefined;
	person: Person | undefined;
	/** My registration write waits to sync: the ticket comes after it. */
	pending: boolean;
}

/** My ticket for an event, or null when this device does not hold the event. */
export async function myTicket(
	db: GatherDatabase,
	actor: Actor,
	eventId: string
): Promise<TicketView | null> {
	const event = await db.events.get(eventId);
	if (!event) return null;
	const [registration, person, pending] = await Promise.all([
		db.registrations.where('[eventId+personId]').equals([eventId, actor.personId]).first(),
		db.people.get(actor.personId),
		pendingRegistration(db, eventId, actor.personId)
	]);
	return { event, registration, person, pending };
}

export interface EventToEdit {
	/** Null when this device does not hold it. */
	event: GatherEvent | null;
	/** The organizers' and door helpers' names, for the pickers. */
	people: PersonName[];
}

/** The event a form opens (to edit, or to copy), with its staff's names. */
export async function eventToEdit(db: GatherDatabase, eventId: string): Promise<EventToEdit> {
	const event = (await db.events.get(eventId)) ?? null;
	if (!event) return { event, people: [] };
	return { event, people: await namesOf(db, [...event.organizerIds, ...event.doorIds]) };
}

/**
 * Who holds a seat at an event or waits for one: not offered to its organizers to add again
 * (a cancelled person may be added again).
 */
export async function activeRegistrantIds(db: GatherDatabase, eventId: string): Promise<string[]> {
	const active = await db.registrations
		.where('[eventId+status]')
		.anyOf([
			[eventId, 'registered'],
			[eventId, 'waitlisted']
		])
		.toArray();
	return active.map((row) => row.personId);
}
