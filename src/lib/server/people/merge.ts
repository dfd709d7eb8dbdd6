/**
 * Merging two records of one person: everything that points at the merged person moves to the
 * survivor, in one transaction with one version. Rows keyed by (thing, person) that both
 * already had are folded by the domain's conflict rules; every row whose key changed or that
 * was folded away is recorded as deleted, so devices drop their old copies, and every row that
 * changed is re-stamped, so devices pull the new ones. The merged person stays as an empty
 * `merged` row pointing at the survivor: old ids still resolve (resolvePerson in db/person-ids.ts).
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { mergeAward, mergeCheckIn } from '$lib/domain/conflicts';
import {
	DEFAULT_PRIVACY,
	ROLES,
	type ClockedKey,
	type Person,
	type PrivacyField
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { EMPTY_PERSONAL_FIELDS } from '$lib/domain/privacy';
import {
	MERGE_COUNTS,
	type MergeCounts,
	type MergeLogEntry,
	type MergeRefusal
} from '$lib/domain/people-admin';
import type { Database, Transaction } from '$lib/server/db';
import {
	awards,
	checkIns,
	contributions,
	nominations,
	credentials,
	devices,
	emailTokens,
	events,
	memberships,
	people,
	personMerges,
	recoveryCodes,
	registrations,
	rejectedMutations,
	sessions
} from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { notifyVersion } from '$lib/server/sync/changes';
import { restampAttendeeList } from '$lib/server/events/registrations';
import { recordDeletion, recordDeletions } from '$lib/server/sync/deletions';
import { toFullPerson } from '$lib/server/sync/rows';

type Reader = Database | Transaction;
type PersonRow = typeof people.$inferSelect;

export class MergeRefused extends Error {
	constructor(readonly reason: MergeRefusal) {
		super(reason);
		this.name = 'MergeRefused';
	}
}

/** Profile fields copied to the survivor when theirs is empty (the display name never is). */
const SCALAR_FIELDS = ['pronouns', 'bio', 'avatar', 'city', 'country', 'timezone'] as const;
const LIST_FIELDS = ['languages', 'skills', 'interests', 'links', 'areas'] as const;

/** What a merged person keeps: their name (for old references) and nothing else personal. */
const CLEARED_PROFILE = {
	...EMPTY_PERSONAL_FIELDS,
	roles: ['member'],
	fieldClocks: {}
};

/**
 * The survivor's empty fields filled from the merged person, each with the merged person's
 * privacy level and clocks for it (the value keeps who may see it and when it was written).
 */
function fillProfile(survivor: PersonRow, merged: PersonRow) {
	const changes: Partial<PersonRow> = {};
	const filled: PrivacyField[] = [];
	for (const field of SCALAR_FIELDS)
		if (survivor[field] === null && merged[field] !== null) {
			Object.assign(changes, { [field]: merged[field] });
			filled.push(field);
		}
	for (const field of LIST_FIELDS)
		if (survivor[field].length === 0 && merged[field].length > 0) {
			Object.assign(changes, { [field]: merged[field] });
			filled.push(field);
		}
	if (survivor.email === null && merged.email !== null) {
		changes.email = merged.email;
		filled.push('email');
	}
	const privacy = { ...DEFAULT_PRIVACY, ...survivor.privacy };
	const mergedPrivacy = { ...DEFAULT_PRIVACY, ...merged.privacy };
	const fieldClocks = { ...survivor.fieldClocks };
	for (const field of filled) {
		privacy[field] = mergedPrivacy[field];
		for (const key of [field, `privacy.${field}`] as ClockedKey[]) {
			const clock = merged.fieldClocks[key];
			if (clock !== undefined) fieldClocks[key] = clock;
		}
	}
	const roles = ROLES.filter(
		(role) => survivor.roles.includes(role) || merged.roles.includes(role)
	) as string[];
	const unknownRoles = survivor.roles.filter((role) => !roles.includes(role));
	return {
		changes: { ...changes, privacy, fieldClocks, roles: [...roles, ...unknownRoles] },
		filled
	};
}

