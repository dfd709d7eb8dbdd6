import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, logContribution } from '$lib/server/testing/fixtures';
import { onVersion, startChangeFeed } from './changes';
import { handlePush } from './push';

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await createTestDatabase();
});
afterAll(() => handle?.close());

it('announces the version of each committed push, and nothing for a replay', async () => {
	await startChangeFeed(handle);
	const heard: number[] = [];
	const stop = onVersion((version) => heard.push(version));
	const actor = await addPerson(handle.db);
	const batch = { deviceId: newId(), mutations: [logContribution(1), logContribution(2)] };
	await handlePush(handle.db, actor, batch);
	await expect.poll(() => heard.length).toBe(1);
	await handlePush(handle.db, actor, batch);
	await handlePush(handle.db, actor, { ...batch, mutations: [logContribution(3)] });
	await expect.poll(() => heard.length).toBe(2);
	expect(heard[1]).toBeGreaterThan(heard[0]);
	stop();
});
