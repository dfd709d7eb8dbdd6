/**
 * What the device specs share: a device database on fake-indexeddb (import
 * 'fake-indexeddb/auto' first), a transport that calls the real server handlers in-process,
 * and small builders. Only the HTTP hop is replaced; both sides are the real code.
 */
import { vi } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { LogContributionArgs } from '$lib/domain/mutations';
import type { PushRequest } from '$lib/domain/sync-protocol';
import type { Database } from '$lib/server/db';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { GatherDatabase } from '../db';
import { pullChanges } from '../sync/pull';
import { pushOutbox } from '../sync/push';
import type { SyncTransport } from '../sync/transport';

/** A fresh device database. */
export function device(): GatherDatabase {
	return new GatherDatabase(`spec-${newId()}`);
}

/** A transport to the server's handlers acting as `as`; `pushes` records every push body. */
export function serverTransport(server: Database, as: Actor) {
	const pushes: PushRequest[] = [];
	const transport: SyncTransport = {
		push: (request) => {
			pushes.push(structuredClone(request));
			return handlePush(server, as, request);
		},
		pull: (request) => handlePull(server, as, request)
	};
	return { transport, pushes };
}

/** One sync as the engine runs it: push the outbox, then pull. */
export async function sync(db: GatherDatabase, as: Actor, transport: SyncTransport) {
	await pushOutbox(db, transport);
	await pullChanges(db, as, transport);
}

export function contribution(description: string): LogContributionArgs {
	return {
		id: newId(),
		area: 'events',
		activityType: 'organized_event',
		description,
		happenedOn: new Date().toISOString().slice(0, 10),
		link: null
	};
}

/** Run `work` as if the device's clock read `millis`. */
export async function atTime<T>(millis: number, work: () => Promise<T>): Promise<T> {
	vi.useFakeTimers({ toFake: ['Date'], now: millis });
	try {
		return await work();
	} finally {
		vi.useRealTimers();
	}
}
