/**
 * Many tabs, one sync, in one browser profile: two tabs of the same person write 100
 * contributions each at the same moment. Every write gets its own mutationId (the counter
 * moves inside the IndexedDB transaction), all 200 reach the server exactly once, a tab that
 * writes while the other syncs has its write sent without waiting for the 30 s timer, and a
 * tab that is not syncing shows the syncing tab's state (BroadcastChannel).
 */
import { expect, test, type Page } from '@playwright/test';
import { pullResponseSchema, pushRequestSchema } from '../src/lib/domain/sync-protocol';
import { delayRequests, localToday, outboxCount, signUp, type GatherWindow } from './support';

const PER_TAB = 100;

/** Write `count` contributions from this tab, all started at once; returns their mutationIds. */
function writeContributions(page: Page, label: string, count: number) {
	return page.evaluate(
		async ({ label, count, happenedOn }) => {
			const { __gather } = window as unknown as GatherWindow;
			const entries = await Promise.all(
				Array.from({ length: count }, (_, index) =>
					__gather.mutate('contribution.log', {
						id: crypto.randomUUID(),
						area: 'events',
						activityType: 'organized_event',
						description: `${label} ${index + 1}`,
						happenedOn,
						link: null
					})
				)
			);
			return entries.map((entry) => entry.mutationId);
		},
		{ label, count, happenedOn: localToday() }
	);
}

/** Nothing left in the outbox (read from IndexedDB itself), and the indicator says so. */
async function expectSynced(page: Page) {
	await expect.poll(() => outboxCount(page), { timeout: 60_000 }).toBe(0);
	const indicator = page.getByTestId('sync-indicator');
	await expect(indicator).toHaveAttribute('data-pending', '0');
	await expect(indicator).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
}

test('two tabs write at once: ids never collide, every write lands once, both tabs see the sync', async ({
	browser
}) => {
	// No service worker: this test is about tabs; it also lets Playwright's routing see every request.
	const context = await browser.newContext({ serviceWorkers: 'block' });
	const first = await context.newPage();
	await signUp(context, first, 'Tomás Oyelaran');
	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByTestId('log-cta')).toBeVisible();
	await expectSynced(first);
	await expectSynced(second);

	const pushBodies: string[] = [];
	context.on('request', (request) => {
		if (request.url().endsWith('/api/sync/push')) pushBodies.push(request.postData() ?? '');
	});
	const pushedIds = () =>
		pushBodies.flatMap((body) =>
			pushRequestSchema.parse(JSON.parse(body)).mutations.map((mutation) => mutation.mutationId)
		);

	// 100 writes in each tab, both tabs at the same moment.
	const [fromFirst, fromSecond] = await Promise.all([
		writeContributions(first, 'First tab', PER_TAB),
		writeContributions(second, 'Second tab', PER_TAB)
	]);
	const everyId = [...fromFirst, ...fromSecond].sort((a, b) => a - b);
	expect(everyId, 'mutationIds 1..200, none twice').toEqual(
		Array.from({ length: 2 * PER_TAB }, (_, index) => index + 1)
	);

	await expectSynced(first);
	await expectSynced(second);
	expect([...new Set(pushedIds())].sort((a, b) => a - b)).toEqual(everyId);

	// The server holds exactly 200: a fresh device pulls everything in scope.
	const pulled = await context.request.post('/api/sync/pull', {
		data: { deviceId: crypto.randomUUID(), cursor: 0, limit: 5000 },
		headers: { 'content-type': 'application/json' }
	});
	const rows = pullResponseSchema
		.parse(await pulled.json())
		.changes.contributions.filter((row) => /^(First|Second) tab \d+$/.test(row.description));
	expect(rows).toHaveLength(2 * PER_TAB);
	expect(new Set(rows.map((row) => row.id)).size).toBe(2 * PER_TAB);
	expect(new Set(rows.map((row) => row.description)).size).toBe(2 * PER_TAB);

	// The first tab syncs (slowly); the second tab, idle, shows the first tab's state.
	const fastAgain = await delayRequests(context, 2_000, ['**/api/sync/pull']);
	const firstTab = await first.evaluate(() => (window as unknown as GatherWindow).__gather.tab);
	const pullStarted = context.waitForEvent('request', (request) =>
		request.url().endsWith('/api/sync/pull')
	);
	await first.evaluate(() => {
		void (window as unknown as GatherWindow).__gather.syncNow();
	});
	const secondIndicator = second.getByTestId('sync-indicator');
	await expect(secondIndicator).toHaveAttribute('data-state', 'syncing');
	await expect(secondIndicator).toHaveAttribute('data-source', 'other-tab');
	expect(await second.evaluate(() => (window as unknown as GatherWindow).__gather.report.tab)).toBe(
		firstTab
	);

	// While the first tab holds the lock (its pull is in flight), the second tab writes: the
	// write waits for the lock, not for the 30 s timer (the expect timeout is shorter).
	await pullStarted;
	const lateWrite = second.waitForRequest(
		(request) =>
			request.url().endsWith('/api/sync/push') &&
			(request.postData() ?? '').includes('Written while the other tab synced'),
		{ timeout: 20_000 }
	);
	const [lateId] = await writeContributions(second, 'Written while the other tab synced', 1);
	expect(lateId).toBe(2 * PER_TAB + 1);
	await lateWrite;
	await fastAgain();
	await expectSynced(second);
	await expectSynced(first);
	// Both tabs show the same last sync: whichever tab ran it, the other was told.
	const lastSynced = (page: Page) =>
		page.evaluate(() => (window as unknown as GatherWindow).__gather.report.lastSyncedAt);
	expect(await lastSynced(first)).toBe(await lastSynced(second));

	await second.screenshot({ path: 'test-results/screenshots/tabs-second.png' });
	await context.close();
});
