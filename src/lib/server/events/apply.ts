/**
 * The server side of the events mutations (the semantics both appliers implement are in the
 * issue's contract): events saved with their secrets, registrations with seats and tickets, and
 * the door's check-ins merged by domain/conflicts.ts, with the attendee's "attended"
 * contribution made and taken back alongside. Spread into sync/apply.ts serverMutations.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Actor } from '$lib/domain/actor';
import { admissionFacts, mergeCheckIn, withoutAdmission } from '$lib/domain/conflicts';
import { DEFAULT_PRIVACY, type Admission } from '$lib/domain/entities';
import {
	writtenAt,
	UNDO_CHECK_IN_MS,
	type MutationContext,
	type MutationName,
	type SaveEventArgs
} from '$lib/domain/mutations';
import { canCheckIn, canCreateEvent, canManageEvent, canRegister } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import { normaliseCheckInCode } from '$lib/domain/self-check-in';
import { registrationOpen, selfCheckInOpen } from '$lib/domain/tickets';
import type { Transaction } from '$lib/server/db';
import { activePersonId, resolvePerson } from '$lib/server/db/person-ids';
import { checkIns, events, people, registrations } from '$lib/server/db/schema';
import { recordDeletion, restampAudience } from '$lib/server/sync/deletions';
import type { ServerMutation } from '$lib/server/sync/apply';
import { recordAttendance, removeAttendance } from './attendance';
import { ensureEventSecrets } from './keys';
import {
	endRegistration,
	lockEvent,
	promoteWaitlist,
	registerPerson,
	registrationOf,
	reissueTickets,
	restampAttendeeList,
	type RegistrationRow
} from './registrations';

type EventRow = typeof events.$inferSelect;
type EventMutationName = Extract<
	MutationName,
	`event.${string}` | `registration.${string}` | `checkin.${string}`
>;

async function eventFor(tx: Transaction, eventId: string): Promise<EventRow> {
	const event = await lockEvent(tx, eventId);
	if (!event) throw new MutationRejected('not_found', 'event');
	return event;
}

/** The event, when the actor may run its door. */
async function doorEvent(tx: Transaction, eventId: string, actor: Actor): Promise<EventRow> {
	const event = await eventFor(tx, eventId);
	if (!canCheckIn(actor, event)) throw new MutationRejected('forbidden');
	return event;
}

function checkInKey(key: { eventId: string; personId: string }) {
	return and(eq(checkIns.eventId, key.eventId), eq(checkIns.personId, key.personId));
}

/** Registrations and check-ins of one person at one event, re-stamped (after a refusal). */
async function touchAttendee(
	tx: Transaction,
	key: { eventId: string; personId: string },
	version: number
) {
	await tx.update(checkIns).set({ version }).where(checkInKey(key));
	await tx
		.update(registrations)
		.set({ version })
		.where(and(eq(registrations.eventId, key.eventId), eq(registrations.personId, key.personId)));
}

/**
 * The registration the door admits: none is not_registered, an ended one revoked, a waiting
 * one promoted (the door let them in: capacity no longer matters).
 */
async function admittable(
	tx: Transaction,
	eventId: string,
	personId: string,
	version: number
): Promise<RegistrationRow> {
	const registration = await registrationOf(tx, eventId, personId);
	if (!registration) throw new MutationRejected('not_registered');
	if (registration.status === 'cancelled' || registration.status === 'revoked')
		throw new MutationRejected('revoked');
	if (registration.status === 'waitlisted')
		return registerPerson(tx, {
			eventId,
			personId,
			registrationId: registration.id,
			walkIn: false,
			version,
			ignoreCapacity: true
		});
	return registration;
}

/**
 * Merge one device's admission into the person's check-in (earliest wins, both devices kept).
 * A first check-in also records the attendee's "attended" contribution.
 */
async function admit(
	tx: Transaction,
	event: EventRow,
	personId: string,
	admission: Admission,
	version: number
): Promise<void> {
	const where = checkInKey({ eventId: event.id, personId });
	const [existing] = await tx.select().from(checkIns).where(where).for('update');
	const merged = mergeCheckIn(
		existing ? { ...existing, checkedInAt: existing.checkedInAt.toISOString() } : null,
		admissionFacts(admission)
	);
	const values = {
		checkedInAt: new Date(merged.checkedInAt),
		recordedBy: merged.recordedBy,
		admissions: merged.admissions,
		version
	};
	if (existing) {
		await tx.update(checkIns).set(values).where(where);
		return;
	}
	await tx.insert(checkIns).values({ eventId: event.id, personId, ...values });
	await recordAttendance(tx, event, personId, new Date(merged.checkedInAt), version);
}

/** Who runs the event's door: its organizers and door helpers (scope.ts gives them its list). */
function doorStaff(event: { organizerIds: string[]; doorIds: string[] }): Set<string> {
	return new Set([...event.organizerIds, ...event.doorIds]);
}

