import { expect, test } from '@playwright/test';
import { waitForServiceWorker } from './support';

test('the language chosen on the welcome screen is remembered, offline too', async ({
	page,
	context
}) => {
	await page.goto('/welcome');
	await expect(page.locator('h1')).toHaveText('Welcome to Gather');
	await waitForServiceWorker(page);

	await page.getByTestId('language').selectOption('de');
	await expect(page.locator('h1')).toHaveText('Willkommen bei Gather');
	await expect(page.locator('html')).toHaveAttribute('lang', 'de');

	await context.setOffline(true);
	await page.reload();
	await expect(page.locator('h1')).toHaveText('Willkommen bei Gather');

	await page.getByTestId('language').selectOption('ar');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('h1')).toHaveText('مرحبًا بك في Gather');
});
