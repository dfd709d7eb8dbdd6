/**
 * What the group and admin screens read from the device's database (groups, memberships,
 * people), shaped for them. Screens call these through LiveQuery; writes go through mutations.
 */
import { foldText } from '$lib/domain/directory';
import type { Group, GroupKind, Membership, Person } from '$lib/domain/entities';
import { isListed } from '$lib/domain/privacy';
import type { GatherDatabase } from './db';

/** Where I stand in a group. */
export type MyStatus = 'curator' | 'member' | 'requested' | null;

export function statusOf(membership: Membership | undefined): MyStatus {
	if (!membership) return null;
	if (membership.status === 'pending') return 'requested';
	return membership.curator ? 'curator' : 'member';
}

export interface GroupSummary {
	group: Group;
	members: number;
	status: MyStatus;
}

/** Every group with its member count and where `personId` stands in it. */
export async function groupSummaries(
	db: GatherDatabase,
	personId: string
): Promise<GroupSummary[]> {
	const [groups, memberships] = await Promise.all([db.groups.toArray(), db.memberships.toArray()]);
	const counts = new Map<string, number>();
	const mine = new Map<string, Membership>();
	for (const membership of memberships) {
		if (membership.status === 'member')
			counts.set(membership.groupId, (counts.get(membership.groupId) ?? 0) + 1);
		if (membership.personId === personId) mine.set(membership.groupId, membership);
	}
	return groups.map((group) => ({
		group,
		members: counts.get(group.id) ?? 0,
		status: statusOf(mine.get(group.id))
	}));
}

/** Summaries whose name, description or slug contain the query, by kind, each sorted by name. */
export function groupsByKind(
	summaries: GroupSummary[],
	query: string,
	locale: string
): Record<GroupKind, GroupSummary[]> {
	const needle = foldText(query.trim());
	const collator = new Intl.Collator(locale);
	const found = summaries
		.filter(
			({ group }) =>
				needle === '' ||
				[group.name, group.description, group.slug].some((text) => foldText(text).includes(needle))
		)
		.sort((a, b) => collator.compare(a.group.name, b.group.name));
	return {
		area: found.filter(({ group }) => group.kind === 'area'),
		region: found.filter(({ group }) => group.kind === 'region'),
		team: found.filter(({ group }) => group.kind === 'team')
	};
}

export interface GroupToEdit {
	/** Null for a new group (an id this device does not hold). */
	group: Group | null;
	/** The slugs of every other group: a new or renamed group may not take one. */
	takenSlugs: Set<string>;
}

/** The group the admin form edits, with the slugs it may not take. */
export async function groupToEdit(db: GatherDatabase, groupId: string): Promise<GroupToEdit> {
	const groups = await db.groups.toArray();
	return {
		group: groups.find((group) => group.id === groupId) ?? null,
		takenSlugs: new Set(groups.filter((group) => group.id !== groupId).map((group) => group.slug))
	};
}

export interface GroupMember {
	personId: string;
	/** Undefined when this device does not (yet) mirror the person. */
	person: Person | undefined;
	curator: boolean;
	since: string;
}

export interface GroupDetail {
	group: Group;
	/** Members, curators first, then by name. */
	members: GroupMember[];
	/** Requests waiting for a curator (this device receives them only if it may decide). */
	pending: GroupMember[];
	curatorIds: string[];
	mine: Membership | undefined;
}

/** A group with its people, or null when this device does not hold it. */
export async function groupDetail(
	db: GatherDatabase,
	groupId: string,
	personId: string,
	locale: string
): Promise<GroupDetail | null> {
	const group = await db.groups.get(groupId);
	if (!group) return null;
	const memberships = await db.memberships.where('groupId').equals(groupId).toArray();
	const people = await db.people.bulkGet(memberships.map((row) => row.personId));
	const collator = new Intl.Collator(locale);
	const rows = memberships.map((row, index) => ({
		membership: row,
		entry: {
			personId: row.personId,
			person: people[index],
			curator: row.curator,
			since: row.createdAt
		}
	}));
	const byName = (a: GroupMember, b: GroupMember) =>
		Number(b.curator) - Number(a.curator) ||
		collator.compare(a.person?.displayName ?? '', b.person?.displayName ?? '');
	return {
		group,
		members: rows
			.filter((row) => row.membership.status === 'member')
			.map((row) => row.entry)
			.sort(byName),
		pending: rows
			.filter((row) => row.membership.status === 'pending')
			.map((row) => row.entry)
			.sort((a, b) => a.since.localeCompare(b.since)),
		curatorIds: memberships.filter((row) => row.curator).map((row) => row.personId),
		mine: memberships.find((row) => row.personId === personId)
	};
}

/**
 * Active people whose name contains the query, by name, at most `limit`, leaving out `except`
 * (e.g. a group's current members).
 */
export async function peopleNamed(
	db: GatherDatabase,
	query: string,
	locale: string,
	limit: number,
	except: ReadonlySet<string> = new Set()
): Promise<Person[]> {
	const needle = foldText(query.trim());
	if (needle === '') return [];
	const found = await db.people
		.filter(
			(person) =>
				isListed(person) &&
				!except.has(person.id) &&
				foldText(person.displayName ?? '').includes(needle)
		)
		.toArray();
	const collator = new Intl.Collator(locale);
	return found.sort((a, b) => collator.compare(a.displayName, b.displayName)).slice(0, limit);
}

/** Active people holding any role beyond member (the community's staff), by name. */
export async function peopleWithRoles(
	db: GatherDatabase,
	locale: string,
	limit: number
): Promise<Person[]> {
	const found = await db.people
		.filter((person) => isListed(person) && person.roles.some((role) => role !== 'member'))
		.toArray();
	const collator = new Intl.Collator(locale);
	return found.sort((a, b) => collator.compare(a.displayName, b.displayName)).slice(0, limit);
}