function sameCode(stored: string | null, typed: string): boolean {
	if (!stored) return false;
	const a = Buffer.from(stored);
	const b = Buffer.from(normaliseCheckInCode(typed));
	return a.length === b.length && timingSafeEqual(a, b);
}

/** A new person met at the door, or the person their email already belongs to. */
async function walkInPerson(
	tx: Transaction,
	args: { personId: string; displayName: string; email: string | null },
	version: number
): Promise<string> {
	const known = await resolvePerson(tx, args.personId);
	if (known) {
		if (known.status !== 'active') throw new MutationRejected('not_found', 'person');
		return known.id;
	}
	const email = args.email?.trim().toLowerCase() ?? null;
	const [owner] = email
		? await tx.select({ id: people.id }).from(people).where(eq(people.email, email))
		: [];
	const existing = owner ? await resolvePerson(tx, owner.id) : null;
	if (existing?.status === 'active') {
		// The device's id for them now resolves to the person the email belongs to.
		await tx.insert(people).values({
			id: args.personId,
			displayName: args.displayName,
			email: null,
			status: 'merged',
			mergedInto: existing.id,
			roles: ['member'],
			version
		});
		return existing.id;
	}
	await tx.insert(people).values({
		id: args.personId,
		displayName: args.displayName,
		// An email held by a deleted or merged record stays with it.
		email: owner ? null : email,
		privacy: DEFAULT_PRIVACY,
		roles: ['member'],
		version
	});
	return args.personId;
}

function admissionOf(
	context: MutationContext,
	at: string,
	deviceName: string,
	method: Admission['method']
): Admission {
	return { deviceId: context.deviceId, deviceName, recordedBy: context.actor.personId, at, method };
}

