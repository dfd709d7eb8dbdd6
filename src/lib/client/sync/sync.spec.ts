/**
 * The device side of sync against the real server handlers: Dexie on fake-indexeddb, the
 * push/pull handlers in-process on PGlite (or PostgreSQL with TEST_DATABASE_URL). No mocks of
 * either side; only the HTTP hop is replaced by a direct call.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { LogContributionArgs } from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import type { DatabaseHandle } from '$lib/server/db';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { GatherDatabase } from '../db';
import { runMutation } from '../mutations';
import { SyncEngine } from './engine';
import { pullChanges } from './pull';
import { pushOutbox } from './push';
import { SyncError, type SyncTransport } from './transport';

let server: DatabaseHandle;
let actor: Actor;

beforeAll(async () => {
	server = await createTestDatabase();
	actor = await addPerson(server.db);
});
afterAll(() => server.close());

/** A transport that calls the server's handlers directly; `requests` records every push body. */
function transportFor(as: Actor) {
	const pushes: Parameters<SyncTransport['push']>[0][] = [];
	const transport: SyncTransport = {
		push: (request) => {
			pushes.push(structuredClone(request));
			return handlePush(server.db, as, request);
		},
		pull: (request) => handlePull(server.db, as, request)
	};
	return { transport, pushes };
}

function device(): GatherDatabase {
	return new GatherDatabase(`spec-${newId()}`);
}

function contribution(description: string): LogContributionArgs {
	return {
		id: newId(),
		area: 'events',
		activityType: 'organized_event',
		description,
		happenedOn: new Date().toISOString().slice(0, 10),
		link: null
	};
}

async function sync(db: GatherDatabase, as: Actor, transport: SyncTransport) {
	await pushOutbox(db, transport);
	await pullChanges(db, as, transport);
}

/** Log from a phone whose clock runs an hour fast and sync: the server refuses the write. */
async function refusedWrite(db: GatherDatabase, transport: SyncTransport) {
	vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60 * 60 * 1000 });
	const args = contribution(`Logged from a phone with a wrong clock ${newId()}`);
	await runMutation(db, actor, 'contribution.log', args);
	vi.useRealTimers();
	await sync(db, actor, transport);
	const refused = await db.rejectedMutations
		.filter((row) => (row.args as LogContributionArgs).id === args.id)
		.first();
	if (!refused) throw new Error('the server should have refused the write');
	return refused;
}

describe('writing on the device', () => {
	it('commits the row, the outbox entry and the counter together', async () => {
		const db = device();
		const first = await runMutation(db, actor, 'contribution.log', contribution('Ran the stand'));
		const second = await runMutation(db, actor, 'contribution.log', contribution('Took photos'));
		expect([first.mutationId, second.mutationId]).toEqual([1, 2]);
		expect(await db.outbox.count()).toBe(2);
		expect(await db.contributions.count()).toBe(2);
		expect(await db.getMeta('mutationCounter')).toBe(2);
	});

	it('writes nothing when the mutation breaks a rule', async () => {
		const db = device();
		await expect(
			runMutation(db, actor, 'contribution.log', contribution('   '))
		).rejects.toBeInstanceOf(MutationRejected);
		expect(await db.outbox.count()).toBe(0);
		expect(await db.contributions.count()).toBe(0);
		expect(await db.getMeta('mutationCounter')).toBeUndefined();
	});
});

describe('syncing', () => {
	it('delivers an offline write to the server and a second device exactly once, replay included', async () => {
		const phone = device();
		const laptop = device();
		const { transport, pushes } = transportFor(actor);
		const args = contribution(`Hosted a localization sprint ${newId()}`);
		await runMutation(phone, actor, 'contribution.log', args);

		await sync(phone, actor, transport);
		expect(await phone.outbox.count()).toBe(0);
		expect((await phone.contributions.get(args.id))?.version).toBeGreaterThan(0);

		// The same batch again, as after a lost answer: nothing changes on the server.
		const replay = await handlePush(server.db, actor, pushes[0]);
		expect(replay.applied).toBe(0);

		await pullChanges(laptop, actor, transport);
		const onLaptop = await laptop.contributions.where('id').equals(args.id).toArray();
		expect(onLaptop).toHaveLength(1);
		expect(onLaptop[0].description).toBe(args.description);
		const everything = await handlePull(server.db, actor, {
			deviceId: newId(),
			cursor: 0,
			limit: 5000
		});
		expect(everything.changes.contributions.filter((row) => row.id === args.id)).toHaveLength(1);
	});

	it('keeps a pending write through a pull that resets the mirror (rebase)', async () => {
		const db = device();
		const { transport } = transportFor(actor);
		const args = contribution('Answered forum questions');
		await runMutation(db, actor, 'contribution.log', args);
		// A cursor the server never handed out (a restored server): the pull clears the tables.
		await db.setMeta('cursor', 1_000_000_000);
		await pullChanges(db, actor, transport);
		expect((await db.contributions.get(args.id))?.version).toBe(0);
		expect(await db.outbox.count()).toBe(1);

		await sync(db, actor, transport);
		expect((await db.contributions.get(args.id))?.version).toBeGreaterThan(0);
		expect(await db.outbox.count()).toBe(0);
	});

	it('does not let a pulled row overwrite a pending change to it (rebase)', async () => {
		const db = device();
		const { transport } = transportFor(actor);
		const refused = await refusedWrite(db, transport);
		await runMutation(db, actor, 'rejection.dismiss', { id: refused.id });
		// Pull everything again, without pushing: the server's copy still says "not dismissed".
		await db.setMeta('cursor', 0);
		await pullChanges(db, actor, transport);
		expect((await db.rejectedMutations.get(refused.id))?.dismissed).toBe(true);
		expect(await db.outbox.count()).toBe(1);
	});

	it('keeps a refused write, with its reason, until its author dismisses it', async () => {
		const db = device();
		const { transport } = transportFor(actor);
		const refused = await refusedWrite(db, transport);
		expect(refused).toMatchObject({
			name: 'contribution.log',
			reason: 'clock',
			dismissed: false
		});
		expect(await db.outbox.count()).toBe(0);
		const args = refused.args as LogContributionArgs;
		expect(args.description).toMatch(/wrong clock/);
		expect(await db.contributions.get(args.id)).toBeUndefined();

		await runMutation(db, actor, 'rejection.dismiss', { id: refused.id });
		await sync(db, actor, transport);
		expect((await db.rejectedMutations.get(refused.id))?.dismissed).toBe(true);
		expect((await db.rejectedMutations.get(refused.id))?.version).toBeGreaterThan(refused.version);
	});

	it('waits for a new sign-in when the session has expired, losing nothing', async () => {
		const db = device();
		await runMutation(
			db,
			actor,
			'contribution.log',
			contribution('Queued before the session ended')
		);
		const expired: SyncTransport = {
			push: () => Promise.reject(new SyncError('unauthorized', 'Sign in to continue')),
			pull: () => Promise.reject(new SyncError('unauthorized', 'Sign in to continue'))
		};
		const engine = new SyncEngine(db, actor, expired);
		await engine.syncNow();
		engine.stop();
		expect(engine.report.failure).toBe('unauthorized');
		expect(await db.outbox.count()).toBe(1);

		// Signed in again: the same queue goes through.
		const { transport } = transportFor(actor);
		const resumed = new SyncEngine(db, actor, transport);
		await resumed.syncNow();
		resumed.stop();
		expect(resumed.report.failure).toBeNull();
		expect(await db.outbox.count()).toBe(0);
	});
});
