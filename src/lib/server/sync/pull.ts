/**
 * POST /api/sync/pull: the rows a device may see that changed after its cursor, one page at a
 * time, all read from one snapshot.
 */
import { and, count, eq, gt, lte, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from '$lib/domain/actor';
import type { Person } from '$lib/domain/entities';
import {
	PULL_PAGE_SIZE,
	SYNCED_TABLES,
	type Deletion,
	type PullChanges,
	type PullRequest,
	type PullResponse,
	type SyncedTable
} from '$lib/domain/sync-protocol';
import type { Database, Transaction } from '$lib/server/db';
import { deletions, devices } from '$lib/server/db/schema';
import { currentVersion } from '$lib/server/db/versions';
import { DeviceOwnershipError } from './push';
import {
	toAward,
	toBadge,
	toCheckIn,
	toContribution,
	toEvent,
	toPerson,
	toGroup,
	toMembership,
	toNomination,
	toTaxonomyTerm,
	toRegistration,
	toRejectedMutation
} from './rows';
import { inWindow, scopeFor, syncedTables, type Scope } from './scope';

/** The first `limit` versions of rows in scope after `after`, in order (one entry per row). */
async function versionsAfter(
	tx: Transaction,
	table: PgTable,
	column: PgColumn,
	where: SQL | undefined,
	limit: number
): Promise<number[]> {
	const rows = await tx
		.select({ version: column })
		.from(table)
		.where(where)
		.orderBy(column)
		.limit(limit);
	return rows.map((row) => Number(row.version));
}

async function firstVersions(tx: Transaction, scope: Scope, after: number, limit: number) {
	const versions: number[] = [];
	// One table at a time: a transaction is one connection, parallel queries would only queue.
	for (const table of SYNCED_TABLES) {
		const where = inWindow(table, scope, after);
		versions.push(
			...(await versionsAfter(tx, syncedTables[table], syncedTables[table].version, where, limit))
		);
	}
	versions.push(
		...(await versionsAfter(tx, deletions, deletions.version, deletionsAfter(after), limit))
	);
	return versions.sort((a, b) => a - b).slice(0, limit);
}

/**
 * The highest version this page covers. A page never ends inside a version: the device
 * applies a page atomically with its cursor, and a version half delivered would be skipped
 * by the next pull. When one version alone holds more than `limit` rows, it is sent whole.
 */
async function pageBound(
	tx: Transaction,
	scope: Scope,
	after: number,
	limit: number,
	head: number
) {
	const versions = await firstVersions(tx, scope, after, limit + 1);
	if (versions.length <= limit) return { upTo: head, more: false };
	const last = versions[limit - 1];
	if (versions[limit] > last) return { upTo: last, more: true };
	const earlier = versions.filter((version) => version < last);
	if (earlier.length > 0) return { upTo: earlier[earlier.length - 1], more: true };
	const beyond = await firstVersions(tx, scope, last, 1);
	return { upTo: beyond.length > 0 ? last : head, more: beyond.length > 0 };
}

/** How many rows in scope have a version after `after`. */
async function countAfter(tx: Transaction, scope: Scope, after: number): Promise<number> {
	let total = 0;
	for (const table of SYNCED_TABLES) {
		const [row] = await tx
			.select({ count: count() })
			.from(syncedTables[table] as PgTable)
			.where(inWindow(table, scope, after));
		total += row?.count ?? 0;
	}
	const [deleted] = await tx
		.select({ count: count() })
		.from(deletions)
		.where(deletionsAfter(after));
	return total + (deleted?.count ?? 0);
}

/** Deletions after `after` (up to `upTo`): keys only, so every device receives them all. */
function deletionsAfter(after: number, upTo?: number): SQL | undefined {
	return and(
		gt(deletions.version, after),
		upTo === undefined ? undefined : lte(deletions.version, upTo)
	);
}

async function readDeletions(tx: Transaction, after: number, upTo: number): Promise<Deletion[]> {
	const rows = await tx
		.select({ table: deletions.tableName, key: deletions.key })
		.from(deletions)
		.where(deletionsAfter(after, upTo))
		.orderBy(deletions.version, deletions.id);
	return rows;
}

type Row<Table extends SyncedTable> = (typeof syncedTables)[Table]['$inferSelect'];

type Mappers = { [Table in SyncedTable]: (row: Row<Table>) => PullChanges[Table][number] };

/** How each table's rows become the entities a device stores. */
function mappers(actor: Actor): Mappers {
	return {
		// A person the viewer may not see at all never arrives (filtered in readTable).
		people: (row) => toPerson(row, actor) as Person,
		events: (row) => toEvent(row, actor),
		registrations: toRegistration,
		checkIns: toCheckIn,
		contributions: toContribution,
		badges: toBadge,
		awards: toAward,
		rejectedMutations: toRejectedMutation,
		groups: toGroup,
		memberships: toMembership,
		taxonomyTerms: toTaxonomyTerm,
		nominations: toNomination
	};
}

async function readTable<Table extends SyncedTable>(
	tx: Transaction,
	table: Table,
	where: SQL | undefined,
	map: Mappers
): Promise<PullChanges[Table]> {
	const source: PgTable = syncedTables[table];
	const toEntity = map[table] as (row: Row<Table>) => PullChanges[Table][number];
	const rows = (await tx
		.select()
		.from(source)
		.where(where)
		.orderBy(syncedTables[table].version)) as Row<Table>[];
	return rows.map(toEntity).filter((entity) => entity !== null) as PullChanges[Table];
}

async function readChanges(
	tx: Transaction,
	actor: Actor,
	scope: Scope,
	after: number,
	upTo: number
): Promise<PullChanges> {
	const map = mappers(actor);
	const changes: Partial<PullChanges> = {};
	for (const table of SYNCED_TABLES) {
		const rows = await readTable(tx, table, inWindow(table, scope, after, upTo), map);
		Object.assign(changes, { [table]: rows });
	}
	return changes as PullChanges;
}

/**
 * One page of changes after `request.cursor`. A cursor beyond the server's version (a
 * restored or replaced database) answers `reset` and pages from the start.
 */
export async function handlePull(
	db: Database,
	actor: Actor,
	request: PullRequest
): Promise<PullResponse> {
	// Repeatable read: the rows, the version head and lastMutationId all come from one snapshot.
	return db.transaction(
		async (tx) => {
			const [device] = await tx
				.select({ personId: devices.personId, lastMutationId: devices.lastMutationId })
				.from(devices)
				.where(eq(devices.id, request.deviceId));
			if (device && device.personId !== actor.personId)
				throw new DeviceOwnershipError(request.deviceId);
			const head = await currentVersion(tx);
			const reset = request.cursor > head;
			const after = reset ? 0 : request.cursor;
			const scope = scopeFor(tx, actor);
			const { upTo, more } = await pageBound(
				tx,
				scope,
				after,
				request.limit ?? PULL_PAGE_SIZE,
				head
			);
			return {
				cursor: upTo,
				more,
				reset,
				lastMutationId: device?.lastMutationId ?? 0,
				...(request.count ? { remaining: more ? await countAfter(tx, scope, upTo) : 0 } : {}),
				deletions: await readDeletions(tx, after, upTo),
				changes: await readChanges(tx, actor, scope, after, upTo)
			};
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}
