/** Small builders for server specs: people to act as, pushed mutations with a sane clock. */
import type { Actor } from '$lib/domain/actor';
import type { Role } from '$lib/domain/entities';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type {
	RecordCheckInArgs,
	SaveBadgeArgs,
	SaveEventArgs,
	SaveGroupArgs
} from '$lib/domain/mutations';
import type {
	PullChanges,
	PullResponse,
	PushedMutation,
	SyncedTable
} from '$lib/domain/sync-protocol';
import type { Database } from '$lib/server/db';
import { badges, events, groups, memberships, people, registrations } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { ensureEventSecrets } from '$lib/server/events/keys';
import { registerPerson } from '$lib/server/events/registrations';
import { handlePull } from '$lib/server/sync/pull';

/** Insert a person (as sign-up would) and return them as an actor. */
export function addPerson(db: Database, roles: Role[] = ['member']): Promise<Actor> {
	return addPersonWithProfile(db, { roles });
}

export function clock(millis = Date.now()): string {
	return encodeHlc({ millis, counter: 0, node: 'spec' });
}

export function logContribution(
	mutationId: number,
	overrides: Record<string, unknown> = {}
): PushedMutation {
	return {
		mutationId,
		name: 'contribution.log',
		args: {
			id: newId(),
			area: 'localization',
			activityType: 'translated',
			description: `Translated batch ${mutationId}`,
			happenedOn: new Date().toISOString().slice(0, 10),
			link: null,
			...overrides
		},
		hlc: clock()
	};
}

/** Insert a person with a chosen id, so that two databases can hold the same people. */
export function addPersonWithId(
	db: Database,
	id: string,
	roles: Role[] = ['member']
): Promise<Actor> {
	return addPersonWithProfile(db, { id, roles });
}

/**
 * Insert a community event happening now, run by `organizerIds` (and any other column, such
 * as `doorIds` or `capacity`), with its key pair and check-in code; returns its id.
 */
export async function addEvent(
	db: Database,
	organizerIds: string[],
	id: string = newId(),
	values: Partial<typeof events.$inferInsert> = {}
): Promise<string> {
	const now = Date.now();
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(events).values({
			id,
			title: `Sprint ${id.slice(-4)}`,
			startsAt: new Date(now - 3600_000),
			endsAt: new Date(now + 3600_000),
			timezone: 'UTC',
			visibility: 'community',
			organizerIds,
			...values,
			version
		});
		await ensureEventSecrets(tx, id);
	});
	return id;
}

/** Register a person for an event as the server would (a ticket, or the waiting list). */
export async function addRegistration(
	db: Database,
	eventId: string,
	personId: string,
	options: { walkIn?: boolean; ignoreCapacity?: boolean; id?: string } = {}
): Promise<typeof registrations.$inferSelect> {
	return db.transaction(async (tx) =>
		registerPerson(tx, {
			eventId,
			personId,
			registrationId: options.id ?? newId(),
			walkIn: options.walkIn ?? false,
			ignoreCapacity: options.ignoreCapacity,
			version: await nextVersion(tx)
		})
	);
}

/** Arguments of checkin.record from a door called "Door 1", by search, unless told. */
export function checkInArgs(
	eventId: string,
	personId: string,
	overrides: Partial<RecordCheckInArgs> = {}
): RecordCheckInArgs {
	return {
		eventId,
		personId,
		checkedInAt: new Date().toISOString(),
		deviceName: 'Door 1',
		method: 'search',
		...overrides
	};
}

/** Arguments of event.save for a new community event happening now, run by `organizerIds`. */
export function eventSaveArgs(
	organizerIds: string[],
	overrides: Partial<SaveEventArgs> = {}
): SaveEventArgs {
	const now = Date.now();
	return {
		id: newId(),
		title: 'Localization sprint',
		description: '',
		startsAt: new Date(now - 3600_000).toISOString(),
		endsAt: new Date(now + 3600_000).toISOString(),
		timezone: 'UTC',
		venue: 'Community space',
		address: null,
		onlineLink: null,
		area: 'localization',
		capacity: null,
		visibility: 'community',
		organizerIds,
		doorIds: [],
		cancelled: false,
		reportNotes: '',
		photosLink: null,
		...overrides
	};
}

/** Insert a badge class; returns its id. */
export async function addBadge(db: Database, id: string = newId()): Promise<string> {
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx
			.insert(badges)
			.values({ id, slug: `badge-${id.replaceAll('-', '')}`, name: 'Helper', version });
	});
	return id;
}

