/**
 * The authorization matrix, on real PGlite: every role (and the anonymous caller, a group's
 * curator and an event's organizer) against every mutation in the registry and every read
 * path. The expected outcome of each cell is written out below; nobody gains a permission
 * they lack, and a refused write changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { mutations, type MutationName } from '$lib/domain/mutations';
import type { PullChanges } from '$lib/domain/sync-protocol';
import type { Database, DatabaseHandle, Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	credentials,
	deletions,
	events,
	groups,
	memberships,
	nominations,
	people,
	personMerges,
	registrations,
	rejectedMutations,
	sessions,
	taxonomyTerms
} from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { registerPerson } from '$lib/server/events/registrations';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addBadge,
	addEvent,
	addGroup,
	addMembership,
	addPersonWithProfile,
	clock,
	eventSaveArgs,
	groupSaveArgs,
	pullAll
} from '$lib/server/testing/fixtures';
import { GET as duplicatesEndpoint } from '../../routes/api/admin/duplicates/+server';
import { POST as importEndpoint } from '../../routes/api/admin/import/+server';
import { POST as mergeEndpoint } from '../../routes/api/admin/merge/+server';
import { GET as mergesEndpoint } from '../../routes/api/admin/merges/+server';
import { GET as passkeysEndpoint } from '../../routes/api/auth/passkeys/+server';
import { GET as meEndpoint } from '../../routes/api/auth/me/+server';
import { GET as directoryEndpoint } from '../../routes/api/directory/+server';
import { GET as exportData } from '../../routes/api/me/export/+server';
import { GET as personEndpoint } from '../../routes/api/people/[id]/+server';
import { GET as changesEndpoint } from '../../routes/api/sync/changes/+server';
import { POST as pushEndpoint } from '../../routes/api/sync/push/+server';
import { POST as pullEndpoint } from '../../routes/api/sync/pull/+server';
import { callRoute, localsOf, serveEndpointsFrom } from '$lib/server/testing/routes';

/** The columns of every table below, in this order. */
const ACTORS = [
	'member',
	'volunteer',
	'organizer',
	'mentor',
	'moderator',
	'admin',
	/** A member who curates the closed group. */
	'curator',
	/** A member who runs the event. */
	'eventOrganizer',
	/** A member who helps at the event's door (check-ins only). */
	'doorHelper',
	/** No session at all. */
	'anonymous'
] as const;
type ActorName = (typeof ACTORS)[number];
type SignedIn = Exclude<ActorName, 'anonymous'>;

/** A: applied and changed something. N: applied, nothing to change. F: refused as forbidden. U: 401. */
type Outcome = 'A' | 'N' | 'F' | 'U';
const [A, N, F, U] = ['A', 'N', 'F', 'U'] as const;

interface World {
	actors: Record<SignedIn, Actor>;
	/** The person others act on: a plain member with activity of every kind. */
	target: Actor;
	targetEmail: string;
	/** Everyone (actors and target) is a member. */
	openGroup: string;
	/** Nobody is a member: joining is open to all. */
	freshOpenGroup: string;
	requestGroup: string;
	/** Curated by `curator`; the target has a pending request in it. */
	closedGroup: string;
	archivedGroup: string;
	/**
	 * A community event run by `eventOrganizer`, `doorHelper` at its door; the target is
	 * registered and checked in.
	 */
	eventId: string;
	/** Its times and self check-in code, as stored. */
	eventStartsAt: string;
	eventEndsAt: string;
	checkInCode: string;
	/** An invite-only event run by `eventOrganizer`; the target is registered. */
	inviteEventId: string;
	badgeId: string;
	/** A badge nobody has yet. */
	spareBadgeId: string;
	targetRejectionId: string;
	targetContributionId: string;
}

interface Case {
	name: string;
	args(world: World, actor: Actor): unknown;
	/** Rows the cell needs first (inside the cell's rolled-back transaction; `deviceId` pushes). */
	setup?(tx: Transaction, world: World, actor: Actor, deviceId: string): Promise<unknown>;
	/** One outcome per actor, in ACTORS order. */
	expect: readonly Outcome[];
}

/** membership.set arguments: `person` made a member (a curator if told) or removed. */
const membershipArgs = (
	groupId: string,
	person: Actor,
	status: 'member' | 'removed',
	curator = false
) => ({ groupId, personId: person.personId, status, curator });
const minuteAgo = () => new Date(Date.now() - 60_000).toISOString();

/**
 * The mutation matrix. Columns: member volunteer organizer mentor moderator admin curator
 * eventOrganizer doorHelper anonymous. Typed over every mutation name, and checked again at run time
 * against the registry's keys: a mutation without rows here fails.
 */
