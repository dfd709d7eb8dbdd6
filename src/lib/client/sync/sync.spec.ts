/**
 * The device side of sync against the real server handlers: Dexie on fake-indexeddb, the
 * push/pull handlers in-process on PGlite (or PostgreSQL with TEST_DATABASE_URL). No mocks of
 * either side; only the HTTP hop is replaced by a direct call.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { LogContributionArgs } from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import { eq, inArray } from 'drizzle-orm';
import { MAX_PUSH_BYTES } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions, devices } from '$lib/server/db/schema';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { GatherDatabase } from '../db';
import { discardEntry, runMutation } from '../mutations';
import { failingDevice } from '../testing/failing-device';
import { atTime, contribution, device, serverTransport, sync } from '../testing/harness';
import { SyncEngine, type SyncReport } from './engine';
import { pullChanges } from './pull';
import { pushOutbox, type Progress } from './push';
import { SyncError, type SyncTransport } from './transport';

let server: DatabaseHandle;
let actor: Actor;

beforeAll(async () => {
	server = await createTestDatabase();
	actor = await addPerson(server.db);
});
afterAll(() => server.close());

const transportFor = (as: Actor) => serverTransport(server.db, as);

/** Log from a phone whose clock runs an hour fast and sync: the server refuses the write. */
async function refusedWrite(db: GatherDatabase, transport: SyncTransport) {
	const args = contribution(`Logged from a phone with a wrong clock ${newId()}`);
	await atTime(Date.now() + 60 * 60 * 1000, () => runMutation(db, actor, 'contribution.log', args));
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

	it("undoes a refused join on the author's own membership only", async () => {
		const db = device();
		const groupId = newId();
		const someoneElse = newId();
		// Both unconfirmed: the author's join, and someone a curator on this device added.
		const added = { groupId, status: 'member', curator: false, version: 0 } as const;
		const createdAt = new Date().toISOString();
		await db.memberships.bulkPut([
			{ ...added, personId: actor.personId, createdAt },
			{ ...added, personId: someoneElse, createdAt }
		]);
		await discardEntry(db, actor, {
			mutationId: 1,
			name: 'group.join',
			args: { groupId },
			hlc: '',
			createdAt
		});
		expect(await db.memberships.get([groupId, actor.personId])).toBeUndefined();
		expect(await db.memberships.get([groupId, someoneElse])).toBeDefined();
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
		expect(replay).toEqual({ lastMutationId: 1, applied: 0, rejected: 0, gap: false });
		await pullChanges(phone, actor, transport);
		expect(await phone.rejectedMutations.count()).toBe(0);

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

	it('splits a push whose texts would make the body too large for the server', async () => {
		const db = device();
		const { transport, pushes } = transportFor(actor);
		// 500 characters of Devanagari: three bytes each in JSON's UTF-8.
		const long = 'स'.repeat(500);
		for (let index = 0; index < 200; index++)
			await runMutation(db, actor, 'contribution.log', contribution(long));
		await sync(db, actor, transport);
		expect(await db.outbox.count()).toBe(0);
		expect(pushes.length).toBeGreaterThan(1);
		for (const push of pushes)
			expect(new TextEncoder().encode(JSON.stringify(push)).length).toBeLessThan(
				MAX_PUSH_BYTES + 1024
			);
		expect(pushes.flatMap((push) => push.mutations.map((m) => m.mutationId))).toEqual(
			Array.from({ length: 200 }, (_, index) => index + 1)
		);
	});

	it('goes on as a new device when the server lost what it had acknowledged', async () => {
		const db = device();
		const { transport } = transportFor(actor);
		await runMutation(db, actor, 'contribution.log', contribution('Before the restore'));
		await sync(db, actor, transport);
		const oldDevice = await db.deviceId();
		// Two writes pushed but not yet acknowledged by a pull, then the server forgets the device
		// (a database restored from an older backup).
		const waiting = [contribution('After the restore, 1'), contribution('After the restore, 2')];
		for (const args of waiting) await runMutation(db, actor, 'contribution.log', args);
		await pushOutbox(db, transport);
		await server.db.delete(contributions).where(
			inArray(
				contributions.id,
				waiting.map((args) => args.id)
			)
		);
		await server.db.delete(devices).where(eq(devices.id, oldDevice));

		// The first sync learns from the pull that the server is behind; the next resends.
		await sync(db, actor, transport);
		await sync(db, actor, transport);
		expect(await db.deviceId()).not.toBe(oldDevice);
		expect(await db.outbox.count()).toBe(0);
		const stored = await server.db
			.select()
			.from(contributions)
			.where(
				inArray(
					contributions.id,
					waiting.map((args) => args.id)
				)
			);
		expect(stored.map((row) => row.mutationId).sort()).toEqual([1, 2]);
		expect(
			(await db.contributions.bulkGet(waiting.map((args) => args.id))).every(
				(row) => row && row.version > 0
			)
		).toBe(true);
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

describe('progress', () => {
	it('counts a long push by outbox entries and a long pull by rows, from the first page on', async () => {
		const phone = device();
		const { transport } = transportFor(actor);
		for (let index = 0; index < 1200; index++)
			await runMutation(phone, actor, 'contribution.log', contribution(`Bulk entry ${index}`));

		const pushed: Progress[] = [];
		await pushOutbox(phone, transport, (progress) => pushed.push(progress));
		expect(pushed).toEqual([
			{ done: 0, total: 1200 },
			{ done: 500, total: 1200 },
			{ done: 1000, total: 1200 },
			{ done: 1200, total: 1200 }
		]);

		// A fresh device: everything in scope, several pages; the first page's count is the total.
		const requests: Parameters<SyncTransport['pull']>[0][] = [];
		const counting: SyncTransport = {
			...transport,
			pull: (request) => {
				requests.push(request);
				return transport.pull(request);
			}
		};
		const pulled: Progress[] = [];
		const laptop = device();
		const received = await pullChanges(laptop, actor, counting, (progress) =>
			pulled.push(progress)
		);
		expect(received).toBeGreaterThanOrEqual(1200);
		expect(pulled.length).toBeGreaterThan(1);
		expect(pulled.every((progress) => progress.total === received)).toBe(true);
		expect(pulled.map((progress) => progress.done)).toEqual(
			[...pulled.map((progress) => progress.done)].sort((a, b) => a - b)
		);
		expect(pulled.at(-1)).toEqual({ done: received, total: received });
		// Only the first page asks the server to count.
		expect(requests.map((request) => request.count === true)).toEqual(
			requests.map((_, index) => index === 0)
		);
	});

	it('asks for the next page while one is written, and a failed page leaves the cursor behind it', async () => {
		const phone = device();
		const { transport } = transportFor(actor);
		// One push each: a version per contribution, so pages of one row hold one each.
		for (let index = 0; index < 4; index++) {
			await runMutation(phone, actor, 'contribution.log', contribution(`Page filler ${index}`));
			await pushOutbox(phone, transport);
		}
		// The server's pages cut small (a page never splits a version): a pull takes several.
		const small: SyncTransport['pull'] = (request) => transport.pull({ ...request, limit: 1 });
		const events: string[] = [];
		const laptop = device();
		let asked = 0;
		const watching: SyncTransport = {
			...transport,
			pull: async (request) => {
				asked += 1;
				const page = asked;
				events.push(`ask ${page} from ${request.cursor}`);
				// The third page never comes: the network went away.
				if (page === 3) throw new Error('offline');
				const answer = await small(request);
				events.push(`answer ${page}`);
				return answer;
			}
		};
		const setMeta = laptop.setMeta.bind(laptop);
		laptop.setMeta = ((key, value) => {
			if (key === 'cursor') events.push(`write ${String(value)}`);
			return setMeta(key, value);
		}) as typeof laptop.setMeta;
		await expect(pullChanges(laptop, actor, watching)).rejects.toThrow('offline');
		const writes = events.filter((event) => event.startsWith('write '));
		expect(writes).toHaveLength(2);
		const [first, second] = writes.map((event) => Number(event.slice('write '.length)));
		// Page 2 was asked for (from page 1's cursor) before page 1 was written, and page 3
		// before page 2 was: one request in flight, the pages written in order.
		expect(events.indexOf(`ask 2 from ${first}`)).toBeGreaterThan(events.indexOf('answer 1'));
		expect(events.indexOf(`ask 2 from ${first}`)).toBeLessThan(events.indexOf(`write ${first}`));
		expect(events.indexOf(`ask 3 from ${second}`)).toBeLessThan(events.indexOf(`write ${second}`));
		expect(events.indexOf(`ask 3 from ${second}`)).toBeGreaterThan(events.indexOf('answer 2'));
		// Page 3 failed after page 2 was written: the cursor stays behind page 2.
		expect(await laptop.getMeta('cursor')).toBe(second);
		// The next pull goes on from there, and finishes.
		await pullChanges(laptop, actor, { ...transport, pull: small });
		const mine = await phone.contributions.toCollection().primaryKeys();
		expect(await laptop.contributions.bulkGet(mine)).not.toContain(undefined);
		expect(await laptop.getMeta('cursor')).toBeGreaterThan(second);
	});

	it('reports the phases of a running sync and clears them when it ends', async () => {
		const db = device();
		const { transport } = transportFor(actor);
		await runMutation(db, actor, 'contribution.log', contribution('Reported step by step'));
		const reports: SyncReport[] = [];
		const engine = new SyncEngine(db, actor, transport, (report) => reports.push(report));
		await engine.syncNow();
		engine.stop();
		const phases = reports.map((report) => report.progress?.phase).filter(Boolean);
		expect(phases).toContain('push');
		expect(phases).toContain('pull');
		expect(reports.at(-1)).toMatchObject({ syncing: false, progress: null, failure: null });
	});
});

describe('a lost database connection during a sync', () => {
	it('reopens and finishes the cycle, each row delivered once', async () => {
		// The first pulled page's write to contributions loses the connection midway.
		const failing = failingDevice('contributions', 'lose');
		const db = failing.db;
		const { transport } = transportFor(actor);
		const args = contribution(`Synced through a lost connection ${newId()}`);
		await runMutation(db, actor, 'contribution.log', args);
		failing.arm();

		const engine = new SyncEngine(db, actor, transport);
		await engine.syncNow();
		engine.stop();

		expect(failing.failures()).toBe(1);
		expect(engine.report.failure).toBeNull();
		expect(await db.outbox.count()).toBe(0);
		expect((await db.contributions.get(args.id))?.version).toBeGreaterThan(0);
		const everything = await handlePull(server.db, actor, {
			deviceId: newId(),
			cursor: 0,
			limit: 5000
		});
		expect(everything.changes.contributions.filter((row) => row.id === args.id)).toHaveLength(1);
	});
});
