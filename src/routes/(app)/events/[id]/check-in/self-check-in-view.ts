/**
 * What the self check-in screen reads from the device: the event, my registration, my
 * check-in, whether my check-in still waits to sync, and whether the server refused it.
 */
import type { GatherDatabase } from '$lib/client/db';
import type { Actor } from '$lib/domain/actor';
import type { CheckIn, GatherEvent, RejectedMutation, Registration } from '$lib/domain/entities';

export interface SelfCheckInView {
	event: GatherEvent;
	mine: Registration | undefined;
	myCheckIn: CheckIn | undefined;
	/** My self check-in is saved here and not yet accepted by the server. */
	pending: boolean;
	/** The server's latest refusal of my self check-in here, not yet dismissed. */
	refusal: RejectedMutation | undefined;
}

function isForEvent(args: unknown, eventId: string): boolean {
	return (args as { eventId?: unknown } | null)?.eventId === eventId;
}

/** Null when this device does not hold the event. */
export async function selfCheckInView(
	db: GatherDatabase,
	actor: Actor,
	eventId: string
): Promise<SelfCheckInView | null> {
	const event = await db.events.get(eventId);
	if (!event) return null;
	const [mine, myCheckIn, waiting, refusals] = await Promise.all([
		db.registrations.where('[eventId+personId]').equals([eventId, actor.personId]).first(),
		db.checkIns.get([eventId, actor.personId]),
		db.outbox.where('name').equals('checkin.self').toArray(),
		db.openRejectionsOf(actor.personId)
	]);
	const refusal = refusals
		.filter((row) => row.name === 'checkin.self' && isForEvent(row.args, eventId))
		.sort((a, b) => b.rejectedAt.localeCompare(a.rejectedAt))[0];
	return {
		event,
		mine,
		myCheckIn,
		pending: waiting.some((entry) => isForEvent(entry.args, eventId)),
		refusal
	};
}
