/**
 * What the contribution screens read from the device's database: my latest contributions with
 * their names and events, the events a contribution may be linked to, one of my contributions
 * to edit, the verifications waiting to sync. Screens call these through LiveQuery; writes go
 * through mutations.
 */
import type { Actor } from '$lib/domain/actor';
import type { Contribution, GatherEvent } from '$lib/domain/entities';
import type { Taxonomy } from '$lib/domain/taxonomy';
import type { GatherDatabase } from './db';

/** How far back an attended (or registered) event is still offered as a link. */
export const LINKABLE_EVENT_DAYS = 60;
/** How far ahead a registered event is offered (logging the preparation for it). */
const UPCOMING_LINK_DAYS = 14;
const DAY_MS = 86_400_000;

export interface LinkableEvent {
	id: string;
	title: string;
	startsAt: string;
	timezone: string;
}

/**
 * Events I am registered for (not cancelled or revoked) or was checked in at, from
 * LINKABLE_EVENT_DAYS ago to two weeks ahead, the latest first; plus `keep` (the event a
 * contribution being edited already names) whenever the device holds it.
 */
export async function linkableEvents(
	db: GatherDatabase,
	personId: string,
	keep: string | null = null,
	now = Date.now()
): Promise<LinkableEvent[]> {
	const [registrations, checkIns] = await Promise.all([
		db.registrations.where('personId').equals(personId).toArray(),
		db.checkIns.where('personId').equals(personId).toArray()
	]);
	const ids = new Set([
		...registrations
			.filter((row) => row.status !== 'cancelled' && row.status !== 'revoked')
			.map((row) => row.eventId),
		...checkIns.map((row) => row.eventId)
	]);
	if (keep) ids.add(keep);
	const events = (await db.events.bulkGet([...ids])).filter(
		(event): event is GatherEvent => event !== undefined
	);
	const from = now - LINKABLE_EVENT_DAYS * DAY_MS;
	const until = now + UPCOMING_LINK_DAYS * DAY_MS;
	return events
		.filter((event) => {
			if (event.id === keep) return true;
			const starts = Date.parse(event.startsAt);
			return starts <= until && Date.parse(event.endsAt) >= from;
		})
		.sort((a, b) => (a.startsAt < b.startsAt ? 1 : a.startsAt > b.startsAt ? -1 : 0))
		.map(({ id, title, startsAt, timezone }) => ({ id, title, startsAt, timezone }));
}

export interface LogFormChoices {
	taxonomy: Taxonomy;
	events: LinkableEvent[];
}

/** Everything the log form offers, read together (the taxonomy and my events). */
export async function logFormChoices(
	db: GatherDatabase,
	actor: Actor,
	keepEvent: string | null = null
): Promise<LogFormChoices> {
	const [taxonomy, events] = await Promise.all([
		db.taxonomy(),
		linkableEvents(db, actor.personId, keepEvent)
	]);
	return { taxonomy, events };
}

/** One of my contributions (null when the device holds no such contribution of mine). */
export async function myContribution(
	db: GatherDatabase,
	actor: Actor,
	id: string
): Promise<Contribution | null> {
	const row = await db.contributions.get(id);
	return row && row.personId === actor.personId ? row : null;
}

export interface ContributionList {
	/** Each contribution with its linked event's title, when this device holds the event. */
	items: { contribution: Contribution; eventTitle: string | null }[];
	/** The names the cards show. */
	taxonomy: Taxonomy;
}

/** My latest `limit` contributions with what their cards show beside them, read together. */
export async function myLatestContributions(
	db: GatherDatabase,
	personId: string,
	limit: number
): Promise<ContributionList> {
	const [contributions, taxonomy] = await Promise.all([
		db.latestContributionsOf(personId, limit),
		db.taxonomy()
	]);
	const events = await db.events.bulkGet(contributions.map((row) => row.eventId ?? ''));
	return {
		items: contributions.map((contribution, index) => ({
			contribution,
			eventTitle: events[index]?.title ?? null
		})),
		taxonomy
	};
}

/**
 * Verifications written on this device and not yet confirmed by the server: contribution id →
 * verified (the latest write wins). The review screen shows these as waiting to sync.
 */
export async function pendingVerifications(db: GatherDatabase): Promise<Map<string, boolean>> {
	const entries = await db.outbox.where('name').equals('contribution.verify').sortBy('mutationId');
	const pending = new Map<string, boolean>();
	for (const entry of entries) {
		const args = entry.args as { id: string; verified: boolean };
		pending.set(args.id, args.verified);
	}
	return pending;
}