const REGISTRATION_RANK = { registered: 0, waitlisted: 1, cancelled: 2, revoked: 3 } as const;

/** One transaction's worth of moving: the ids, the version, and the counts so far. */
interface Move {
	tx: Transaction;
	survivorId: string;
	mergedId: string;
	version: number;
	moved: MergeCounts;
}

/** Rows whose key is their id and that only point at a person: re-pointed in one statement. */
async function repoint({ tx, survivorId, mergedId, version, moved }: Move) {
	const stamped = { personId: survivorId, version };
	const plain = { personId: survivorId };
	moved.contributions = (
		await tx
			.update(contributions)
			.set(stamped)
			.where(eq(contributions.personId, mergedId))
			.returning({ id: contributions.id })
	).length;
	moved.rejectedMutations = (
		await tx
			.update(rejectedMutations)
			.set(stamped)
			.where(eq(rejectedMutations.personId, mergedId))
			.returning({ id: rejectedMutations.id })
	).length;
	moved.passkeys = (
		await tx
			.update(credentials)
			.set(plain)
			.where(eq(credentials.personId, mergedId))
			.returning({ id: credentials.id })
	).length;
	moved.sessions = (
		await tx
			.update(sessions)
			.set(plain)
			.where(eq(sessions.personId, mergedId))
			.returning({ id: sessions.id })
	).length;
	moved.devices = (
		await tx
			.update(devices)
			.set(plain)
			.where(eq(devices.personId, mergedId))
			.returning({ id: devices.id })
	).length;
	moved.recoveryCodes = (
		await tx
			.update(recoveryCodes)
			.set(plain)
			.where(eq(recoveryCodes.personId, mergedId))
			.returning({ id: recoveryCodes.id })
	).length;
	moved.emailTokens = (
		await tx
			.update(emailTokens)
			.set(plain)
			.where(eq(emailTokens.personId, mergedId))
			.returning({ id: emailTokens.id })
	).length;
}

/** Check-ins: one per (event, person); both at one event fold by mergeCheckIn. */
async function moveCheckIns({ tx, survivorId, mergedId, version, moved }: Move) {
	const theirs = await tx.select().from(checkIns).where(eq(checkIns.personId, mergedId));
	if (theirs.length === 0) return;
	const ours = new Map(
		(
			await tx
				.select()
				.from(checkIns)
				.where(
					and(
						eq(checkIns.personId, survivorId),
						inArray(
							checkIns.eventId,
							theirs.map((row) => row.eventId)
						)
					)
				)
		).map((row) => [row.eventId, row])
	);
	const facts = (row: typeof checkIns.$inferSelect) => ({
		checkedInAt: row.checkedInAt.toISOString(),
		recordedBy: row.recordedBy,
		admissions: row.admissions
	});
	for (const their of theirs) {
		const our = ours.get(their.eventId);
		if (!our) continue;
		const kept = mergeCheckIn(facts(our), facts(their));
		await tx
			.update(checkIns)
			.set({ ...kept, checkedInAt: new Date(kept.checkedInAt), version })
			.where(and(eq(checkIns.eventId, our.eventId), eq(checkIns.personId, survivorId)));
		await tx
			.delete(checkIns)
			.where(and(eq(checkIns.eventId, their.eventId), eq(checkIns.personId, mergedId)));
		moved.checkInsFolded++;
	}
	moved.checkIns = (
		await tx
			.update(checkIns)
			.set({ personId: survivorId, version })
			.where(eq(checkIns.personId, mergedId))
			.returning({ eventId: checkIns.eventId })
	).length;
	// Moved or folded, the (event, merged person) key is gone from every device.
	await recordDeletions(
		tx,
		'checkIns',
		theirs.map((row) => [row.eventId, mergedId]),
		version
	);
}

