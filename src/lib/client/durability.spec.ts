/**
 * Local writes against what IndexedDB does in the wild, on fake-indexeddb with the real Dexie
 * stack: the connection taken away in the middle of a write, closed before one, upgraded by
 * another tab, and a full disk. Only the failure itself is injected (testing/failing-device.ts).
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { GatherDatabase } from './db';
import { isConnectionLost, isQuotaExceeded, withReopen } from './durability';
import { runMutation } from './mutations';
import { failingDevice } from './testing/failing-device';
import { contribution } from './testing/harness';

const actor: Actor = { personId: newId(), roles: ['member'] };

async function countAll(db: GatherDatabase) {
	return {
		contributions: await db.contributions.count(),
		outbox: (await db.outbox.toArray()).map((entry) => entry.mutationId),
		counter: await db.getMeta('mutationCounter')
	};
}

describe('a write when the database connection is lost', () => {
	it('lands exactly once when the connection is taken away midway', async () => {
		// The outbox append comes after the contribution row inside the same transaction.
		const injected = failingDevice('outbox', 'lose');
		const db = injected.db;
		await runMutation(db, actor, 'contribution.log', contribution('Before the loss'));
		injected.arm();
		const args = contribution('Written while the browser closed the connection');

		const entry = await withReopen(db, () => runMutation(db, actor, 'contribution.log', args));

		expect(injected.failures()).toBe(1);
		expect(db.isOpen()).toBe(true);
		expect(entry.mutationId).toBe(2);
		expect(await countAll(db)).toEqual({ contributions: 2, outbox: [1, 2], counter: 2 });
		expect((await db.contributions.get(args.id))?.description).toBe(args.description);
	});

	it('reopens a database that was closed before the write', async () => {
		const db = new GatherDatabase(`durability-${newId()}`);
		await db.open();
		db.close();
		await expect(
			runMutation(db, actor, 'contribution.log', contribution('Without reopening'))
		).rejects.toSatisfy(isConnectionLost);

		await withReopen(db, () =>
			runMutation(db, actor, 'contribution.log', contribution('After reopening'))
		);
		expect(await countAll(db)).toEqual({ contributions: 1, outbox: [1], counter: 1 });
	});

	it('stays closed, and is not created again, after another tab deletes it', async () => {
		const name = `durability-${newId()}`;
		const db = new GatherDatabase(name);
		await runMutation(db, actor, 'contribution.log', contribution('Before the sign-out'));
		// Another tab signs this person out: it deletes their database.
		await new GatherDatabase(name).delete();

		await expect(
			runMutation(db, actor, 'contribution.log', contribution('After the sign-out'))
		).rejects.toSatisfy(isConnectionLost);
		expect(await Dexie.exists(name)).toBe(false);
	});

	it('does not reopen a database the app closed on purpose', async () => {
		const db = new GatherDatabase(`durability-${newId()}`);
		await db.open();
		db.close();
		await expect(
			withReopen(
				db,
				() => runMutation(db, actor, 'contribution.log', contribution('After sign-out')),
				{ canReopen: () => false }
			)
		).rejects.toSatisfy(isConnectionLost);
		expect(db.isOpen()).toBe(false);
	});
});

describe('a write when the device is full', () => {
	it('writes nothing and is not retried', async () => {
		const injected = failingDevice('outbox', 'quota');
		const db = injected.db;
		await runMutation(db, actor, 'contribution.log', contribution('While there was room'));
		injected.arm();

		const failure = await withReopen(db, () =>
			runMutation(db, actor, 'contribution.log', contribution('No room for this'))
		).catch((error: unknown) => error);

		expect(isQuotaExceeded(failure)).toBe(true);
		expect(isConnectionLost(failure)).toBe(false);
		expect(injected.failures()).toBe(1);
		// The contribution row written before the refused outbox append was rolled back with it.
		expect(await countAll(db)).toEqual({ contributions: 1, outbox: [1], counter: 1 });
	});
});
