/**
 * What a person sees of sync and storage, at 360×780, in English and in Arabic (right to left):
 * Settings shows whether the browser keeps the data, how much room it takes and what waits to
 * sync per kind; a long sync shows a progress bar with counts, first sending then receiving;
 * the change feed makes a write from another device arrive without waiting for the timer.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	delayRequests,
	localToday,
	logOnAnotherDevice,
	setLocaleCookie,
	signUp,
	waitForServiceWorker,
	type GatherWindow
} from './support';

const QUEUED = 1200;

/** Queue `count` contributions and one profile change from the page, one write after another. */
function queueWrites(page: Page, count: number) {
	return page.evaluate(
		async ({ count, happenedOn }) => {
			const { __gather } = window as unknown as GatherWindow;
			for (let index = 0; index < count; index++)
				await __gather.mutate('contribution.log', {
					id: crypto.randomUUID(),
					area: 'localization',
					activityType: 'translated',
					description: `Translated string batch ${index + 1}`,
					happenedOn,
					link: null
				});
			await __gather.mutate('profile.update', {
				personId: __gather.person!.id,
				changes: { city: 'Beirut' }
			});
		},
		{ count, happenedOn: localToday() }
	);
}

for (const locale of ['en', 'ar'] as const) {
	test(`sync progress, storage and pending per kind are shown (${locale})`, async ({
		browser,
		baseURL
	}) => {
		// No service worker: routing must see the sync requests (offline start is offline-loop's).
		const context = await browser.newContext({ serviceWorkers: 'block' });
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		await signUp(context, page, locale === 'ar' ? 'ليلى منصور' : 'Layla Mansour');
		const format = (value: number) =>
			page.evaluate(([value, locale]) => new Intl.NumberFormat(locale).format(value), [
				value,
				locale
			] as const);

		await page.goto('/settings');
		await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'online');
		// Persistence: the browser's answer, whichever it is, is shown (never "unknown" here).
		await expect(page.getByTestId('storage-persisted')).toHaveAttribute(
			'data-persisted',
			/^(true|false)$/
		);
		const persisted = await page.evaluate(() => navigator.storage.persisted());
		await expect(page.getByTestId('storage-persisted')).toHaveAttribute(
			'data-persisted',
			String(persisted)
		);
		// Storage use: "<used> of <quota>", both through Intl in the page's language.
		await expect(page.getByTestId('storage-usage')).toContainText(/\p{Nd}/u);

		// Offline, 1,200 contributions and a profile change wait, counted per kind.
		await context.setOffline(true);
		await queueWrites(page, QUEUED);
		await expect(page.getByTestId('pending-count')).toHaveText(await format(QUEUED + 1));
		const kinds = page.getByTestId('pending-kinds');
		await expect(kinds.locator('[data-kind="contribution.log"]')).toContainText(
			await format(QUEUED)
		);
		await expect(kinds.locator('[data-kind="profile.update"]')).toContainText(await format(1));
		await expect(kinds.locator('li')).toHaveCount(2);
		// Viewport shots (the bottom navigation is fixed: a full-page shot would hide part of it).
		await page.screenshot({ path: `test-results/screenshots/settings-sync-${locale}.png` });
		await page
			.getByTestId('storage')
			.evaluate((section) => section.scrollIntoView({ block: 'center' }));
		await page.screenshot({ path: `test-results/screenshots/settings-storage-${locale}.png` });
		await page.evaluate(() => scrollTo(0, 0));

		// Back online over a slow network: the bar counts the outbox out, then the rows in.
		const fast = await delayRequests(context, 1_200, ['**/api/sync/push', '**/api/sync/pull']);
		await context.setOffline(false);
		const bar = page.getByTestId('sync-progress');
		const progress = bar.getByRole('progressbar');
		await expect(bar).toHaveAttribute('data-phase', 'push', { timeout: 20_000 });
		await expect(progress).toHaveAttribute('max', String(QUEUED + 1));
		await expect(bar.getByTestId('sync-progress-count')).toContainText(await format(QUEUED + 1));
		await expect(bar.getByTestId('sync-progress-count')).toContainText(await format(500));
		await page.screenshot({
			path: `test-results/screenshots/sync-progress-${locale}.png`,
			animations: 'disabled'
		});

		await expect(bar).toHaveAttribute('data-phase', 'pull', { timeout: 30_000 });
		const pullTotal = Number(await progress.getAttribute('max'));
		expect(pullTotal).toBeGreaterThan(QUEUED);
		await expect(bar.getByTestId('sync-progress-count')).toContainText(await format(pullTotal));
		await page.screenshot({
			path: `test-results/screenshots/sync-progress-pull-${locale}.png`,
			animations: 'disabled'
		});
		await fast();

		await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-pending', '0', {
			timeout: 60_000
		});
		await expect(bar).toHaveCount(0);
		await expect(kinds).toHaveCount(0);

		// Another device of this person writes: the change feed brings it here well before the
		// 30 s timer would (the poll gives up long before that).
		// A sync just finished, so the regular timer is a full 30 s away.
		await page.evaluate(() => (window as unknown as GatherWindow).__gather.syncNow());
		const id = crypto.randomUUID();
		const pushed = await logOnAnotherDevice(context, {
			id,
			description: 'Mentored a newcomer, logged on the laptop'
		});
		expect(pushed.applied).toBe(1);
		await expect
			.poll(
				() =>
					page.evaluate(
						async (id) =>
							(await (window as unknown as GatherWindow).__gather.database!.contributions.get(id))
								?.description ?? null,
						id
					),
				// The feed's jitter is at most 250 ms; the regular timer is 30 s away.
				{ timeout: 5_000 }
			)
			.toBe('Mentored a newcomer, logged on the laptop');

		await context.close();
	});
}

test('Background Sync: a write registers the sync, and the worker asks the window to sync', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signUp(context, page, 'Noor Haddad');
	await waitForServiceWorker(page);
	await page.evaluate(() => {
		const seen: unknown[] = [];
		Object.assign(window, { workerMessages: seen });
		navigator.serviceWorker.addEventListener('message', (event) => seen.push(event.data));
	});

	await queueWrites(page, 1);
	// Online, Chromium fires the one-off sync at once; static/sw-sync.js passes it on.
	await expect
		.poll(() =>
			page.evaluate(() => (window as unknown as { workerMessages: unknown[] }).workerMessages)
		)
		.toContainEqual({ type: 'gather-sync-now' });
	await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-pending', '0');
	await context.close();
});
