/**
 * The device side of the event mutations (events, registrations, check-ins at the door): the
 * same rules as the server's appliers (server/events/apply.ts), decided over what this device
 * holds. What the device cannot know (an event or registration not synced yet, an email that
 * belongs to someone it does not mirror, the ticket's signature) it leaves to the server.
 *
 * Every applier only awaits Dexie (they run inside runMutation's transaction) and is
 * idempotent: it runs again over freshly pulled rows on every rebase until acknowledged.
 */
import type { Actor } from '$lib/domain/actor';
import { admissionFacts, mergeCheckIn, withoutAdmission } from '$lib/domain/conflicts';
import {
	DEFAULT_PRIVACY,
	type Admission,
	type CheckIn,
	type GatherEvent,
	type Person,
	type Registration
} from '$lib/domain/entities';
import { mutationTime, UNDO_CHECK_IN_MS, writtenAt } from '$lib/domain/mutations';
import { canCheckIn, canCreateEvent, canManageEvent, canRegister } from '$lib/domain/permissions';
import { EMPTY_PERSONAL_FIELDS } from '$lib/domain/privacy';
import { MutationRejected } from '$lib/domain/rejection';
import { normaliseCheckInCode } from '$lib/domain/self-check-in';
import { registrationOpen, selfCheckInOpen } from '$lib/domain/tickets';
import type { GatherDatabase } from './db';
import type { LocalMutation } from './mutations';
import { discardUnconfirmed } from './unconfirmed';

/** Merges chain at most this far (a merge of a merge); beyond it the server decides. */
const MAX_MERGE_HOPS = 8;

/** The person an id stands for now, following merges this device knows of. */
async function resolvePerson(db: GatherDatabase, personId: string): Promise<string> {
	let id = personId;
	for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
		const person = await db.people.get(id);
		if (person?.status !== 'merged' || !person.mergedInto) return id;
		id = person.mergedInto;
	}
	return id;
}

function registrationOf(
	db: GatherDatabase,
	eventId: string,
	personId: string
): Promise<Registration | undefined> {
	return db.registrations.where('[eventId+personId]').equals([eventId, personId]).first();
}

/** The event at this door, checked: refuses who may not check in (when the event is here). */
async function doorEvent(
	db: GatherDatabase,
	eventId: string,
	actor: Actor
): Promise<GatherEvent | undefined> {
	const event = await db.events.get(eventId);
	if (event && !canCheckIn(actor, event)) throw new MutationRejected('forbidden');
	return event;
}

/** Merge one admission into the person's check-in (kept at its version until pulled). */
async function admit(
	db: GatherDatabase,
	eventId: string,
	personId: string,
	admission: Admission,
	existing?: CheckIn
): Promise<void> {
	const current = existing ?? (await db.checkIns.get([eventId, personId]));
	const merged = mergeCheckIn(current ?? null, admissionFacts(admission));
	await db.checkIns.put({ eventId, personId, ...merged, version: current?.version ?? 0 });
}

/** A registration that cannot come through the door: cancelled or revoked. */
function refusedAtDoor(registration: Registration | undefined): boolean {
	return registration?.status === 'cancelled' || registration?.status === 'revoked';
}

/** The door let a waitlisted person in: they hold a seat now (the server promotes them too). */
async function promoteAtDoor(db: GatherDatabase, registration: Registration | undefined) {
	if (registration?.status === 'waitlisted')
		await db.registrations.put({ ...registration, status: 'registered' });
}

/** A new registration's status from this device's counts: a seat while any is free. */
async function seatStatus(
	db: GatherDatabase,
	event: GatherEvent
): Promise<'registered' | 'waitlisted'> {
	if (event.capacity === null) return 'registered';
	const taken = await db.registrations
		.where('[eventId+status]')
		.equals([event.id, 'registered'])
		.count();
	return taken < event.capacity ? 'registered' : 'waitlisted';
}

/** A person made at the door (a walk-in), as the server makes them. */
function walkInPerson(
	id: string,
	fields: Pick<Person, 'displayName' | 'email' | 'status' | 'mergedInto' | 'createdAt'>
): Person {
	return {
		id,
		...EMPTY_PERSONAL_FIELDS,
		privacy: DEFAULT_PRIVACY,
		roles: ['member'],
		fieldClocks: {},
		version: 0,
		...fields
	};
}

/**
 * Who a walk-in lands on: the person made for them, or (when their email already belongs to
 * someone on this device) that person. Decided once, on the first apply, and remembered in
 * the walk-in's own row (merged into them), so a rebase does not search everyone again.
 */