const MATRIX: { [Name in MutationName]: Case[] } = {
	'contribution.log': [
		{
			name: 'log my own contribution',
			args: () => ({
				id: newId(),
				area: 'community',
				activityType: 'other',
				description: 'Helped out',
				happenedOn: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
				link: null
			}),
			//      mem vol org men mod adm cur evo dor anon
			expect: [A, A, A, A, A, A, A, A, A, U]
		}
	],
	'profile.update': [
		{
			name: 'edit my own profile',
			args: (_world, actor) => ({ personId: actor.personId, changes: { bio: 'Edited' } }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: "edit someone else's profile",
			args: (world) => ({ personId: world.target.personId, changes: { bio: 'Defaced' } }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		},
		{
			name: "make someone else's email public",
			args: (world) => ({
				personId: world.target.personId,
				changes: { privacy: { email: 'public' } }
			}),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'checkin.record': [
		{
			name: 'check someone registered in at the event',
			args: (world) => ({
				eventId: world.eventId,
				personId: world.target.personId,
				checkedInAt: minuteAgo(),
				deviceName: 'Door 1',
				method: 'scan'
			}),
			// The organizer role alone is not enough: this event's organizers and door helpers.
			//      mem vol org men mod adm cur evo dor anon
			expect: [F, F, F, F, F, A, F, A, A, U]
		},
		{
			name: 'check myself in at the event (registered)',
			setup: (tx, world, actor) => register(tx, world.eventId, actor.personId),
			args: (world, actor) => ({
				eventId: world.eventId,
				personId: actor.personId,
				checkedInAt: minuteAgo(),
				deviceName: '',
				method: 'search'
			}),
			expect: [F, F, F, F, F, A, F, A, A, U]
		}
	],
	'checkin.undo': [
		{
			name: "undo this device's admission of someone",
			setup: (tx, world, actor, deviceId) =>
				admitAt(tx, world.eventId, world.target.personId, actor, deviceId),
			args: (world) => ({ eventId: world.eventId, personId: world.target.personId }),
			expect: [F, F, F, F, F, A, F, A, A, U]
		}
	],
	'checkin.walkIn': [
		{
			name: 'register and admit a walk-in at the door',
			args: (world) => ({
				eventId: world.eventId,
				personId: newId(),
				registrationId: newId(),
				displayName: 'Walk-in',
				email: null,
				checkedInAt: minuteAgo(),
				deviceName: 'Door 1'
			}),
			expect: [F, F, F, F, F, A, F, A, A, U]
		}
	],
	'checkin.self': [
		{
			name: "check myself in with the venue's code",
			args: (world) => ({
				eventId: world.eventId,
				registrationId: newId(),
				code: world.checkInCode,
				checkedInAt: minuteAgo()
			}),
			expect: [A, A, A, A, A, A, A, A, A, U]
		}
	],
	'event.save': [
		{
			name: 'create an event',
			args: (_world, actor) => eventSaveArgs([actor.personId]),
			expect: [F, F, A, F, F, A, F, F, F, U]
		},
		{
			name: 'edit the event (its door helper cannot)',
			args: (world) =>
				eventSaveArgs([world.actors.eventOrganizer.personId], {
					id: world.eventId,
					title: 'Renamed',
					startsAt: world.eventStartsAt,
					endsAt: world.eventEndsAt,
					doorIds: [world.actors.doorHelper.personId]
				}),
			expect: [F, F, F, F, F, A, F, A, F, U]
		},
		{
			name: "name myself the event's organizer",
			args: (world, actor) =>
				eventSaveArgs([actor.personId], {
					id: world.eventId,
					startsAt: world.eventStartsAt,
					endsAt: world.eventEndsAt
				}),
			expect: [F, F, F, F, F, A, F, A, F, U]
		}
	],
	'registration.create': [
		{
			name: 'register myself for the community event',
			args: (world, actor) => ({ id: newId(), eventId: world.eventId, personId: actor.personId }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: 'register myself for the invite-only event',
			args: (world, actor) => ({
				id: newId(),
				eventId: world.inviteEventId,
				personId: actor.personId
			}),
			expect: [F, F, F, F, F, A, F, A, F, U]
		},
		{
			name: 'register the member for the community event',
			args: (world) => ({
				id: newId(),
				eventId: world.eventId,
				personId: world.actors.member.personId
			}),
			// The member registers themselves: allowed.
			expect: [A, F, F, F, F, A, F, A, F, U]
		}
	],
	'registration.cancel': [
		{
			name: 'cancel my own registration',
			setup: (tx, world, actor) => register(tx, world.eventId, actor.personId),
			args: (world, actor) => ({ eventId: world.eventId, personId: actor.personId }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: "cancel someone else's registration",
			args: (world) => ({ eventId: world.eventId, personId: world.target.personId }),
			expect: [F, F, F, F, F, A, F, A, F, U]
		}
	],
	'registration.revoke': [
		{
			name: "revoke someone's ticket",
			args: (world) => ({ eventId: world.eventId, personId: world.target.personId }),
			expect: [F, F, F, F, F, A, F, A, F, U]
		},
		{
			name: 'revoke my own ticket',
			setup: (tx, world, actor) => register(tx, world.eventId, actor.personId),
			args: (world, actor) => ({ eventId: world.eventId, personId: actor.personId }),
			expect: [F, F, F, F, F, A, F, A, F, U]
		}
	],
	'award.grant': [
		{
			name: 'award a badge to someone',
			args: (world) => ({
				badgeId: world.spareBadgeId,
				personId: world.target.personId,
				evidence: null
			}),
			expect: [F, F, A, A, F, A, F, F, F, U]
		},
		{
			name: 'award a badge to myself',
			args: (world, actor) => ({
				badgeId: world.spareBadgeId,
				personId: actor.personId,
				evidence: null
			}),
			expect: [F, F, F, F, F, F, F, F, F, U]
		}
	],
	'contribution.edit': [
		{
			name: 'edit my own contribution',
			setup: (tx, _world, actor) => addOwnContribution(tx, actor),
			args: (_world, actor) => contributionEditArgs(ownContributionId(actor)),
			//      mem vol org men mod adm cur evo dor anon
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: "edit someone else's contribution",
			args: (world) => contributionEditArgs(world.targetContributionId),
			expect: [F, F, F, F, F, F, F, F, F, U]
		}
	],
	'contribution.delete': [
		{
			name: 'delete my own contribution',
			setup: (tx, _world, actor) => addOwnContribution(tx, actor),
			args: (_world, actor) => ({ id: ownContributionId(actor) }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: "delete someone else's contribution (admins moderate)",
			args: (world) => ({ id: world.targetContributionId }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'contribution.verify': [
		{
			name: "verify someone else's contribution",
			args: (world) => ({ id: world.targetContributionId, verified: true }),
			expect: [F, F, A, A, F, A, F, F, F, U]
		},
		{
			name: 'verify my own contribution',
			setup: (tx, _world, actor) => addOwnContribution(tx, actor),
			args: (_world, actor) => ({ id: ownContributionId(actor), verified: true }),
			expect: [F, F, F, F, F, F, F, F, F, U]
		}
	],
	'taxonomy.save': [
		{
			name: 'add an activity type to the taxonomy',
			args: () => ({
				kind: 'activity',
				slug: 'recorded_podcast',
				names: { en: 'Recorded a podcast' },
				weight: 2,
				archived: false,
				position: 500
			}),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'badge.save': [
		{
			name: 'create a badge',
			args: () => {
				const id = newId();
				return {
					id,
					slug: `badge-${id.slice(-12)}`,
					name: 'Night owl',
					description: '',
					criteria: 'Helped after midnight',
					image: null,
					rule: null,
					archived: false
				};
			},
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'award.revoke': [
		{
			name: "revoke someone's award",
			args: (world) => ({ badgeId: world.badgeId, personId: world.target.personId, reason: 'x' }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'nomination.create': [
		{
			name: 'nominate someone for a badge',
			args: (world) => ({
				id: newId(),
				badgeId: world.spareBadgeId,
				personId: world.target.personId,
				reason: 'Helped everyone at the sprint'
			}),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: 'nominate myself',
			args: (world, actor) => ({
				id: newId(),
				badgeId: world.spareBadgeId,
				personId: actor.personId,
				reason: 'I was great'
			}),
			expect: [F, F, F, F, F, F, F, F, F, U]
		}
	],
	'nomination.decide': [
		{
			name: "approve a member's nomination of someone",
			setup: (tx, world, actor) => addNomination(tx, world, actor),
			args: (_world, actor) => ({ id: nominationId(actor), approve: true, awardId: newId() }),
			expect: [F, F, A, A, F, A, F, F, F, U]
		}
	],
	'rejection.dismiss': [
		{
			name: 'dismiss my own refused write',
			setup: (tx, _world, actor) => insertRejection(tx, actor.personId, ownRejectionId(actor)),
			args: (_world, actor) => ({ id: ownRejectionId(actor) }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: "dismiss someone else's refused write",
			args: (world) => ({ id: world.targetRejectionId }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'group.save': [
		{
			name: 'create a group',
			args: () => groupSaveArgs(),
			expect: [F, F, F, F, F, A, F, F, F, U]
		},
		{
			name: 'rename the closed group (its curator included)',
			args: (world) => groupSaveArgs({ id: world.closedGroup, name: 'Renamed', policy: 'closed' }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'group.join': [
		{
			name: 'join an open group',
			args: (world) => ({ groupId: world.freshOpenGroup }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: 'ask to join a by-request group',
			args: (world) => ({ groupId: world.requestGroup }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: 'join a closed group (only a curator adds people; its curator is in it already)',
			args: (world) => ({ groupId: world.closedGroup }),
			expect: [F, F, F, F, F, F, N, F, F, U]
		},
		{
			name: 'join an archived group',
			args: (world) => ({ groupId: world.archivedGroup }),
			expect: [F, F, F, F, F, F, F, F, F, U]
		}
	],
	'group.leave': [
		{
			name: 'leave a group I am in',
			args: (world) => ({ groupId: world.openGroup }),
			expect: [A, A, A, A, A, A, A, A, A, U]
		},
		{
			name: 'leave a group I am not in',
			args: (world) => ({ groupId: world.requestGroup }),
			expect: [N, N, N, N, N, N, N, N, N, U]
		}
	],
	'membership.set': [
		{
			name: "approve someone's request to the closed group",
			args: (world) => membershipArgs(world.closedGroup, world.target, 'member'),
			expect: [F, F, F, F, F, A, A, F, F, U]
		},
		{
			name: "decline someone's request to the closed group",
			args: (world) => membershipArgs(world.closedGroup, world.target, 'removed'),
			expect: [F, F, F, F, F, A, A, F, F, U]
		},
		{
			name: 'add myself to the closed group as a curator',
			args: (world, actor) => membershipArgs(world.closedGroup, actor, 'member', true),
			expect: [F, F, F, F, F, A, N, F, F, U]
		},
		{
			name: 'remove someone from a group the curator does not curate',
			args: (world) => membershipArgs(world.openGroup, world.target, 'removed'),
			expect: [F, F, F, F, F, A, F, F, F, U]
		}
	],
	'person.setRoles': [
		{
			name: 'make someone a volunteer',
			args: (world) => ({ personId: world.target.personId, roles: ['volunteer'] }),
			expect: [F, F, F, F, F, A, F, F, F, U]
		},
		{
			name: 'make myself an admin',
			args: (_world, actor) => ({ personId: actor.personId, roles: ['admin'] }),
			expect: [F, F, F, F, F, N, F, F, F, U]
		}
	]
};

/** Register `personId` for the event (a seat and a ticket), for the cells that need one. */
async function register(tx: Transaction, eventId: string, personId: string) {
	return registerPerson(tx, {
		eventId,
		personId,
		registrationId: newId(),
		walkIn: false,
		version: await nextVersion(tx)
	});
}

/** A pending nomination of the target (by the volunteer) for each actor's decide cell. */
const nominationIds = new Map<string, string>();
function nominationId(actor: Actor): string {
	if (!nominationIds.has(actor.personId)) nominationIds.set(actor.personId, newId());
	return nominationIds.get(actor.personId)!;
}

async function addNomination(tx: Transaction, world: World, actor: Actor) {
	await tx.insert(nominations).values({
		id: nominationId(actor),
		badgeId: world.spareBadgeId,
		personId: world.target.personId,
		nominatedBy: world.actors.volunteer.personId,
		reason: 'Helped everyone at the sprint',
		version: await nextVersion(tx)
	});
}

/** A logged contribution of `actor`'s own, for the edit, delete and verify cells (one id each). */
const ownContributionIds = new Map<string, string>();
function ownContributionId(actor: Actor): string {
	if (!ownContributionIds.has(actor.personId)) ownContributionIds.set(actor.personId, newId());
	return ownContributionIds.get(actor.personId)!;
}

async function addOwnContribution(tx: Transaction, actor: Actor) {
	await tx.insert(contributions).values({
		id: ownContributionId(actor),
		personId: actor.personId,
		area: 'community',
		activityType: 'other',
		description: 'own-contribution',
		happenedOn: '2024-05-01',
		createdAt: new Date(),
		version: await nextVersion(tx)
	});
}

const contributionEditArgs = (id: string) => ({
	id,
	area: 'documentation',
	activityType: 'wrote_docs',
	description: 'Edited',
	happenedOn: '2024-05-02',
	link: null
});

/** `actor` admitted `personId` a minute ago from `deviceId` (the admission an undo takes back). */
async function admitAt(
	tx: Transaction,
	eventId: string,
	personId: string,
	actor: Actor,
	deviceId: string
) {
	const at = minuteAgo();
	await tx
		.update(checkIns)
		.set({
			admissions: [
				{ deviceId, deviceName: 'Door 1', recordedBy: actor.personId, at, method: 'scan' }
			],
			recordedBy: actor.personId,
			checkedInAt: new Date(at)
		})
		.where(and(eq(checkIns.eventId, eventId), eq(checkIns.personId, personId)));
}

/** A refused write of `personId`'s own, for the dismiss cells (one id per actor). */
const rejectionIds = new Map<string, string>();
function ownRejectionId(actor: Actor): string {
	if (!rejectionIds.has(actor.personId)) rejectionIds.set(actor.personId, newId());
	return rejectionIds.get(actor.personId)!;
}

async function insertRejection(tx: Database | Transaction, personId: string, id: string) {
	const version = await nextVersion(tx as Transaction);
	await tx.insert(rejectedMutations).values({
		id,
		personId,
		deviceId: newId(),
		mutationId: 1,
		name: 'contribution.log',
		args: {},
		reason: 'invalid',
		version
	});
}

let handle: DatabaseHandle;
let world: World;

async function buildWorld(db: Database): Promise<World> {
	const roleOf: Record<SignedIn, Actor['roles'][number][]> = {
		member: ['member'],
		volunteer: ['member', 'volunteer'],
		organizer: ['member', 'organizer'],
		mentor: ['member', 'mentor'],
		moderator: ['member', 'moderator'],
		admin: ['member', 'admin'],
		curator: ['member'],
		eventOrganizer: ['member'],
		doorHelper: ['member']
	};
	const actors = {} as Record<SignedIn, Actor>;
	for (const name of Object.keys(roleOf) as SignedIn[])
		actors[name] = await addPersonWithProfile(db, { displayName: name, roles: roleOf[name] });
	const targetEmail = `target-private-${newId()}@example.org`;
	const target = await addPersonWithProfile(db, {
		displayName: 'Target',
		email: targetEmail,
		bio: 'target-bio'
	});

	const openGroup = await addGroup(db);
	const freshOpenGroup = await addGroup(db);
	const requestGroup = await addGroup(db, { policy: 'request' });
	const closedGroup = await addGroup(db, { policy: 'closed' });
	const archivedGroup = await addGroup(db, { archived: true });
	for (const actor of [...Object.values(actors), target])
		await addMembership(db, openGroup, actor.personId);
	await addMembership(db, closedGroup, actors.curator.personId, { curator: true });
	await addMembership(db, closedGroup, target.personId, { status: 'pending' });

	const eventId = await addEvent(db, [actors.eventOrganizer.personId], newId(), {
		doorIds: [actors.doorHelper.personId]
	});
	const [event] = await db.select().from(events).where(eq(events.id, eventId));
	const inviteEventId = await addEvent(db, [actors.eventOrganizer.personId]);
	const badgeId = await addBadge(db);
	const spareBadgeId = await addBadge(db);
	const targetRejectionId = newId();
	const targetContributionId = newId();
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.update(events).set({ visibility: 'invite' }).where(eq(events.id, inviteEventId));
		await tx.insert(registrations).values(
			[eventId, inviteEventId].map((event) => ({
				id: newId(),
				eventId: event,
				personId: target.personId,
				status: 'registered' as const,
				ticketCode: `ticket-${newId()}`,
				version
			}))
		);
		await tx.insert(checkIns).values({
			eventId,
			personId: target.personId,
			checkedInAt: new Date(),
			recordedBy: actors.eventOrganizer.personId,
			admissions: [
				{
					deviceId: newId(),
					deviceName: 'Door 1',
					recordedBy: actors.eventOrganizer.personId,
					at: new Date().toISOString(),
					method: 'scan'
				}
			],
			version
		});
		await tx.insert(contributions).values({
			id: targetContributionId,
			personId: target.personId,
			area: 'community',
			activityType: 'other',
			description: 'target-contribution',
			happenedOn: '2024-05-01',
			createdAt: new Date(),
			version
		});
		await tx.insert(awards).values({
			badgeId,
			personId: target.personId,
			awardedAt: new Date(),
			awardedBy: actors.mentor.personId,
			evidence: 'target-award-evidence',
			version
		});
	});
	await insertRejection(db, target.personId, targetRejectionId);
	await db.insert(credentials).values({
		id: `credential-${newId()}`,
		personId: target.personId,
		publicKey: 'target-public-key',
		deviceType: 'singleDevice',
		name: 'target-passkey-name'
	});
	return {
		actors,
		target,
		targetEmail,
		openGroup,
		freshOpenGroup,
		requestGroup,
		closedGroup,
		archivedGroup,
		eventId,
		eventStartsAt: event.startsAt.toISOString(),
		eventEndsAt: event.endsAt.toISOString(),
		checkInCode: event.checkInCode!,
		inviteEventId,
		badgeId,
		spareBadgeId,
		targetRejectionId,
		targetContributionId
	};
}

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	world = await buildWorld(handle.db);
});
afterAll(() => handle?.close());

class RolledBack extends Error {}

/** Run `work` in a transaction that is always rolled back: every cell starts from the world. */
async function rolledBack<Result>(work: (tx: Transaction) => Promise<Result>): Promise<Result> {
	let result: Result | undefined;
	await handle.db
		.transaction(async (tx) => {
			result = await work(tx);
			throw new RolledBack();
		})
		.catch((failure: unknown) => {
			if (!(failure instanceof RolledBack)) throw failure;
		});
	return result as Result;
}

/** A row as text, without the version every push re-stamps. */
function withoutVersion(row: Record<string, unknown>): string {
	const copy = { ...row };
	delete copy.version;
	return JSON.stringify(copy);
}

/**
 * Everything a write could change, minus what every push changes anyway (versions, the
 * device row, the cell's own refusal): two equal snapshots mean nothing was written.
 */
async function snapshot(tx: Database | Transaction, deviceId: string) {
	const tables = {
		people,
		events,
		registrations,
		checkIns,
		contributions,
		badges,
		awards,
		groups,
		memberships,
		deletions,
		credentials,
		sessions,
		personMerges,
		taxonomyTerms,
		nominations
	};
	const state: Record<string, string[]> = {};
	for (const [name, table] of Object.entries(tables)) {
		const rows = (await tx.select().from(table)) as Record<string, unknown>[];
		state[name] = rows.map(withoutVersion).sort();
	}
	const refusals = await tx
		.select()
		.from(rejectedMutations)
		.where(ne(rejectedMutations.deviceId, deviceId));
	state.rejectedMutations = refusals.map(withoutVersion).sort();
	return state;
}

async function runCell(name: MutationName, cell: Case, actorName: ActorName): Promise<string> {
	if (actorName === 'anonymous') {
		const deviceId = newId();
		const before = await snapshot(handle.db, deviceId);
		const response = await callRoute(pushEndpoint, {
			body: JSON.stringify({
				deviceId,
				mutations: [{ mutationId: 1, name, args: cell.args(world, world.target), hlc: clock() }]
			})
		});
		const unchanged = isDeepStrictEqual(before, await snapshot(handle.db, deviceId));
		return response.status === 401 && unchanged ? U : `status ${response.status}`;
	}
	const actor = world.actors[actorName];
	return rolledBack(async (tx) => {
		const deviceId = newId();
		await cell.setup?.(tx, world, actor, deviceId);
		const before = await snapshot(tx, deviceId);
		const response = await handlePush(tx as unknown as Database, actor, {
			deviceId,
			mutations: [{ mutationId: 1, name, args: cell.args(world, actor), hlc: clock() }]
		});
		const unchanged = isDeepStrictEqual(before, await snapshot(tx, deviceId));
		if (response.applied === 1) return unchanged ? N : A;
		const [refusal] = await tx
			.select()
			.from(rejectedMutations)
			.where(eq(rejectedMutations.deviceId, deviceId));
		if (refusal?.reason !== 'forbidden') return `refused as ${refusal?.reason}: ${refusal?.detail}`;
		// A refusal must leave everything as it was.
		return unchanged ? F : 'forbidden, but something changed';
	});
}

describe('authorization matrix: mutations', () => {
	it('has rows for every mutation in the registry, and a column for every actor', () => {
		expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(mutations).sort());
		for (const [name, cases] of Object.entries(MATRIX)) {
			expect(cases.length, name).toBeGreaterThan(0);
			for (const cell of cases) expect(cell.expect).toHaveLength(ACTORS.length);
		}
	});

	const cells = (Object.keys(mutations) as MutationName[]).flatMap((name) =>
		(MATRIX[name] ?? []).flatMap((cell) =>
			ACTORS.map((actor, column) => ({ name, cell, actor, expected: cell.expect[column] }))
		)
	);

	it.each(cells)(
		'$name: $cell.name, as $actor → $expected',
		async ({ name, cell, actor, expected }) => {
			expect(await runCell(name, cell, actor)).toBe(expected);
		}
	);
});

/** Y: the actor's pull holds the row; n: it does not. */
const [Y, n] = [true, false] as const;

interface ReadRow {
	name: string;
	holds(changes: PullChanges, world: World, actor: Actor): boolean;
	/** One per signed-in actor, in ACTORS order (anonymous cannot pull: 401, tested apart). */
	expect: readonly boolean[];
}

/** What each actor's pull receives. Columns: member … eventOrganizer, as above. */
const PULL_MATRIX: ReadRow[] = [
	{
		name: 'my own person row, with my email',
		holds: (changes, _world, actor) =>
			changes.people.some((person) => person.id === actor.personId && person.email !== null),
		//      mem vol org men mod adm cur evo dor
		expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y]
	},
	{
		name: "another person's row",
		holds: (changes, world) => changes.people.some((person) => person.id === world.target.personId),
		expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y]
	},
	{
		name: "another person's private email",
		holds: (changes, world) => JSON.stringify(changes).includes(world.targetEmail),
		expect: [n, n, n, n, n, n, n, n, n]
	},
	{
		name: 'a community event',
		holds: (changes, world) => changes.events.some((event) => event.id === world.eventId),
		expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y]
	},
	{
		name: 'an invite-only event (its organizer and admins only)',
		holds: (changes, world) => changes.events.some((event) => event.id === world.inviteEventId),
		expect: [n, n, n, n, n, Y, n, Y, n]
	},
	{
		name: "someone's registration at the event",
		holds: (changes, world) =>
			changes.registrations.some(
				(row) => row.personId === world.target.personId && row.eventId === world.eventId
			),
		expect: [n, n, n, n, n, Y, n, Y, Y]
	},
	{
		name: "someone's check-in at the event",
		holds: (changes, world) =>
			changes.checkIns.some((row) => row.personId === world.target.personId),
		expect: [n, n, n, n, n, Y, n, Y, Y]
	},
	{
		name: "someone's contribution",
		holds: (changes, world) =>
			changes.contributions.some((row) => row.id === world.targetContributionId),
		expect: [n, n, n, n, n, n, n, n, n]
	},
	{
		name: "someone's award (its giver only)",
		holds: (changes, world) => changes.awards.some((row) => row.personId === world.target.personId),
		expect: [n, n, n, Y, n, n, n, n, n]
	},
	{
		name: "someone's refused write",
		holds: (changes, world) =>
			changes.rejectedMutations.some((row) => row.id === world.targetRejectionId),
		expect: [n, n, n, n, n, n, n, n, n]
	},
	{
		name: "someone's pending request (the group's curators and admins)",
		holds: (changes, world) =>
			changes.memberships.some(
				(row) => row.groupId === world.closedGroup && row.personId === world.target.personId
			),
		expect: [n, n, n, n, n, Y, Y, n, n]
	},
	{
		name: "someone's membership of a group",
		holds: (changes, world) =>
			changes.memberships.some(
				(row) => row.groupId === world.openGroup && row.personId === world.target.personId
			),
		expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y]
	},
	{
		name: 'groups and badges',
		holds: (changes, world) =>
			changes.groups.some((group) => group.id === world.closedGroup) &&
			changes.badges.some((badge) => badge.id === world.badgeId),
		expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y]
	}
];

const SIGNED_IN = ACTORS.filter((actor): actor is SignedIn => actor !== 'anonymous');

const anonymous = localsOf(null);

describe('authorization matrix: reads', () => {
	const pulls = new Map<SignedIn, PullChanges>();
	beforeAll(async () => {
		for (const actor of SIGNED_IN)
			pulls.set(actor, await pullAll(handle.db, world.actors[actor], 200));
	});

	it.each(
		PULL_MATRIX.flatMap((row) =>
			SIGNED_IN.map((actor, column) => ({ row, actor, expected: row.expect[column] }))
		)
	)('pull: $row.name, as $actor → $expected', ({ row, actor, expected }) => {
		expect(row.holds(pulls.get(actor)!, world, world.actors[actor])).toBe(expected);
	});

	it('pull and push: the anonymous caller gets 401', async () => {
		const pulled = await callRoute(pullEndpoint, {
			body: JSON.stringify({ deviceId: newId(), cursor: 0 }),
			locals: anonymous
		});
		expect(pulled.status).toBe(401);
		const pushed = await callRoute(pushEndpoint, {
			body: JSON.stringify({ deviceId: newId(), mutations: [] }),
			locals: anonymous
		});
		expect(pushed.status).toBe(401);
	});

	it.each(SIGNED_IN)('GET /api/me/export: %s receives their own data only', async (actor) => {
		const response = await callRoute(exportData, {
			locals: localsOf(world.actors[actor])
		});
		expect(response.status).toBe(200);
		const text = await response.text();
		expect((JSON.parse(text) as { profile: { id: string } }).profile.id).toBe(
			world.actors[actor].personId
		);
		for (const secret of TARGET_SECRETS(actor)) expect(text).not.toContain(secret);
	});

	it.each(
		READ_MATRIX.flatMap((row) =>
			ACTORS.map((actor, column) => ({ row, actor, expected: row.expect[column] }))
		)
	)('$row.name as $actor → $expected', async ({ row, actor, expected }) => {
		const locals = localsOf(actor === 'anonymous' ? null : world.actors[actor]);
		const response = await callRoute(row.handler, {
			url: `https://gather.example.org${row.path(world)}`,
			locals,
			params: row.params?.(world)
		});
		expect(response.status).toBe(expected);
		if (row.stream) {
			await response.body?.cancel();
			return;
		}
		// Whatever the answer, the target's private data is not in it.
		const text = await response.text();
		for (const secret of TARGET_SECRETS(actor)) expect(text).not.toContain(secret);
	});
});

/**
 * What no actor may read of the target: their private email, their passkey, their
 * contribution; and the evidence of their award, except its giver (the mentor), who wrote it.
 */
const TARGET_SECRETS = (actor: ActorName) => [
	world.targetEmail,
	'target-passkey-name',
	'target-public-key',
	'target-contribution',
	...(actor === 'mentor' ? [] : ['target-award-evidence'])
];

interface ReadEndpointRow {
	name: string;
	handler: Parameters<typeof callRoute>[0];
	path(world: World): string;
	params?(world: World): Record<string, string>;
	/** A server-sent event stream: only its status is read. */
	stream?: boolean;
	/** The HTTP status per actor, in ACTORS order. */
	expect: readonly number[];
}

/** The read endpoints besides pull, export and the admin APIs. */
const READ_MATRIX: ReadEndpointRow[] = [
	{
		// The target's display name is for members: the public cannot tell them apart from nobody.
		name: "GET /api/people/[id] (a member's profile)",
		handler: personEndpoint,
		path: (world) => `/api/people/${world.target.personId}`,
		params: (world) => ({ id: world.target.personId }),
		//      mem  vol  org  men  mod  adm  cur  evo  dor  anon
		expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 404]
	},
	{
		name: 'GET /api/directory',
		handler: directoryEndpoint,
		path: () => '/api/directory?q=target',
		expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]
	},
	{
		name: 'GET /api/auth/me (who am I)',
		handler: meEndpoint,
		path: () => '/api/auth/me',
		expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]
	},
	{
		name: 'GET /api/auth/passkeys (my passkeys)',
		handler: passkeysEndpoint,
		path: () => '/api/auth/passkeys',
		expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]
	},
	{
		name: 'GET /api/sync/changes (the change feed)',
		handler: changesEndpoint,
		path: () => '/api/sync/changes',
		stream: true,
		expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]
	}
];

type Handler = Parameters<typeof callRoute>[0];

interface EndpointRow {
	name: string;
	handler: Handler;
	/** The request body for this cell (a write gets its own throwaway targets). */
	body?(): Promise<{ body: string; wrote(): Promise<boolean> }>;
	/** The HTTP status per actor, in ACTORS order. */
	expect: readonly number[];
}

/** Two throwaway active people to merge; `wrote` tells whether the merge happened. */
async function mergeTargets() {
	const survivor = await addPersonWithProfile(handle.db);
	const merged = await addPersonWithProfile(handle.db);
	return {
		body: JSON.stringify({ survivorId: survivor.personId, mergedId: merged.personId }),
		async wrote() {
			const [row] = await handle.db
				.select({ status: people.status })
				.from(people)
				.where(eq(people.id, merged.personId));
			return row?.status !== 'active';
		}
	};
}

/** A CSV of one new person; `wrote` tells whether the import created them. */
async function importTarget() {
	const email = `imported-${newId()}@example.org`;
	return {
		body: JSON.stringify({ csv: `email,name\n${email},Imported Person\n`, apply: true }),
		async wrote() {
			const rows = await handle.db
				.select({ id: people.id })
				.from(people)
				.where(eq(people.email, email));
			return rows.length > 0;
		}
	};
}

/** The admin APIs: admins only (403 for every other role, 401 without a session). */
const ADMIN_MATRIX: EndpointRow[] = [
	{
		name: 'GET /api/admin/duplicates',
		handler: duplicatesEndpoint,
		//      mem  vol  org  men  mod  adm  cur  evo  dor  anon
		expect: [403, 403, 403, 403, 403, 200, 403, 403, 403, 401]
	},
	{
		name: 'GET /api/admin/merges',
		handler: mergesEndpoint,
		expect: [403, 403, 403, 403, 403, 200, 403, 403, 403, 401]
	},
	{
		name: 'POST /api/admin/merge',
		handler: mergeEndpoint,
		body: mergeTargets,
		expect: [403, 403, 403, 403, 403, 200, 403, 403, 403, 401]
	},
	{
		name: 'POST /api/admin/import',
		handler: importEndpoint,
		body: importTarget,
		expect: [403, 403, 403, 403, 403, 200, 403, 403, 403, 401]
	}
];

describe('authorization matrix: admin APIs', () => {
	it.each(
		ADMIN_MATRIX.flatMap((row) =>
			ACTORS.map((actor, column) => ({ row, actor, expected: row.expect[column] }))
		)
	)('$row.name as $actor → $expected', async ({ row, actor, expected }) => {
		const locals = localsOf(actor === 'anonymous' ? null : world.actors[actor]);
		const write = await row.body?.();
		const response = await callRoute(row.handler, {
			locals,
			body: write?.body ?? null,
			method: write ? 'POST' : 'GET'
		});
		expect(response.status).toBe(expected);
		// A refused call wrote nothing; an allowed write did what it says.
		if (write) expect(await write.wrote()).toBe(response.status === 200);
	});
});