/** Awards: one per (badge, person); both holding a badge fold by mergeAward. */
async function moveAwards({ tx, survivorId, mergedId, version, moved }: Move) {
	const theirs = await tx.select().from(awards).where(eq(awards.personId, mergedId));
	if (theirs.length === 0) return;
	const ours = new Map(
		(
			await tx
				.select()
				.from(awards)
				.where(
					and(
						eq(awards.personId, survivorId),
						inArray(
							awards.badgeId,
							theirs.map((row) => row.badgeId)
						)
					)
				)
		).map((row) => [row.badgeId, row])
	);
	const facts = (row: typeof awards.$inferSelect) => ({
		awardedAt: row.awardedAt.toISOString(),
		awardedBy: row.awardedBy,
		evidence: row.evidence
	});
	for (const their of theirs) {
		const our = ours.get(their.badgeId);
		if (!our) continue;
		const kept = mergeAward(facts(our), facts(their));
		await tx
			.update(awards)
			.set({ ...kept, awardedAt: new Date(kept.awardedAt), version })
			.where(and(eq(awards.badgeId, our.badgeId), eq(awards.personId, survivorId)));
		await tx
			.delete(awards)
			.where(and(eq(awards.badgeId, their.badgeId), eq(awards.personId, mergedId)));
		moved.awardsFolded++;
	}
	moved.awards = (
		await tx
			.update(awards)
			.set({ personId: survivorId, version })
			.where(eq(awards.personId, mergedId))
			.returning({ badgeId: awards.badgeId })
	).length;
	await recordDeletions(
		tx,
		'awards',
		theirs.map((row) => [row.badgeId, mergedId]),
		version
	);
}

/** Memberships: both in a group keep one; a member beats a request, a curator stays one. */
async function moveMemberships({ tx, survivorId, mergedId, version, moved }: Move) {
	const theirs = await tx.select().from(memberships).where(eq(memberships.personId, mergedId));
	if (theirs.length === 0) return;
	const ours = new Map(
		(
			await tx
				.select()
				.from(memberships)
				.where(
					and(
						eq(memberships.personId, survivorId),
						inArray(
							memberships.groupId,
							theirs.map((row) => row.groupId)
						)
					)
				)
		).map((row) => [row.groupId, row])
	);
	for (const their of theirs) {
		const our = ours.get(their.groupId);
		if (!our) continue;
		await tx
			.update(memberships)
			.set({
				status: our.status === 'member' || their.status === 'member' ? 'member' : 'pending',
				curator: our.curator || their.curator,
				createdAt: our.createdAt < their.createdAt ? our.createdAt : their.createdAt,
				version
			})
			.where(and(eq(memberships.groupId, our.groupId), eq(memberships.personId, survivorId)));
		await tx
			.delete(memberships)
			.where(and(eq(memberships.groupId, their.groupId), eq(memberships.personId, mergedId)));
		moved.membershipsFolded++;
	}
	moved.memberships = (
		await tx
			.update(memberships)
			.set({ personId: survivorId, version })
			.where(eq(memberships.personId, mergedId))
			.returning({ groupId: memberships.groupId })
	).length;
	await recordDeletions(
		tx,
		'memberships',
		theirs.map((row) => [row.groupId, mergedId]),
		version
	);
}

/** Registrations: one per (event, person); both at one event keep the better status. */
async function moveRegistrations({ tx, survivorId, mergedId, version, moved }: Move) {
	const theirs = await tx.select().from(registrations).where(eq(registrations.personId, mergedId));
	if (theirs.length === 0) return;
	const ours = new Map(
		(
			await tx
				.select()
				.from(registrations)
				.where(
					and(
						eq(registrations.personId, survivorId),
						inArray(
							registrations.eventId,
							theirs.map((row) => row.eventId)
						)
					)
				)
		).map((row) => [row.eventId, row])
	);
	for (const their of theirs) {
		const our = ours.get(their.eventId);
		if (!our) continue;
		// The better ticket stays, whoever held it (ties: the survivor's).
		const loser =
			REGISTRATION_RANK[their.status] < REGISTRATION_RANK[our.status] ? our.id : their.id;
		await tx.delete(registrations).where(eq(registrations.id, loser));
		await recordDeletion(tx, 'registrations', loser, version);
		moved.registrationsFolded++;
	}
	// The id is the key: a moved ticket keeps it, and devices replace their copy.
	await tx
		.update(registrations)
		.set({ personId: survivorId, version })
		.where(eq(registrations.personId, mergedId));
	moved.registrations = theirs.length - moved.registrationsFolded;
}

