/**
 * The engine's own retry schedule, with fake timers: a server that fails is retried after an
 * exponential backoff (never sooner), a success returns to the regular interval, and a burst
 * of writes shares one push. The transport answers like a server would (empty pages); the
 * engine and the device database (fake-indexeddb) are the real ones.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { emptyChanges, type PullResponse, type PushResponse } from '$lib/domain/sync-protocol';
import { runMutation } from '../mutations';
import { contribution, device } from '../testing/harness';
import { SyncEngine } from './engine';
import { SyncError, type SyncTransport } from './transport';

const actor: Actor = { personId: newId(), roles: ['member'] };

const emptyPage: PullResponse = {
	cursor: 0,
	more: false,
	reset: false,
	lastMutationId: 0,
	deletions: [],
	changes: emptyChanges()
};

/** A server that is down for the first `failures` requests, then answers. */
function flakyServer(failures: number) {
	const calls: string[] = [];
	let left = failures;
	const transport: SyncTransport = {
		push: (request) => {
			calls.push('push');
			if (left-- > 0) return Promise.reject(new SyncError('server', 'down'));
			const last = request.mutations.at(-1)?.mutationId ?? 0;
			const answer: PushResponse = { lastMutationId: last, applied: 0, rejected: 0, gap: false };
			return Promise.resolve(answer);
		},
		pull: () => {
			calls.push('pull');
			if (left-- > 0) return Promise.reject(new SyncError('server', 'down'));
			return Promise.resolve(emptyPage);
		}
	};
	return { transport, calls };
}

/** Let the database (fake-indexeddb runs on real setImmediate) finish what the engine started. */
async function settle() {
	for (let turn = 0; turn < 200; turn++) await new Promise((done) => setImmediate(done));
}

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

describe('SyncEngine retries', () => {
	it('backs off exponentially after server failures and returns to the interval', async () => {
		const { transport, calls } = flakyServer(2);
		const engine = new SyncEngine(device(), actor, transport);
		await engine.syncNow();
		expect(calls).toEqual(['pull']);
		expect(engine.report.failure).toBe('server');

		// Attempt 0: between 500 and 1,000 ms (750 with this random); nothing before.
		await vi.advanceTimersByTimeAsync(700);
		await settle();
		expect(calls).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(100);
		await settle();
		expect(calls).toHaveLength(2);

		// Attempt 1: between 1,000 and 2,000 ms (1,500).
		await vi.advanceTimersByTimeAsync(1400);
		await settle();
		expect(calls).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(200);
		await settle();
		expect(calls).toEqual(['pull', 'pull', 'pull']);
		expect(engine.report.failure).toBeNull();

		// Synced: the next regular sync comes after 30 s, not sooner.
		await vi.advanceTimersByTimeAsync(29_000);
		await settle();
		expect(calls).toHaveLength(3);
		await vi.advanceTimersByTimeAsync(1_500);
		await settle();
		expect(calls).toHaveLength(4);
		engine.stop();
	});

	it('sends a burst of writes in one push shortly after the first', async () => {
		const { transport, calls } = flakyServer(0);
		const db = device();
		const engine = new SyncEngine(db, actor, transport);
		for (const text of ['one', 'two', 'three'])
			await runMutation(db, actor, 'contribution.log', contribution(text)).then(() =>
				engine.afterWrite()
			);
		await settle();
		expect(calls).toEqual([]);
		await vi.advanceTimersByTimeAsync(400);
		await settle();
		expect(calls).toEqual(['push', 'pull']);
		engine.stop();
	});
});