export const eventMutations: { [Name in EventMutationName]: ServerMutation<Name> } = {
	'event.save': {
		async apply(tx, args, context, version) {
			const before = await lockEvent(tx, args.id);
			if (!before) {
				if (!canCreateEvent(context.actor)) throw new MutationRejected('forbidden');
				await tx.insert(events).values({ ...eventValues(args), version });
				await ensureEventSecrets(tx, args.id);
				return;
			}
			if (!canManageEvent(context.actor, before)) throw new MutationRejected('forbidden');
			await tx
				.update(events)
				.set({ ...eventValues(args), version })
				.where(eq(events.id, args.id));
			await ensureEventSecrets(tx, args.id);
			const [staffBefore, staffAfter] = [doorStaff(before), doorStaff(args)];
			const joined = [...staffAfter].some((id) => !staffBefore.has(id));
			const left = [...staffBefore].some((id) => !staffAfter.has(id));
			if (joined || left) await restampAttendeeList(tx, args.id, version, { revoke: left });
			// An invite-only event leaves the devices of who may no longer see it (staff who left,
			// everyone not registered when it stops being open), its check-in code with it.
			if (args.visibility === 'invite' && (left || before.visibility !== 'invite'))
				await restampAudience(tx, 'events', eq(events.id, args.id), version, { revoke: true });
			if (
				before.startsAt.getTime() !== Date.parse(args.startsAt) ||
				before.endsAt.getTime() !== Date.parse(args.endsAt)
			)
				await reissueTickets(tx, args.id, version);
			if (args.capacity === null || (before.capacity !== null && args.capacity > before.capacity))
				await promoteWaitlist(tx, args.id, version);
		},
		async touch(tx, args, version) {
			await tx.update(events).set({ version }).where(eq(events.id, args.id));
		}
	},

	'registration.create': {
		async apply(tx, args, context, version) {
			const event = await eventFor(tx, args.eventId);
			if (!registrationOpen(eventTimes(event), writtenAt(context)))
				throw new MutationRejected('closed');
			const personId = await activePersonId(tx, args.personId);
			const { actor } = context;
			if (!canRegister(actor, event, personId) && !canRegister(actor, event, args.personId))
				throw new MutationRejected('forbidden');
			const existing = await registrationOf(tx, args.eventId, personId);
			if (existing?.status === 'revoked' && !canManageEvent(actor, event))
				throw new MutationRejected('revoked');
			await registerPerson(tx, {
				eventId: args.eventId,
				personId,
				registrationId: args.id,
				walkIn: false,
				version
			});
			// An invite-only event enters the scope of whoever is added to it.
			if (event.visibility === 'invite')
				await tx.update(events).set({ version }).where(eq(events.id, args.eventId));
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'registration.cancel': {
		async apply(tx, args, context, version) {
			const event = await eventFor(tx, args.eventId);
			const personId = await resolvedId(tx, args.personId);
			const own = personId === context.actor.personId || args.personId === context.actor.personId;
			if (!own && !canManageEvent(context.actor, event)) throw new MutationRejected('forbidden');
			const existing = await registrationOf(tx, args.eventId, personId);
			if (!existing) throw new MutationRejected('not_found', 'registration');
			// A revoked ticket stays revoked: cancelling it would let its holder register again.
			if (existing.status === 'revoked' || existing.status === 'cancelled') {
				await touchAttendee(tx, { eventId: args.eventId, personId }, version);
				return;
			}
			await endRegistration(tx, { eventId: args.eventId, personId }, 'cancelled', version);
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'registration.revoke': {
		async apply(tx, args, context, version) {
			const event = await eventFor(tx, args.eventId);
			if (!canManageEvent(context.actor, event)) throw new MutationRejected('forbidden');
			const personId = await resolvedId(tx, args.personId);
			const ended = await endRegistration(
				tx,
				{ eventId: args.eventId, personId },
				'revoked',
				version
			);
			if (!ended) throw new MutationRejected('not_found', 'registration');
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'checkin.record': {
		async apply(tx, args, context, version) {
			const event = await doorEvent(tx, args.eventId, context.actor);
			const personId = await activePersonId(tx, args.personId);
			await admittable(tx, event.id, personId, version);
			const admission = admissionOf(context, args.checkedInAt, args.deviceName, args.method);
			await admit(tx, event, personId, admission, version);
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'checkin.undo': {
		async apply(tx, args, context, version) {
			await doorEvent(tx, args.eventId, context.actor);
			const personId = await resolvedId(tx, args.personId);
			const key = { eventId: args.eventId, personId };
			const [existing] = await tx.select().from(checkIns).where(checkInKey(key)).for('update');
			const admission = existing?.admissions.find((one) => one.deviceId === context.deviceId);
			if (!existing || !admission) throw new MutationRejected('not_found', 'check-in');
			if (writtenAt(context) - Date.parse(admission.at) > UNDO_CHECK_IN_MS)
				throw new MutationRejected('too_late');
			const left = withoutAdmission(
				{ ...existing, checkedInAt: existing.checkedInAt.toISOString() },
				context.deviceId
			);
			if (left) {
				await tx
					.update(checkIns)
					.set({
						checkedInAt: new Date(left.checkedInAt),
						recordedBy: left.recordedBy,
						admissions: left.admissions,
						version
					})
					.where(checkInKey(key));
				return;
			}
			await tx.delete(checkIns).where(checkInKey(key));
			await recordDeletion(tx, 'checkIns', [key.eventId, key.personId], version);
			await removeAttendance(tx, key.eventId, key.personId, version);
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'checkin.walkIn': {
		async apply(tx, args, context, version) {
			const event = await doorEvent(tx, args.eventId, context.actor);
			const personId = await walkInPerson(tx, args, version);
			const existing = await registrationOf(tx, event.id, personId);
			if (existing?.status === 'revoked' && !canManageEvent(context.actor, event))
				throw new MutationRejected('revoked');
			await registerPerson(tx, {
				eventId: event.id,
				personId,
				registrationId: args.registrationId,
				walkIn: true,
				version,
				ignoreCapacity: true
			});
			const admission = admissionOf(context, args.checkedInAt, args.deviceName, 'walk_in');
			await admit(tx, event, personId, admission, version);
		},
		async touch(tx, args, version) {
			await touchAttendee(tx, args, version);
		}
	},

	'checkin.self': {
		async apply(tx, args, context, version) {
			const event = await eventFor(tx, args.eventId);
			if (!selfCheckInOpen(eventTimes(event), Date.parse(args.checkedInAt)))
				throw new MutationRejected('closed');
			if (!sameCode(event.checkInCode, args.code)) throw new MutationRejected('wrong_code');
			const personId = context.actor.personId;
			const registration = await registrationOf(tx, event.id, personId);
			if (registration) await admittable(tx, event.id, personId, version);
			else if (event.visibility === 'invite') throw new MutationRejected('not_registered');
			else
				await registerPerson(tx, {
					eventId: event.id,
					personId,
					registrationId: args.registrationId,
					walkIn: true,
					version,
					ignoreCapacity: true
				});
			await admit(tx, event, personId, admissionOf(context, args.checkedInAt, '', 'self'), version);
		},
		async touch(tx, args, version, actor) {
			await touchAttendee(tx, { eventId: args.eventId, personId: actor.personId }, version);
		}
	}
};

function eventValues(args: SaveEventArgs) {
	return { ...args, startsAt: new Date(args.startsAt), endsAt: new Date(args.endsAt) };
}

function eventTimes(event: EventRow) {
	return {
		startsAt: event.startsAt.toISOString(),
		endsAt: event.endsAt.toISOString(),
		cancelled: event.cancelled
	};
}

/** A person id as it resolves today (a merged id lands on the survivor); unknown ids as they are. */
async function resolvedId(tx: Transaction, id: string): Promise<string> {
	return (await resolvePerson(tx, id))?.id ?? id;
}