/** Where the merged person's id appears as someone else's row: organizer, awarder, recorder. */
async function replaceMentions({ tx, survivorId, mergedId, version, moved }: Move) {
	const staffed = await tx
		.select({ id: events.id, organizerIds: events.organizerIds, doorIds: events.doorIds })
		.from(events)
		.where(
			sql`${mergedId}::uuid = any(${events.organizerIds}) or ${mergedId}::uuid = any(${events.doorIds})`
		);
	const replace = (ids: string[]) => [
		...new Set(ids.map((id) => (id === mergedId ? survivorId : id)))
	];
	for (const event of staffed) {
		await tx
			.update(events)
			.set({ organizerIds: replace(event.organizerIds), doorIds: replace(event.doorIds), version })
			.where(eq(events.id, event.id));
		// The survivor now runs this door: its attendee list must reach their devices.
		if (!event.organizerIds.includes(survivorId) && !event.doorIds.includes(survivorId))
			await restampAttendeeList(tx, event.id, version, { revoke: false });
	}
	// Helping at a door is not counted: the log counts what the person organized.
	moved.eventsOrganized = staffed.filter((event) => event.organizerIds.includes(mergedId)).length;
	moved.awardsGiven = (
		await tx
			.update(awards)
			.set({ awardedBy: survivorId, version })
			.where(eq(awards.awardedBy, mergedId))
			.returning({ badgeId: awards.badgeId })
	).length;
	// Acts of recognition they took part in follow them (not counted in the log).
	await tx
		.update(awards)
		.set({ revokedBy: survivorId, version })
		.where(eq(awards.revokedBy, mergedId));
	await tx
		.update(contributions)
		.set({ verifiedBy: survivorId, version })
		.where(eq(contributions.verifiedBy, mergedId));
	for (const column of ['personId', 'nominatedBy', 'decidedBy'] as const)
		await tx
			.update(nominations)
			.set({ [column]: survivorId, version })
			.where(eq(nominations[column], mergedId));
	moved.checkInsRecorded = (
		await tx
			.update(checkIns)
			.set({ recordedBy: survivorId, version })
			.where(eq(checkIns.recordedBy, mergedId))
			.returning({ eventId: checkIns.eventId })
	).length;
	// The admissions they recorded at a door (the report lists who let whom in).
	const admitted = await tx
		.select({
			eventId: checkIns.eventId,
			personId: checkIns.personId,
			admissions: checkIns.admissions
		})
		.from(checkIns)
		.where(sql`${checkIns.admissions} @> ${JSON.stringify([{ recordedBy: mergedId }])}::jsonb`);
	for (const row of admitted)
		await tx
			.update(checkIns)
			.set({
				admissions: row.admissions.map((admission) =>
					admission.recordedBy === mergedId ? { ...admission, recordedBy: survivorId } : admission
				),
				version
			})
			.where(and(eq(checkIns.eventId, row.eventId), eq(checkIns.personId, row.personId)));
	// People merged into the merged person earlier now point at the survivor: one hop again.
	moved.earlierMerges = (
		await tx
			.update(people)
			.set({ mergedInto: survivorId, version })
			.where(eq(people.mergedInto, mergedId))
			.returning({ id: people.id })
	).length;
}

export interface MergeInput {
	survivorId: string;
	mergedId: string;
	/** The admin merging; null for a merge made by the system. */
	mergedBy: string | null;
}

/** What the log row keeps of the merged person, besides the counts. */
interface MergeSnapshot {
	person: Person;
	filled: PrivacyField[];
}

/**
 * Merge `mergedId` into `survivorId`. Refused (MergeRefused) for the same person, an unknown
 * id, or either person not active (a merged survivor would make a chain).
 */
