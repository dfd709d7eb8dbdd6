import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions, devices, rejectedMutations } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, clock, logContribution } from '$lib/server/testing/fixtures';
import { DeviceOwnershipError, handlePush } from './push';

let handle: DatabaseHandle;
let ana: Actor;
let ben: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	ana = await addPerson(handle.db);
	ben = await addPerson(handle.db);
});
afterAll(() => handle?.close());

async function contributionsOf(actor: Actor) {
	return handle.db.select().from(contributions).where(eq(contributions.personId, actor.personId));
}

async function rejectionsOf(deviceId: string) {
	return handle.db.select().from(rejectedMutations).where(eq(rejectedMutations.deviceId, deviceId));
}

describe('handlePush', () => {
	it('applies a mutation once, and a replayed batch changes nothing', async () => {
		const deviceId = newId();
		const batch = { deviceId, mutations: [logContribution(1), logContribution(2)] };

		const first = await handlePush(handle.db, ana, batch);
		expect(first).toEqual({ lastMutationId: 2, applied: 2, rejected: 0, gap: false });
		const rows = await contributionsOf(ana);
		expect(rows).toHaveLength(2);
		expect(rows.every((row) => row.deviceId === deviceId && row.version > 0)).toBe(true);
		// One version per pushed batch: its single transaction.
		expect(new Set(rows.map((row) => row.version)).size).toBe(1);

		const replay = await handlePush(handle.db, ana, batch);
		expect(replay).toEqual({ lastMutationId: 2, applied: 0, rejected: 0, gap: false });
		expect(await contributionsOf(ana)).toHaveLength(2);
	});

	it('applies each mutation once when the same batch arrives twice at the same time', async () => {
		const actor = await addPerson(handle.db);
		const batch = { deviceId: newId(), mutations: [1, 2, 3].map((id) => logContribution(id)) };
		const responses = await Promise.all([
			handlePush(handle.db, actor, batch),
			handlePush(handle.db, actor, batch)
		]);
		expect(responses.map((response) => response.lastMutationId)).toEqual([3, 3]);
		// One applied all three, the other found them applied: without the device row lock the
		// second would apply them again and refuse each as a reused id.
		const outcomes = responses.map((response) => [response.applied, response.rejected]).sort();
		expect(outcomes).toEqual([
			[0, 0],
			[3, 0]
		]);
		expect(await rejectionsOf(batch.deviceId)).toEqual([]);
		expect(await contributionsOf(actor)).toHaveLength(3);
	});

	it('registers the device to its first pusher and refuses it to anyone else', async () => {
		const deviceId = newId();
		await handlePush(handle.db, ana, { deviceId, mutations: [] });
		const [device] = await handle.db.select().from(devices).where(eq(devices.id, deviceId));
		expect(device?.personId).toBe(ana.personId);

		await expect(
			handlePush(handle.db, ben, { deviceId, mutations: [logContribution(1)] })
		).rejects.toBeInstanceOf(DeviceOwnershipError);
		expect(await contributionsOf(ben)).toHaveLength(0);
	});

	it('stops at a gap in mutationIds', async () => {
		const deviceId = newId();
		const response = await handlePush(handle.db, ben, {
			deviceId,
			mutations: [logContribution(1), logContribution(3), logContribution(4)]
		});
		expect(response).toEqual({ lastMutationId: 1, applied: 1, rejected: 0, gap: true });
		expect(await contributionsOf(ben)).toHaveLength(1);
	});

	it('keeps an invalid mutation as rejected, moves the counter and writes nothing else', async () => {
		const actor = await addPerson(handle.db);
		const deviceId = newId();
		const response = await handlePush(handle.db, actor, {
			deviceId,
			mutations: [logContribution(1, { description: '   ' }), logContribution(2)]
		});
		expect(response).toEqual({ lastMutationId: 2, applied: 1, rejected: 1, gap: false });
		expect(await contributionsOf(actor)).toHaveLength(1);
		const [rejection] = await rejectionsOf(deviceId);
		expect(rejection).toMatchObject({
			personId: actor.personId,
			mutationId: 1,
			name: 'contribution.log',
			reason: 'invalid',
			dismissed: false
		});
		expect(rejection?.args).toMatchObject({ description: '   ' });
		expect(rejection?.version).toBeGreaterThan(0);
	});

	it('rejects a clock far ahead, an unknown name and a reused contribution id', async () => {
		const actor = await addPerson(handle.db);
		const deviceId = newId();
		const reused = logContribution(3);
		const response = await handlePush(handle.db, actor, {
			deviceId,
			mutations: [
				{ ...logContribution(1), hlc: clock(Date.now() + 3600_000) },
				{ mutationId: 2, name: 'person.teleport', args: {}, hlc: clock() },
				reused,
				{ ...logContribution(4), args: reused.args }
			]
		});
		expect(response).toEqual({ lastMutationId: 4, applied: 1, rejected: 3, gap: false });
		const rejections = (await rejectionsOf(deviceId)).sort((a, b) => a.mutationId - b.mutationId);
		expect(rejections.map((row) => [row.mutationId, row.reason, row.detail])).toEqual([
			[1, 'clock', 'more than 5 minutes ahead of the server'],
			[2, 'unknown', 'no mutation named person.teleport'],
			[4, 'conflict', 'contribution id already used']
		]);
		expect(await contributionsOf(actor)).toHaveLength(1);
	});

	it("dismisses the actor's own rejection and refuses someone else's", async () => {
		const author = await addPerson(handle.db);
		const other = await addPerson(handle.db);
		const deviceId = newId();
		await handlePush(handle.db, author, {
			deviceId,
			mutations: [logContribution(1, { area: 'astrology' })]
		});
		const [rejection] = await rejectionsOf(deviceId);
		if (!rejection) throw new Error('expected a rejection');

		const otherDevice = newId();
		const dismiss = (mutationId: number) => ({
			mutationId,
			name: 'rejection.dismiss',
			args: { id: rejection.id },
			hlc: clock()
		});
		const refused = await handlePush(handle.db, other, {
			deviceId: otherDevice,
			mutations: [dismiss(1)]
		});
		expect(refused.rejected).toBe(1);
		const [forbidden] = await rejectionsOf(otherDevice);
		expect(forbidden?.reason).toBe('forbidden');

		const missing = await handlePush(handle.db, author, {
			deviceId,
			mutations: [{ ...dismiss(2), args: { id: newId() } }]
		});
		expect(missing.rejected).toBe(1);

		const accepted = await handlePush(handle.db, author, { deviceId, mutations: [dismiss(3)] });
		expect(accepted.applied).toBe(1);
		const [after] = await handle.db
			.select()
			.from(rejectedMutations)
			.where(eq(rejectedMutations.id, rejection.id));
		expect(after?.dismissed).toBe(true);
		expect(after?.version).toBeGreaterThan(rejection.version);
		const reasons = (await rejectionsOf(deviceId)).map((row) => row.reason).sort();
		expect(reasons).toEqual(['invalid', 'not_found']);
	});

	it('refuses what the database cannot store instead of failing the batch forever', async () => {
		const actor = await addPerson(handle.db);
		const deviceId = newId();
		// Sent by a device that skipped validation: NUL passes JSON but not PostgreSQL.
		const response = await handlePush(handle.db, actor, {
			deviceId,
			mutations: [
				logContribution(1, { description: 'Broken\u0000text' }),
				{ ...logContribution(2), name: 'bad\u0000name' },
				logContribution(3)
			]
		});
		expect(response).toEqual({ lastMutationId: 3, applied: 1, rejected: 2, gap: false });
		const rejections = (await rejectionsOf(deviceId)).sort((a, b) => a.mutationId - b.mutationId);
		expect(rejections.map((row) => [row.reason, row.name])).toEqual([
			['invalid', 'contribution.log'],
			['unknown', 'bad\uFFFDname']
		]);
		expect(rejections[0]?.args).toMatchObject({ description: 'Broken\uFFFDtext' });
	});

	it('refuses a write whose clock cannot be read', async () => {
		const actor = await addPerson(handle.db);
		const deviceId = newId();
		const response = await handlePush(handle.db, actor, {
			deviceId,
			mutations: [
				{
					mutationId: 1,
					name: 'profile.update',
					args: { personId: actor.personId, changes: { city: 'Nowhere' } },
					hlc: 'zzz'
				}
			]
		});
		expect(response.rejected).toBe(1);
		const [rejection] = await rejectionsOf(deviceId);
		expect(rejection?.reason).toBe('clock');
	});
});