/** Arguments of badge.save for a new badge without image or rule, its own id and slug unless told. */
export function badgeSaveArgs(overrides: Partial<SaveBadgeArgs> = {}): SaveBadgeArgs {
	const id = overrides.id ?? newId();
	return {
		id,
		slug: `badge-${id.slice(-12)}`,
		name: 'Translator',
		description: 'Translates the app',
		criteria: 'Translate a screen',
		image: null,
		rule: null,
		archived: false,
		...overrides
	};
}

/** Insert a group (open, a team, not archived unless told); returns its id. */
export async function addGroup(
	db: Database,
	options: Partial<Pick<typeof groups.$inferInsert, 'policy' | 'kind' | 'archived' | 'slug'>> = {},
	id: string = newId()
): Promise<string> {
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(groups).values({
			id,
			kind: 'team',
			slug: `group-${id.replaceAll('-', '')}`,
			name: `Group ${id.slice(-4)}`,
			policy: 'open',
			...options,
			version
		});
	});
	return id;
}

/** Arguments of group.save for a new open team with its own id and slug, unless told. */
export function groupSaveArgs(overrides: Partial<SaveGroupArgs> = {}): SaveGroupArgs {
	const id = overrides.id ?? newId();
	return {
		id,
		kind: 'team',
		slug: `group-${id.replaceAll('-', '')}`,
		name: 'Support desk',
		description: '',
		policy: 'open',
		area: null,
		country: null,
		archived: false,
		...overrides
	};
}

/** Insert a membership (a member, not a curator, unless told). */
export async function addMembership(
	db: Database,
	groupId: string,
	personId: string,
	options: { status?: 'member' | 'pending'; curator?: boolean } = {}
): Promise<void> {
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(memberships).values({
			groupId,
			personId,
			status: options.status ?? 'member',
			curator: options.curator ?? false,
			version
		});
	});
}

/** Insert a person with any stored columns set (a full profile, privacy levels); returns them as an actor. */
export async function addPersonWithProfile(
	db: Database,
	values: Partial<typeof people.$inferInsert> = {}
): Promise<Actor> {
	const id = values.id ?? newId();
	const roles = (values.roles ?? ['member']) as Role[];
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(people).values({
			displayName: `Tester ${id.slice(-4)}`,
			email: `${id}@example.org`,
			...values,
			id,
			roles,
			version
		});
	});
	return { personId: id, roles };
}

/** Pull everything in `actor`'s scope from the start on a new device, page after page. */
export async function pullAll(db: Database, actor: Actor, limit = 500): Promise<PullChanges> {
	const deviceId = newId();
	const all: Partial<Record<keyof PullChanges, unknown[]>> = {};
	let cursor = 0;
	let page: PullResponse;
	do {
		page = await handlePull(db, actor, { deviceId, cursor, limit });
		for (const [table, rows] of Object.entries(page.changes))
			(all[table as keyof PullChanges] ??= []).push(...rows);
		cursor = page.cursor;
	} while (page.more);
	return all as PullChanges;
}

/** A row's key as a device's Dexie table holds it (db.ts): compound keys for these tables. */
const COMPOUND_KEYS: Partial<Record<SyncedTable, [string, string]>> = {
	checkIns: ['eventId', 'personId'],
	awards: ['badgeId', 'personId'],
	memberships: ['groupId', 'personId']
};

function mirrorKey(table: SyncedTable, row: Record<string, unknown>): string {
	const compound = COMPOUND_KEYS[table];
	return JSON.stringify(compound ? compound.map((field) => row[field]) : row.id);
}

/**
 * One device of `actor`: each sync() pulls from its own cursor and applies the pages as a
 * device does (a page's deletions, then its rows), so a spec sees what stays on a device after
 * a change, not only what a new device's first pull would bring.
 */
export function deviceMirror(db: Database, actor: Actor) {
	const deviceId = newId();
	let cursor = 0;
	const tables = new Map<SyncedTable, Map<string, unknown>>();
	const table = (name: SyncedTable) => {
		let rows = tables.get(name);
		if (!rows) tables.set(name, (rows = new Map()));
		return rows;
	};
	return {
		async sync(): Promise<void> {
			let page: PullResponse;
			do {
				page = await handlePull(db, actor, { deviceId, cursor });
				if (page.reset) tables.clear();
				for (const { table: name, key } of page.deletions) table(name).delete(JSON.stringify(key));
				for (const [name, rows] of Object.entries(page.changes) as [SyncedTable, unknown[]][])
					for (const row of rows)
						table(name).set(mirrorKey(name, row as Record<string, unknown>), row);
				cursor = page.cursor;
			} while (page.more);
		},
		/** The rows of `name` this device holds now. */
		rows<Name extends SyncedTable>(name: Name): PullChanges[Name] {
			return [...table(name).values()] as PullChanges[Name];
		}
	};
}
