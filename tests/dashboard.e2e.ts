/**
 * The community dashboard, end to end: an organizer opens it from Settings, the charts draw,
 * a filter changes the numbers, a section downloads as CSV, and offline the dashboard last
 * seen still opens (the service worker's network-first cache) with a notice, until signing out
 * forgets it. Screenshots at 360×780 and 1280×800, in English and Arabic.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { DASHBOARDS_CACHE } from '../src/lib/client/dashboards';
import { setLocaleCookie, signInAs, waitForServiceWorker } from './support';

const shots = 'test-results/screenshots';

/** Whether the chart's canvas has anything drawn on it. */
function drawn(page: Page, testid: string): Promise<boolean> {
	return page.getByTestId(testid).evaluate((canvas: HTMLCanvasElement) => {
		const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
		return canvas.width > 0 && pixels.some((value, index) => index % 4 === 3 && value > 0);
	});
}

test('an organizer reads the community dashboard, filters it, downloads a CSV, and offline still opens it', async ({
	page,
	context
}) => {
	await signInAs(page, 'lucia@example.org');
	await waitForServiceWorker(page);

	// From Settings, a full page load (the server renders it).
	await page.goto('/settings');
	await page.getByRole('link', { name: /Community dashboard/ }).click();
	await expect(page).toHaveURL(/\/dashboard$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Community dashboard');
	for (const chart of ['chart-activity', 'chart-engagement', 'chart-events'])
		await expect.poll(() => drawn(page, chart)).toBe(true);
	await expect(page.getByTestId('dashboard-updated')).toContainText('Last updated');

	const everyone = await page.getByTestId('figure-active').locator('dd').textContent();
	expect(Number(everyone)).toBeGreaterThan(1);
	await page.screenshot({ path: `${shots}/dashboard-en.png`, fullPage: true });

	// The tables behind the charts say the same in words and numbers.
	await page.getByTestId('dashboard-activity').getByText('Show as a table').click();
	await expect(page.getByTestId('dashboard-activity').locator('tbody tr')).toHaveCount(12);

	// One area: fewer active contributors.
	await page.getByLabel('Area').selectOption('testing');
	await page.getByRole('button', { name: 'Show' }).click();
	await expect(page).toHaveURL(/area=testing/);
	const testers = await page.getByTestId('figure-active').locator('dd').textContent();
	expect(Number(testers)).toBeLessThan(Number(everyone));
	await expect(page.getByLabel('Area')).toHaveValue('testing');

	// A section as CSV, with the filters applied.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('csv-events').click()
	]);
	expect(download.suggestedFilename()).toMatch(
		/^gather-events-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/
	);
	const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
	expect(csv.split('\r\n')[0]).toBe('Month,Events held,Registrations,Check-ins,Attendance');
	expect(csv).toContain('Total,');

	// Bad filters in a link: the defaults, and a notice instead of an error.
	await page.goto('/dashboard?period=forever&country=nowhere');
	await expect(page.getByTestId('dashboard-invalid')).toBeVisible();
	await expect(page.getByLabel('Period')).toHaveValue('12w');

	// Offline: the dashboard last seen opens from the service worker's cache.
	// The page kept is this very one (its URL in the cache), and offline it is what opens: the
	// same moment of computation, not a fresh one from a server still reachable by the worker.
	await page.goto('/dashboard?area=testing');
	await expect(page.getByTestId('figure-active')).toBeVisible();
	const generatedAt = await page.getByTestId('dashboard-updated').getAttribute('data-generated');
	const cached = () =>
		page.evaluate(
			async (name) => Boolean(await (await caches.open(name)).match(location.href)),
			DASHBOARDS_CACHE
		);
	await expect.poll(cached).toBe(true);
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('dashboard-offline')).toBeVisible();
	await expect(page.getByTestId('dashboard-updated')).toHaveAttribute(
		'data-generated',
		generatedAt!
	);
	await expect(page.getByTestId('figure-active').locator('dd')).toHaveText(testers!);
	await expect.poll(() => drawn(page, 'chart-activity')).toBe(true);
	await context.setOffline(false);

	// Wide screen.
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/dashboard');
	await expect.poll(() => drawn(page, 'chart-activity')).toBe(true);
	await page.screenshot({ path: `${shots}/dashboard-wide-en.png`, fullPage: true });

	// Signing out forgets the dashboards kept offline: they are not for the next person here.
	const kept = () => page.evaluate((name) => caches.has(name), DASHBOARDS_CACHE);
	expect(await kept()).toBe(true);
	await page.goto('/settings');
	await page.getByTestId('sign-out').click();
	await expect(page).toHaveURL(/\/welcome$/);
	await expect.poll(kept).toBe(false);
});

test('the dashboard in Arabic, right to left', async ({ page, context, baseURL }) => {
	await signInAs(page, 'kenji@example.org');
	await setLocaleCookie(context, baseURL!, 'ar');
	await page.goto('/dashboard');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('لوحة مؤشرات المجتمع');
	await expect.poll(() => drawn(page, 'chart-activity')).toBe(true);
	await page.screenshot({ path: `${shots}/dashboard-ar.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.reload();
	await expect.poll(() => drawn(page, 'chart-engagement')).toBe(true);
	await page.screenshot({ path: `${shots}/dashboard-wide-ar.png`, fullPage: true });
});

test('people not signed in are asked to sign in first', async ({ page }) => {
	const response = await page.goto('/dashboard');
	// Nobody signed in: to sign in first.
	await expect(page).toHaveURL(/\/welcome\?next=%2Fdashboard/);
	expect(response?.ok()).toBe(true);
});
