import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, logContribution } from '$lib/server/testing/fixtures';
import { onVersion, startChangeFeed, versionStream } from './changes';
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
	const deviceId = newId();
	const first = [logContribution(1), logContribution(2)];
	const third = logContribution(3);
	await handlePush(handle.db, actor, { deviceId, mutations: first });
	await handlePush(handle.db, actor, { deviceId, mutations: first });
	await handlePush(handle.db, actor, { deviceId, mutations: [third] });
	const versionOf = async (id: string) =>
		(await handle.db.select().from(contributions).where(eq(contributions.id, id)))[0]?.version;
	const expected = [
		await versionOf((first[0].args as { id: string }).id),
		await versionOf((third.args as { id: string }).id)
	];
	await expect.poll(() => heard).toEqual(expected);
	stop();
});

it('streams each committed version to a device until it hangs up', async () => {
	await startChangeFeed(handle);
	const hangUp = new AbortController();
	const response = versionStream(hangUp.signal);
	expect(response.headers.get('content-type')).toBe('text/event-stream');
	const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
	expect((await reader.read()).value).toBe('retry: 5000\n\n');
	const actor = await addPerson(handle.db);
	await handlePush(handle.db, actor, { deviceId: newId(), mutations: [logContribution(1)] });
	expect((await reader.read()).value).toMatch(/^event: version\ndata: \d+\n\n$/);
	hangUp.abort();
	expect((await reader.read()).done).toBe(true);
});
