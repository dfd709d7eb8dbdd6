/**
 * Being checked in at an event counts as a contribution of the attendee ("attended"), made by
 * the server with the check-in and removed with it when the door undoes it. One per (person,
 * event): found again by those and the activity type, never by an id a device made.
 */
import { and, eq } from 'drizzle-orm';
import { newId } from '$lib/domain/ids';
import type { Transaction } from '$lib/server/db';
import { evaluateAwardsSafely } from '$lib/server/badges/evaluate';
import { contributions } from '$lib/server/db/schema';
import { recordDeletions } from '$lib/server/sync/deletions';

export interface AttendedEvent {
	id: string;
	title: string;
	area: string | null;
	timezone: string;
}

/** The calendar date of an instant where the event happens (YYYY-MM-DD). */
export function dateIn(timezone: string, at: Date): string {
	try {
		return new Intl.DateTimeFormat('en-CA', {
			timeZone: timezone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit'
		}).format(at);
	} catch {
		return at.toISOString().slice(0, 10); // an unknown zone: the UTC date
	}
}

function attendedKey(eventId: string, personId: string) {
	return and(
		eq(contributions.personId, personId),
		eq(contributions.eventId, eventId),
		eq(contributions.activityType, 'attended')
	);
}

/** Record that `personId` attended `event` (checked in at `at`), unless it is recorded already. */
export async function recordAttendance(
	tx: Transaction,
	event: AttendedEvent,
	personId: string,
	at: Date,
	version: number
): Promise<void> {
	const [existing] = await tx
		.select({ id: contributions.id })
		.from(contributions)
		.where(attendedKey(event.id, personId));
	if (existing) return;
	const attended = {
		area: event.area ?? 'events',
		activityType: 'attended',
		happenedOn: dateIn(event.timezone, at)
	};
	await tx.insert(contributions).values({
		id: newId(),
		personId,
		...attended,
		description: event.title,
		link: null,
		eventId: event.id,
		createdAt: new Date(),
		deviceId: null,
		mutationId: null,
		version
	});
	// Automatic badges (events attended, streaks), as of the check-in.
	await evaluateAwardsSafely(tx, personId, version, at.getTime(), [attended]);
}

/** Take back `personId`'s attendance of the event (the check-in was undone). */
export async function removeAttendance(
	tx: Transaction,
	eventId: string,
	personId: string,
	version: number
): Promise<void> {
	const removed = await tx
		.delete(contributions)
		.where(attendedKey(eventId, personId))
		.returning({ id: contributions.id });
	await recordDeletions(
		tx,
		'contributions',
		removed.map((row) => row.id),
		version
	);
}
