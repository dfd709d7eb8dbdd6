/**
 * Fill an empty database with the demo community of seed-data.ts. Dates are relative to now,
 * so the upcoming event stays upcoming whenever a fresh database is made. Ids are fixed, so
 * two fresh databases hold the same people.
 */
import { count } from 'drizzle-orm';
import type { Database } from './create';
import * as schema from './schema';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { ticketSigner, type TicketSigner } from '$lib/server/events/keys';
import { awardEveryoneMeeting } from '$lib/server/badges/evaluate';
import { dateIn } from '$lib/server/events/attendance';
import {
	SEED_AWARDS,
	SEED_BADGES,
	SEED_CONTRIBUTIONS,
	SEED_GROUPS,
	SEED_MEMBERSHIPS,
	SEED_NOMINATIONS,
	SEED_PEOPLE,
	SEED_PROFILES,
	SEED_VERIFICATIONS,
	type SeedBadgeSlug
} from './seed-data';
import { nextVersion } from './versions';

const DAY = 24 * 3600 * 1000;

/** A fixed, valid UUIDv7-shaped id: `kind` tells the tables apart in a log, `n` the row. */
export function seedId(kind: number, n: number): string {
	const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
	return `0190c0de-${hex(kind, 4)}-7000-8000-${hex(n, 12)}`;
}

const personId = (index: number) => seedId(1, index + 1);
const groupId = (slug: string) =>
	seedId(6, SEED_GROUPS.findIndex(([groupSlug]) => groupSlug === slug) + 1);

/** The profile details of a seeded person; the admin (index 0) shows a public profile. */
function seedProfile(index: number) {
	const [languages, skills, interests, timezone, areas] = SEED_PROFILES[index] ?? [
		[],
		[],
		[],
		'UTC',
		[]
	];
	const privacy =
		index === 0
			? { ...DEFAULT_PRIVACY, displayName: 'public' as const, bio: 'public' as const }
			: DEFAULT_PRIVACY;
	return { languages, skills, interests, timezone, areas, privacy };
}
const badgeId = (slug: SeedBadgeSlug) =>
	seedId(5, SEED_BADGES.findIndex((badge) => badge.slug === slug) + 1);
export const SEED_UPCOMING_EVENT_ID = seedId(2, 1);
export const SEED_PAST_EVENT_ID = seedId(2, 2);
/** The organizer's phone that recorded the past event's check-ins. */
const SEED_DOOR_DEVICE_ID = seedId(9, 1);

/** Midnight UTC `days` days from `now` (negative: in the past), plus `hours`. */
function dayAt(now: Date, days: number, hours: number): Date {
	const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	return new Date(midnight + days * DAY + hours * 3600 * 1000);
}

/** `Lucía Fernández` → `lucia`: the seeded email addresses. */
function asciiFirstName(displayName: string): string {
	const [first = 'person'] = displayName.split(' ');
	return first
		.normalize('NFD')
		.replace(/[^a-zA-Z]/g, '')
		.toLowerCase();
}

