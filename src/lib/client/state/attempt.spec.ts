import { describe, expect, it } from 'vitest';
import { reasonLabels } from '$lib/client/labels';
import { MutationRejected } from '$lib/domain/rejection';
import { Attempt } from './attempt.svelte';

describe('Attempt', () => {
	it('is busy while the action runs, and says nothing when it succeeds', async () => {
		const attempt = new Attempt();
		let finish!: () => void;
		const running = attempt.run(() => new Promise<void>((resolve) => (finish = resolve)));
		expect(attempt.busy).toBe(true);
		finish();
		expect(await running).toBe(true);
		expect(attempt.busy).toBe(false);
		expect(attempt.failure).toBeNull();
	});

	it('explains a failure with the given words, and clears it on the next run', async () => {
		const attempt = new Attempt((error) => `explained: ${(error as Error).message}`);
		expect(await attempt.run(() => Promise.reject(new Error('boom')))).toBe(false);
		expect(attempt.busy).toBe(false);
		expect(attempt.failure).toBe('explained: boom');
		const again = attempt.run(() => Promise.resolve());
		expect(attempt.failure).toBeNull();
		expect(await again).toBe(true);
	});

	it("explains a write refused on the device by default, in the refusal's words", async () => {
		const attempt = new Attempt();
		await attempt.run(() => Promise.reject(new MutationRejected('forbidden')));
		expect(attempt.failure).toBe(reasonLabels.forbidden());
		attempt.clear();
		expect(attempt.failure).toBeNull();
	});
});