export async function mergePeople(db: Database, input: MergeInput): Promise<MergeLogEntry> {
	const { survivorId, mergedId, mergedBy } = input;
	if (survivorId === mergedId) throw new MergeRefused('same_person');
	return db.transaction(async (tx) => {
		// First: the version's row lock orders this merge with every other writer.
		const version = await nextVersion(tx);
		const rows = await tx
			.select()
			.from(people)
			.where(inArray(people.id, [survivorId, mergedId]))
			.for('update');
		const survivor = rows.find((row) => row.id === survivorId);
		const merged = rows.find((row) => row.id === mergedId);
		if (!survivor || !merged) throw new MergeRefused('not_found');
		if (survivor.status !== 'active') throw new MergeRefused('survivor_inactive');
		if (merged.status !== 'active') throw new MergeRefused('merged_inactive');

		const moved = Object.fromEntries(MERGE_COUNTS.map((key) => [key, 0])) as MergeCounts;
		const move: Move = { tx, survivorId, mergedId, version, moved };
		await repoint(move);
		await moveCheckIns(move);
		await moveAwards(move);
		await moveMemberships(move);
		await moveRegistrations(move);
		await replaceMentions(move);

		const { changes, filled } = fillProfile(survivor, merged);
		// The merged row lets go of its email first: addresses are unique.
		await tx
			.update(people)
			.set({ ...CLEARED_PROFILE, status: 'merged', mergedInto: survivorId, version })
			.where(eq(people.id, mergedId));
		await tx
			.update(people)
			.set({ ...changes, version })
			.where(eq(people.id, survivorId));

		const snapshot: MergeSnapshot = { person: toFullPerson(merged), filled };
		const [logged] = await tx
			.insert(personMerges)
			.values({ id: newId(), survivorId, mergedId, mergedBy, snapshot, moved })
			.returning({ id: personMerges.id, createdAt: personMerges.createdAt });
		await notifyVersion(tx, version);

		const [admin] = mergedBy
			? await tx
					.select({ id: people.id, displayName: people.displayName })
					.from(people)
					.where(eq(people.id, mergedBy))
			: [];
		return {
			id: logged.id,
			createdAt: logged.createdAt.toISOString(),
			survivor: { id: survivor.id, displayName: survivor.displayName },
			merged: { id: merged.id, displayName: merged.displayName, email: merged.email },
			mergedBy: admin ?? null,
			moved,
			filled
		};
	});
}

/** The merge log, newest first. */
export async function listMerges(db: Reader, limit = 200): Promise<MergeLogEntry[]> {
	const survivor = alias(people, 'survivor');
	const admin = alias(people, 'admin');
	const rows = await db
		.select({
			id: personMerges.id,
			createdAt: personMerges.createdAt,
			mergedId: personMerges.mergedId,
			snapshot: personMerges.snapshot,
			moved: personMerges.moved,
			survivorId: survivor.id,
			survivorName: survivor.displayName,
			survivorStatus: survivor.status,
			adminId: admin.id,
			adminName: admin.displayName,
			adminStatus: admin.status
		})
		.from(personMerges)
		.innerJoin(survivor, eq(survivor.id, personMerges.survivorId))
		.leftJoin(admin, eq(admin.id, personMerges.mergedBy))
		.orderBy(desc(personMerges.createdAt), desc(personMerges.id))
		.limit(limit);
	return rows.map((row) => {
		const snapshot = row.snapshot as Partial<MergeSnapshot>;
		// A deleted account's name is a placeholder (account.ts), and its snapshot is erased.
		const nameOf = (name: string, status: string | null) => (status === 'deleted' ? '' : name);
		return {
			id: row.id,
			createdAt: row.createdAt.toISOString(),
			survivor: { id: row.survivorId, displayName: nameOf(row.survivorName, row.survivorStatus) },
			merged: {
				id: row.mergedId,
				displayName: snapshot.person?.displayName ?? '',
				email: snapshot.person?.email ?? null
			},
			mergedBy:
				row.adminId && row.adminName
					? { id: row.adminId, displayName: nameOf(row.adminName, row.adminStatus) }
					: null,
			moved: row.moved,
			filled: snapshot.filled ?? []
		};
	});
}
