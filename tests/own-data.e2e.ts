/**
 * Own data, end to end: a volunteer signs up, logs a contribution, downloads everything Gather
 * holds about them (the JSON has their profile and the contribution, and no passkey key),
 * then deletes their account: the app signs out, drops this device's database and lands on
 * the welcome screen; the server no longer knows the session.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { setLocaleCookie, signUp, type GatherWindow } from './support';

test('download my data, then delete my account', async ({ browser, baseURL }) => {
	const context = await browser.newContext();
	await setLocaleCookie(context, baseURL!, 'en');
	const page = await context.newPage();
	const email = `own-data-${Date.now()}@example.org`;
	const description = `Reviewed the glossary (${Date.now()})`;
	await signUp(context, page, 'Noor Rahman', email);
	const personId = await page.evaluate(
		() => (window as unknown as GatherWindow).__gather.person!.id
	);

	await page.goto('/log');
	await page.locator('#description').fill(description);
	await page.getByTestId('quick-log').locator('[type=submit]').click();
	const logged = page.getByTestId('contribution').filter({ hasText: description });
	await expect(logged).toHaveAttribute('data-pending', 'false', { timeout: 30_000 });

	await page.goto('/settings/data');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your data');
	await page.screenshot({ path: 'tests/.output/screenshots/own-data-en.png', fullPage: true });

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('download-data').click()
	]);
	expect(download.suggestedFilename()).toMatch(/^gather-\d{4}-\d{2}-\d{2}\.json$/);
	const text = await readFile((await download.path())!, 'utf8');
	const data = JSON.parse(text) as {
		profile: { id: string; displayName: string; email: string };
		contributions: { description: string }[];
		passkeys: unknown[];
	};
	expect(data.profile).toMatchObject({ id: personId, displayName: 'Noor Rahman', email });
	expect(data.contributions.map((row) => row.description)).toContain(description);
	expect(data.passkeys).toHaveLength(1);
	expect(text).not.toContain('publicKey');

	// A confirmation that names nobody is refused on the spot.
	await page.locator('#confirm-delete').fill('someone else');
	await page.getByTestId('delete-account').click();
	await expect(page.locator('#confirm-delete-message')).toBeVisible();
	expect(await page.evaluate(() => (window as unknown as GatherWindow).__gather.person?.id)).toBe(
		personId
	);

	await page.locator('#confirm-delete').fill(email.toUpperCase());
	await page.getByTestId('delete-account').click();
	await expect(page).toHaveURL(/\/welcome$/);
	await expect(page.getByTestId('sign-up')).toBeVisible();

	// Signed out here and on the server; this device's copy of the account is gone.
	const local = await page.evaluate(async () => ({
		account: localStorage.getItem('gather.account'),
		databases: (await indexedDB.databases()).map((database) => database.name)
	}));
	expect(local.account).toBeNull();
	expect(local.databases).not.toContain(`gather-${personId}`);
	const me = await page.request.get('/api/auth/me');
	expect(await me.json()).toEqual({ person: null });
	const exported = await page.request.get('/api/me/export');
	expect(exported.status()).toBe(401);
	await context.close();
});

test('the data screen in Arabic, and offline', async ({ browser, baseURL }) => {
	const context = await browser.newContext();
	await setLocaleCookie(context, baseURL!, 'ar');
	const page = await context.newPage();
	await signUp(context, page, 'نور');
	await page.goto('/settings/data');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.screenshot({ path: 'tests/.output/screenshots/own-data-ar.png', fullPage: true });

	await context.setOffline(true);
	await page.evaluate(() => window.dispatchEvent(new Event('offline')));
	await expect(page.getByTestId('data-offline')).toBeVisible();
	await expect(page.getByTestId('download-data')).toBeDisabled();
	await expect(page.getByTestId('delete-account')).toBeDisabled();
	await page.screenshot({
		path: 'tests/.output/screenshots/own-data-offline-ar.png',
		fullPage: true
	});
	await context.close();
});