async function walkInTarget(
	db: GatherDatabase,
	args: { personId: string; displayName: string; email: string | null },
	createdAt: string
): Promise<string> {
	const made = await db.people.get(args.personId);
	if (made) return made.status === 'merged' && made.mergedInto ? made.mergedInto : made.id;
	const email = args.email?.toLowerCase();
	const owner = email
		? await db.people
				.filter((person) => person.status === 'active' && person.email?.toLowerCase() === email)
				.first()
		: undefined;
	await db.people.put(
		walkInPerson(args.personId, {
			displayName: args.displayName,
			email: owner ? null : args.email,
			status: owner ? 'merged' : 'active',
			mergedInto: owner?.id ?? null,
			createdAt
		})
	);
	return owner?.id ?? args.personId;
}

type EventMutationName =
	| 'event.save'
	| 'registration.create'
	| 'registration.cancel'
	| 'registration.revoke'
	| 'checkin.record'
	| 'checkin.undo'
	| 'checkin.walkIn'
	| 'checkin.self';

export const eventMutations: { [Name in EventMutationName]: LocalMutation<Name> } = {
	'event.save': {
		async apply(db, args, context) {
			const existing = await db.events.get(args.id);
			// A row the server has not confirmed is this device's own new event.
			if (existing && existing.version > 0) {
				if (!canManageEvent(context.actor, existing)) throw new MutationRejected('forbidden');
			} else if (!canCreateEvent(context.actor)) throw new MutationRejected('forbidden');
			await db.events.put({
				...args,
				// Made by the server: kept from the row it sent (null until it has).
				publicKey: existing?.publicKey ?? null,
				checkInCode: existing?.checkInCode ?? null,
				checkInCodeHash: existing?.checkInCodeHash ?? null,
				createdAt: existing?.createdAt ?? mutationTime(context),
				version: existing?.version ?? 0
			});
		},
		async discard(db, args) {
			await discardUnconfirmed(db.events, args.id);
		}
	},
	'registration.create': {
		async apply(db, args, context) {
			const event = await db.events.get(args.eventId);
			if (!event) return; // not on this device: the server decides
			if (!registrationOpen(event, writtenAt(context))) throw new MutationRejected('closed');
			const personId = await resolvePerson(db, args.personId);
			if (
				!canRegister(context.actor, event, args.personId) &&
				!canRegister(context.actor, event, personId)
			)
				throw new MutationRejected('forbidden');
			const existing = await registrationOf(db, args.eventId, personId);
			if (existing?.status === 'registered' || existing?.status === 'waitlisted') return;
			if (existing?.status === 'revoked' && !canManageEvent(context.actor, event))
				throw new MutationRejected('revoked');
			const status = await seatStatus(db, event);
			await db.registrations.put(
				existing
					? { ...existing, status, ticketCode: null }
					: {
							id: args.id,
							eventId: args.eventId,
							personId,
							status,
							ticketCode: null,
							walkIn: false,
							createdAt: mutationTime(context),
							version: 0
						}
			);
		},
		async discard(db, args) {
			// A reactivated registration the server had is re-stamped and pulled again.
			await discardUnconfirmed(db.registrations, args.id);
		}
	},
	'registration.cancel': {
		async apply(db, args, context) {
			const [event, personId] = await Promise.all([
				db.events.get(args.eventId),
				resolvePerson(db, args.personId)
			]);
			const own = personId === context.actor.personId;
			if (!own && !event) return; // the organizers are not known here: the server decides
			if (!own && event && !canManageEvent(context.actor, event))
				throw new MutationRejected('forbidden');
			const existing = await registrationOf(db, args.eventId, personId);
			if (!existing || existing.status === 'cancelled' || existing.status === 'revoked') return;
			// A freed seat goes to the first waitlisted person: decided (and signed) by the server.
			await db.registrations.put({ ...existing, status: 'cancelled', ticketCode: null });
		},
		async discard() {
			// The server re-stamps the registration after a refusal: the next pull restores it.
		}
	},
	'registration.revoke': {
		async apply(db, args, context) {
			const event = await db.events.get(args.eventId);
			if (!event) return;
			if (!canManageEvent(context.actor, event)) throw new MutationRejected('forbidden');
			const personId = await resolvePerson(db, args.personId);
			const existing = await registrationOf(db, args.eventId, personId);
			if (!existing || existing.status === 'revoked') return;
			await db.registrations.put({ ...existing, status: 'revoked', ticketCode: null });
		},
		async discard() {
			// As for a cancellation: the server re-stamps, the pull restores.
		}
	},
	'checkin.record': {
		async apply(db, args, context) {
			// Independent reads go out together: this runs on every scan at the door.
			const [event, person, registration, checkIn] = await Promise.all([
				db.events.get(args.eventId),
				db.people.get(args.personId),
				registrationOf(db, args.eventId, args.personId),
				db.checkIns.get([args.eventId, args.personId])
			]);
			if (event && !canCheckIn(context.actor, event)) throw new MutationRejected('forbidden');
			const merged = person?.status === 'merged';
			const personId = merged ? await resolvePerson(db, args.personId) : args.personId;
			const held = merged ? await registrationOf(db, args.eventId, personId) : registration;
			// No registration here may only mean it has not synced (the ticket's signature
			// vouched for it): the server decides.
			if (refusedAtDoor(held)) throw new MutationRejected('revoked');
			await Promise.all([
				promoteAtDoor(db, held),
				admit(
					db,
					args.eventId,
					personId,
					{
						deviceId: context.deviceId,
						deviceName: args.deviceName,
						recordedBy: context.actor.personId,
						at: args.checkedInAt,
						method: args.method
					},
					merged ? undefined : checkIn
				)
			]);
		},
		async discard(db, args) {
			await discardUnconfirmed(db.checkIns, [args.eventId, await resolvePerson(db, args.personId)]);
		}
	},
	'checkin.undo': {
		async apply(db, args, context) {
			await doorEvent(db, args.eventId, context.actor);
			const personId = await resolvePerson(db, args.personId);
			const key: [string, string] = [args.eventId, personId];
			const checkIn = await db.checkIns.get(key);
			const mine = checkIn?.admissions.find((admission) => admission.deviceId === context.deviceId);
			if (!checkIn || !mine) throw new MutationRejected('not_found', 'admission');
			if (writtenAt(context) - Date.parse(mine.at) > UNDO_CHECK_IN_MS)
				throw new MutationRejected('too_late');
			const rest = withoutAdmission(checkIn, context.deviceId);
			// Nobody else admitted them: the check-in goes (and, on the server, "attended").
			if (rest) await db.checkIns.put({ ...checkIn, ...rest });
			else await db.checkIns.delete(key);
		},
		async discard() {
			// A refused undo: the server re-stamps the check-in, and the next pull restores it.
		}
	},
	'checkin.walkIn': {
		async apply(db, args, context) {
			const event = await doorEvent(db, args.eventId, context.actor);
			const createdAt = mutationTime(context);
			const personId = await resolvePerson(db, await walkInTarget(db, args, createdAt));
			const registration = await registrationOf(db, args.eventId, personId);
			// Only an organizer takes a revoked ticket back; a cancelled one comes back at the door.
			if (registration?.status === 'revoked' && !(event && canManageEvent(context.actor, event)))
				throw new MutationRejected('revoked');
			if (registration && registration.status !== 'registered')
				await db.registrations.put({ ...registration, status: 'registered' });
			else if (!registration)
				// In the room already: capacity does not apply.
				await db.registrations.put({
					id: args.registrationId,
					eventId: args.eventId,
					personId,
					status: 'registered',
					ticketCode: null,
					walkIn: true,
					createdAt,
					version: 0
				});
			await admit(db, args.eventId, personId, {
				deviceId: context.deviceId,
				deviceName: args.deviceName,
				recordedBy: context.actor.personId,
				at: args.checkedInAt,
				method: 'walk_in'
			});
		},
		async discard(db, args) {
			const target = await resolvePerson(db, args.personId);
			await Promise.all([
				discardUnconfirmed(db.checkIns, [args.eventId, target]),
				discardUnconfirmed(db.checkIns, [args.eventId, args.personId]),
				discardUnconfirmed(db.registrations, args.registrationId)
			]);
			await discardUnconfirmed(db.people, args.personId);
		}
	},
	'checkin.self': {
		async apply(db, args, context) {
			const event = await db.events.get(args.eventId);
			if (!event) return;
			if (!selfCheckInOpen(event, Date.parse(args.checkedInAt)))
				throw new MutationRejected('closed');
			// Only the door's devices hold the code itself; the attendee's screen checked the
			// hash before writing (the server checks the code again).
			if (event.checkInCode && normaliseCheckInCode(args.code) !== event.checkInCode)
				throw new MutationRejected('wrong_code');
			const personId = context.actor.personId;
			const registration = await registrationOf(db, args.eventId, personId);
			if (refusedAtDoor(registration)) throw new MutationRejected('revoked');
			if (!registration && event.visibility === 'invite')
				throw new MutationRejected('not_registered');
			if (registration) await promoteAtDoor(db, registration);
			else
				await db.registrations.put({
					id: args.registrationId,
					eventId: args.eventId,
					personId,
					status: 'registered',
					ticketCode: null,
					walkIn: true,
					createdAt: mutationTime(context),
					version: 0
				});
			await admit(db, args.eventId, personId, {
				deviceId: context.deviceId,
				deviceName: '',
				recordedBy: personId,
				at: args.checkedInAt,
				method: 'self'
			});
		},
		async discard(db, args, actor) {
			await Promise.all([
				discardUnconfirmed(db.checkIns, [args.eventId, actor.personId]),
				discardUnconfirmed(db.registrations, args.registrationId)
			]);
		}
	}
};
