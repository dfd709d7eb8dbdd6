/**
 * POST /api/sync/pull: the rows a device may see that changed after its cursor, one page at a
 * time, all read from one snapshot.
 */
import { eq, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from '$lib/domain/actor';
import {
	PULL_PAGE_SIZE,
	SYNCED_TABLES,
	type PullChanges,
	type PullRequest,
	type PullResponse
} from '$lib/domain/sync-protocol';
import type { Database, Transaction } from '$lib/server/db';
import {
	awards,
	badges,
	checkIns,
	contributions,
	devices,
	events,
	people,
	registrations,
	rejectedMutations
} from '$lib/server/db/schema';
import { currentVersion } from '$lib/server/db/versions';
import { DeviceOwnershipError } from './push';
import {
	toAward,
	toBadge,
	toCheckIn,
	toContribution,
	toEvent,
	toPerson,
	toRegistration,
	toRejectedMutation
} from './rows';
import { inWindow, scopeFor, syncedTables, versionColumns, type Scope } from './scope';

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
			...(await versionsAfter(tx, syncedTables[table], versionColumns[table], where, limit))
		);
	}
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

async function readChanges(
	tx: Transaction,
	actor: Actor,
	scope: Scope,
	after: number,
	upTo: number
): Promise<PullChanges> {
	const where = (table: keyof PullChanges) => inWindow(table, scope, after, upTo);
	return {
		people: (await tx.select().from(people).where(where('people')).orderBy(people.version)).map(
			(row) => toPerson(row, actor)
		),
		events: (await tx.select().from(events).where(where('events')).orderBy(events.version)).map(
			toEvent
		),
		registrations: (
			await tx
				.select()
				.from(registrations)
				.where(where('registrations'))
				.orderBy(registrations.version)
		).map(toRegistration),
		checkIns: (
			await tx.select().from(checkIns).where(where('checkIns')).orderBy(checkIns.version)
		).map(toCheckIn),
		contributions: (
			await tx
				.select()
				.from(contributions)
				.where(where('contributions'))
				.orderBy(contributions.version)
		).map(toContribution),
		badges: (await tx.select().from(badges).where(where('badges')).orderBy(badges.version)).map(
			toBadge
		),
		awards: (await tx.select().from(awards).where(where('awards')).orderBy(awards.version)).map(
			toAward
		),
		rejectedMutations: (
			await tx
				.select()
				.from(rejectedMutations)
				.where(where('rejectedMutations'))
				.orderBy(rejectedMutations.version)
		).map(toRejectedMutation)
	};
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
				changes: await readChanges(tx, actor, scope, after, upTo)
			};
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}