/** Seed when the people table is empty. Returns whether it did. */
export async function seedDatabase(db: Database, now = new Date()): Promise<boolean> {
	const [before] = await db.select({ people: count() }).from(schema.people);
	if ((before?.people ?? 0) > 0) return false;

	return db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		// Re-checked under the version lock: two servers starting together seed once.
		const [again] = await tx.select({ people: count() }).from(schema.people);
		if ((again?.people ?? 0) > 0) return false;

		await tx.insert(schema.people).values(
			SEED_PEOPLE.map(([displayName, pronouns, city, country, roles, bio], index) => ({
				id: personId(index),
				displayName,
				email: `${asciiFirstName(displayName)}@example.org`,
				pronouns,
				bio,
				city,
				country,
				...seedProfile(index),
				roles,
				createdAt: dayAt(now, -400 + index * 23, 9),
				version
			}))
		);

		await tx.insert(schema.events).values([
			{
				id: SEED_UPCOMING_EVENT_ID,
				title: 'Localization Sprint Madrid',
				description:
					'A day of translating and reviewing together: bring a laptop, we bring coffee and tortilla. ' +
					'New translators welcome — mentors pair with you all day.',
				startsAt: dayAt(now, 10, 8),
				endsAt: dayAt(now, 10, 16),
				timezone: 'Europe/Madrid',
				venue: 'Impact Hub Madrid',
				address: 'Calle de la Alameda 22, 28014 Madrid',
				onlineLink: null,
				area: 'localization',
				capacity: 40,
				visibility: 'public',
				organizerIds: [personId(1), personId(2)],
				createdAt: dayAt(now, -12, 10),
				version
			},
			{
				id: SEED_PAST_EVENT_ID,
				title: 'Open Source Onboarding Night Tokyo',
				description:
					'Lightning talks and a hands-on hour: everyone leaves with a first patch or translation.',
				startsAt: dayAt(now, -24, 9),
				endsAt: dayAt(now, -24, 12),
				timezone: 'Asia/Tokyo',
				venue: 'Shibuya Community Hall, Room 3',
				address: '1-23-21 Shibuya, Shibuya City, Tokyo',
				onlineLink: 'https://meet.example.org/onboarding-night',
				area: 'education',
				capacity: 25,
				visibility: 'community',
				organizerIds: [personId(2)],
				reportNotes:
					'Four of five came; two first patches merged the same night, one translation review booked.',
				photosLink: 'https://photos.example.org/onboarding-night',
				createdAt: dayAt(now, -50, 3),
				version
			}
		]);
		// Real signed tickets, as registration makes them (the events get their secrets here).
		const signers = new Map<string, TicketSigner>();
		for (const event of await tx
			.select({
				id: schema.events.id,
				startsAt: schema.events.startsAt,
				endsAt: schema.events.endsAt
			})
			.from(schema.events))
			signers.set(event.id, await ticketSigner(tx, event));

		const upcoming = [1, 2, 5, 7, 8, 10];
		const past = [2, 3, 4, 6, 11];
		const seeded = [
			...upcoming.map((index, n) => ({
				id: seedId(3, n + 1),
				eventId: SEED_UPCOMING_EVENT_ID,
				personId: personId(index),
				createdAt: dayAt(now, -11 + n, 14)
			})),
			...past.map((index, n) => ({
				id: seedId(3, 100 + n),
				eventId: SEED_PAST_EVENT_ID,
				personId: personId(index),
				createdAt: dayAt(now, -45 + n, 1)
			}))
		];
		await tx.insert(schema.registrations).values(
			seeded.map((registration) => ({
				...registration,
				status: 'registered' as const,
				ticketCode: signers.get(registration.eventId)!(registration),
				version
			}))
		);

		// Everyone but the last registrant came to the past event: their check-ins, and the
		// `attended` contribution each one makes (as events/attendance.ts records it).
		const checkedIn = past.slice(0, -1).map((index, n) => ({
			personId: personId(index),
			checkedInAt: new Date(dayAt(now, -24, 9).getTime() + (n * 4 + 2) * 60_000)
		}));
		await tx.insert(schema.checkIns).values(
			checkedIn.map(({ personId: attendee, checkedInAt }) => ({
				eventId: SEED_PAST_EVENT_ID,
				personId: attendee,
				checkedInAt,
				recordedBy: personId(2),
				admissions: [
					{
						deviceId: SEED_DOOR_DEVICE_ID,
						deviceName: 'Door',
						recordedBy: personId(2),
						at: checkedInAt.toISOString(),
						method: 'scan' as const
					}
				],
				version
			}))
		);

		const verifiedBy = new Map(SEED_VERIFICATIONS);
		await tx.insert(schema.contributions).values([
			...SEED_CONTRIBUTIONS.map(
				([index, area, activityType, description, link, daysAgo, atPastEvent], n) => {
					const happened = dayAt(now, -daysAgo, 0);
					const createdAt = new Date(happened.getTime() + (18 + (n % 5)) * 3600 * 1000);
					const verifier = verifiedBy.get(n + 1);
					return {
						id: seedId(4, n + 1),
						personId: personId(index),
						area,
						activityType,
						description,
						happenedOn: happened.toISOString().slice(0, 10),
						link,
						eventId: atPastEvent ? SEED_PAST_EVENT_ID : null,
						createdAt,
						verifiedBy: verifier === undefined ? null : personId(verifier),
						verifiedAt: verifier === undefined ? null : new Date(createdAt.getTime() + 2 * DAY),
						version
					};
				}
			),
			...checkedIn.map(({ personId: attendee, checkedInAt }, n) => ({
				id: seedId(4, 1000 + n),
				personId: attendee,
				area: 'education',
				activityType: 'attended',
				description: 'Open Source Onboarding Night Tokyo',
				happenedOn: dateIn('Asia/Tokyo', checkedInAt),
				link: null,
				eventId: SEED_PAST_EVENT_ID,
				createdAt: checkedInAt,
				version
			}))
		]);

		await tx
			.insert(schema.badges)
			.values(SEED_BADGES.map((badge) => ({ id: badgeId(badge.slug), ...badge, version })));

		await tx.insert(schema.awards).values(
			SEED_AWARDS.map(([slug, index, awardedBy, evidence], n) => ({
				id: seedId(7, n + 1),
				badgeId: badgeId(slug),
				personId: personId(index),
				awardedAt: dayAt(now, -60 + n * 6, 12),
				awardedBy: personId(awardedBy),
				source: 'manual' as const,
				evidence,
				version
			}))
		);
		await tx.insert(schema.nominations).values(
			SEED_NOMINATIONS.map(([slug, index, nominatedBy, reason], n) => ({
				id: seedId(8, n + 1),
				badgeId: badgeId(slug),
				personId: personId(index),
				nominatedBy: personId(nominatedBy),
				reason,
				status: 'pending' as const,
				createdAt: dayAt(now, -3 + n, 15),
				version
			}))
		);
		// The rule badges go to whoever already meets them, exactly as when an admin saves a rule.
		for (const badge of SEED_BADGES)
			if (badge.rule) await awardEveryoneMeeting(tx, badgeId(badge.slug), version, now.getTime());

		await tx.insert(schema.groups).values(
			SEED_GROUPS.map(([slug, kind, name, policy, area, country, description], n) => ({
				id: groupId(slug),
				kind,
				slug,
				name,
				description,
				policy,
				area,
				country,
				createdAt: dayAt(now, -300 + n * 7, 10),
				version
			}))
		);
		await tx.insert(schema.memberships).values(
			SEED_MEMBERSHIPS.map(([slug, index, curator], n) => ({
				groupId: groupId(slug),
				personId: personId(index),
				status: 'member' as const,
				curator,
				createdAt: dayAt(now, -200 + n * 5, 11),
				version
			}))
		);

		console.info(
			`Seeded a demo community: ${SEED_PEOPLE.length} people, 2 events, ${SEED_CONTRIBUTIONS.length} contributions, ${SEED_BADGES.length} badges (set GATHER_SEED=off to start empty)`
		);
		return true;
	});
}
