/**
 * A person's own data: everything Gather holds about them as one JSON document, and the
 * deletion of their account. Deletion erases what is personal and keeps, anonymised, what the
 * community counts (contributions, check-ins, awards): those stay on the person's row, which
 * remains as an empty `deleted` person, so every count and every old id still holds.
 */
import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import { DEFAULT_PRIVACY } from '$lib/domain/entities';
import { confirmsAccount, type DeleteAccountRefusal } from '$lib/domain/own-data';
import { EMPTY_PERSONAL_FIELDS } from '$lib/domain/privacy';
import type { Database, Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	credentials,
	devices,
	emailTokens,
	events,
	groups,
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
import { promoteWaitlist } from '$lib/server/events/registrations';
import { recordDeletions } from '$lib/server/sync/deletions';
import {
	toAward,
	toCheckIn,
	toContribution,
	toFullPerson,
	toMembership,
	toRegistration,
	toRejectedMutation
} from '$lib/server/sync/rows';

/** What a deleted person's row is called; screens show a translated "Deleted account" instead. */
export const DELETED_DISPLAY_NAME = '—';

export const EXPORT_FORMAT = 'gather-export';
export const EXPORT_FORMAT_VERSION = 1;

export class AccountRefused extends Error {
	constructor(readonly code: DeleteAccountRefusal) {
		super(code);
		this.name = 'AccountRefused';
	}
}

/** A copy of `value` without `keys` (internal sync columns the export leaves out). */
function omit<Value extends object, Key extends keyof Value>(
	value: Value,
	...keys: Key[]
): Omit<Value, Key> {
	const copy = { ...value };
	for (const key of keys) delete copy[key];
	return copy;
}

/** The person's rows that were merged into them (their older duplicates), all the way down. */
async function mergedInto(executor: Database | Transaction, personId: string): Promise<string[]> {
	const found: string[] = [];
	let frontier = [personId];
	// A merge chain is short; the guard stops a cycle a broken import might have made.
	for (let depth = 0; frontier.length > 0 && depth < 50; depth += 1) {
		const rows = await executor
			.select({ id: people.id })
			.from(people)
			.where(inArray(people.mergedInto, frontier));
		frontier = rows.map((row) => row.id).filter((id) => id !== personId && !found.includes(id));
		found.push(...frontier);
	}
	return found;
}

/**
 * Everything about one person, for them to download: their profile with its privacy levels,
 * their groups, activity, passkeys (names and dates, never keys), sessions, devices, refused
 * writes and the merges that involved them. Nothing about another person beyond an id.
 * Returns null when there is no such person.
 */
export async function exportPersonData(db: Database, personId: string, now = new Date()) {
	return db.transaction(
		async (tx) => {
			const [row] = await tx.select().from(people).where(eq(people.id, personId));
			if (!row) return null;
			const profile = omit(toFullPerson(row), 'fieldClocks', 'version');

			const groupRows = await tx
				.select({ membership: memberships, groupName: groups.name, groupKind: groups.kind })
				.from(memberships)
				.innerJoin(groups, eq(groups.id, memberships.groupId))
				.where(eq(memberships.personId, personId))
				.orderBy(memberships.createdAt);
			const registrationRows = await tx
				.select({ registration: registrations, eventTitle: events.title })
				.from(registrations)
				.innerJoin(events, eq(events.id, registrations.eventId))
				.where(eq(registrations.personId, personId))
				.orderBy(registrations.createdAt);
			const checkInRows = await tx
				.select({ checkIn: checkIns, eventTitle: events.title })
				.from(checkIns)
				.innerJoin(events, eq(events.id, checkIns.eventId))
				.where(eq(checkIns.personId, personId))
				.orderBy(checkIns.checkedInAt);
			const contributionRows = await tx
				.select()
				.from(contributions)
				.where(eq(contributions.personId, personId))
				.orderBy(contributions.happenedOn, contributions.createdAt);
			const awardRows = await tx
				.select({ award: awards, badgeName: badges.name })
				.from(awards)
				.innerJoin(badges, eq(badges.id, awards.badgeId))
				.where(or(eq(awards.personId, personId), eq(awards.awardedBy, personId)))
				.orderBy(awards.awardedAt);
			const passkeys = await tx
				.select({
					name: credentials.name,
					deviceType: credentials.deviceType,
					backedUp: credentials.backedUp,
					createdAt: credentials.createdAt,
					lastUsedAt: credentials.lastUsedAt
				})
				.from(credentials)
				.where(eq(credentials.personId, personId))
				.orderBy(credentials.createdAt);
			const [sessionCount] = await tx
				.select({ count: count() })
				.from(sessions)
				.where(eq(sessions.personId, personId));
			const codes = await tx
				.select({ usedAt: recoveryCodes.usedAt })
				.from(recoveryCodes)
				.where(eq(recoveryCodes.personId, personId));
			const deviceRows = await tx
				.select({
					id: devices.id,
					createdAt: devices.createdAt,
					lastSeenAt: devices.lastSeenAt,
					lastMutationId: devices.lastMutationId
				})
				.from(devices)
				.where(eq(devices.personId, personId))
				.orderBy(devices.createdAt);
			const rejectedRows = await tx
				.select()
				.from(rejectedMutations)
				.where(eq(rejectedMutations.personId, personId))
				.orderBy(rejectedMutations.rejectedAt);
			const mergeRows = await tx
				.select()
				.from(personMerges)
				.where(or(eq(personMerges.survivorId, personId), eq(personMerges.mergedId, personId)))
				.orderBy(personMerges.createdAt);

			return {
				format: EXPORT_FORMAT,
				formatVersion: EXPORT_FORMAT_VERSION,
				exportedAt: now.toISOString(),
				profile,
				roles: profile.roles,
				memberships: groupRows.map(({ membership, groupName, groupKind }) => ({
					...omit(toMembership(membership), 'version'),
					groupName,
					groupKind
				})),
				registrations: registrationRows.map(({ registration, eventTitle }) => {
					return { ...omit(toRegistration(registration), 'version'), eventTitle };
				}),
				checkIns: checkInRows.map(({ checkIn, eventTitle }) => {
					const row = omit(toCheckIn(checkIn), 'version');
					// Which door let them in and how; the devices' ids are the door staff's.
					const admissions = row.admissions.map((admission) => omit(admission, 'deviceId'));
					return { ...row, admissions, eventTitle };
				}),
				contributions: contributionRows.map((contribution) => {
					return omit(toContribution(contribution), 'version');
				}),
				awardsReceived: awardRows
					.filter(({ award }) => award.personId === personId)
					.map(({ award, badgeName }) => {
						return { ...omit(toAward(award), 'version'), badgeName };
					}),
				awardsGiven: awardRows
					.filter(({ award }) => award.awardedBy === personId)
					.map(({ award, badgeName }) => {
						return { ...omit(toAward(award), 'version'), badgeName };
					}),
				passkeys: passkeys.map((passkey) => ({
					...passkey,
					createdAt: passkey.createdAt.toISOString(),
					lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null
				})),
				recoveryCodes: {
					total: codes.length,
					unused: codes.filter((code) => code.usedAt === null).length
				},
				sessions: { active: sessionCount?.count ?? 0 },
				devices: deviceRows.map((device) => ({
					...device,
					createdAt: device.createdAt.toISOString(),
					lastSeenAt: device.lastSeenAt.toISOString()
				})),
				rejectedMutations: rejectedRows.map((rejected) => {
					return omit(toRejectedMutation(rejected), 'version');
				}),
				merges: mergeRows.map((merge) => ({
					id: merge.id,
					survivorId: merge.survivorId,
					mergedId: merge.mergedId,
					mergedBy: merge.mergedBy,
					snapshot: merge.snapshot,
					moved: merge.moved,
					createdAt: merge.createdAt.toISOString()
				}))
			};
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}

/** The profile of a deleted person: every personal field empty. */
const ERASED_PROFILE = {
	displayName: DELETED_DISPLAY_NAME,
	...EMPTY_PERSONAL_FIELDS,
	privacy: DEFAULT_PRIVACY,
	fieldClocks: {}
};

/**
 * Delete a person's account, in one transaction with one version. Their row stays as an
 * empty `deleted` person (so contributions, check-ins and awards still count, anonymised);
 * memberships and registrations go (recorded as deletions, so devices drop them), as does
 * every way to sign in (passkeys, sessions, recovery codes, email links), their devices and
 * refused writes. Rows merged into them are emptied too, and the merge log keeps no profile.
 * `confirm` is what they typed: their email or display name. The last admin cannot leave
 * (nobody could grant the role again).
 */
export async function deleteAccount(
	db: Database,
	personId: string,
	confirm: string
): Promise<{ version: number }> {
	return db.transaction(async (tx) => {
		const [person] = await tx
			.select({
				email: people.email,
				displayName: people.displayName,
				roles: people.roles,
				status: people.status
			})
			.from(people)
			.where(eq(people.id, personId))
			.for('update');
		if (!person || person.status !== 'active') throw new AccountRefused('not_found');
		if (!confirmsAccount(confirm, person)) throw new AccountRefused('confirm_mismatch');
		// Taken before the admin check: the version's row lock serialises two admins leaving.
		const version = await nextVersion(tx);
		if (person.roles.includes('admin')) {
			const admins = await tx
				.select({ id: people.id })
				.from(people)
				.where(and(eq(people.status, 'active'), sql`'admin' = any(${people.roles})`));
			if (admins.every((admin) => admin.id === personId)) throw new AccountRefused('last_admin');
		}

		const formerSelves = await mergedInto(tx, personId);
		await tx
			.update(people)
			.set({ ...ERASED_PROFILE, roles: ['member'], status: 'deleted', version })
			.where(eq(people.id, personId));
		if (formerSelves.length > 0)
			await tx
				.update(people)
				.set({ ...ERASED_PROFILE, roles: ['member'], version })
				.where(inArray(people.id, formerSelves));
		const everyId = [personId, ...formerSelves];
		await tx
			.update(personMerges)
			.set({ snapshot: { erased: true } })
			.where(
				or(inArray(personMerges.survivorId, everyId), inArray(personMerges.mergedId, everyId))
			);

		const leftGroups = await tx
			.delete(memberships)
			.where(eq(memberships.personId, personId))
			.returning({ groupId: memberships.groupId });
		await recordDeletions(
			tx,
			'memberships',
			leftGroups.map((row) => [row.groupId, personId]),
			version
		);
		const cancelled = await tx
			.delete(registrations)
			.where(eq(registrations.personId, personId))
			.returning({
				id: registrations.id,
				eventId: registrations.eventId,
				status: registrations.status
			});
		await recordDeletions(
			tx,
			'registrations',
			cancelled.map((row) => row.id),
			version
		);
		// A seat they held goes to the event's waiting list.
		for (const row of cancelled)
			if (row.status === 'registered') await promoteWaitlist(tx, row.eventId, version);
		const refused = await tx
			.delete(rejectedMutations)
			.where(eq(rejectedMutations.personId, personId))
			.returning({ id: rejectedMutations.id });
		await recordDeletions(
			tx,
			'rejectedMutations',
			refused.map((row) => row.id),
			version
		);

		for (const table of [credentials, sessions, recoveryCodes, emailTokens, devices])
			await tx.delete(table).where(eq(table.personId, personId));

		await notifyVersion(tx, version);
		return { version };
	});
}
