/**
 * The foundation's story, end to end on the real stack: a volunteer signs up with a passkey,
 * goes offline, reloads (the app opens from the service worker), logs a contribution, closes
 * the page, reopens offline (still there, pending), comes back online and it syncs; a second
 * device signed in as the same person sees it; replaying the push changes nothing.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import { pullResponseSchema, pushResponseSchema } from '../src/lib/domain/sync-protocol';
import { addVirtualAuthenticator, setLocaleCookie, waitForServiceWorker } from './support';

const contribution = (page: Page, text: string) =>
	page.getByTestId('contribution').filter({ hasText: text });

for (const locale of ['en', 'ar'] as const) {
	test(`offline contribution reaches the server and a second device exactly once (${locale})`, async ({
		browser,
		baseURL
	}) => {
		const origin = baseURL!;
		const email = `volunteer-${locale}-${Date.now()}@example.org`;
		const description = `Translated the meetup flyer (${locale} ${Date.now()})`;

		// Device A: sign up with a passkey.
		const phone = await browser.newContext();
		await setLocaleCookie(phone, origin, locale);
		let page = await phone.newPage();
		const authenticatorA = await addVirtualAuthenticator(phone, page);
		await page.goto('/');
		await expect(page).toHaveURL(/\/welcome$/);
		await page.screenshot({ path: `test-results/screenshots/welcome-${locale}.png` });
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await page.locator('#name').fill('Amira Haddad');
		await page.locator('#email').fill(email);
		await page.getByTestId('sign-up').click();
		await page.getByTestId('recovery-saved').click();
		await expect(page.getByTestId('log-cta')).toBeVisible();
		await waitForServiceWorker(page);
		// The passkey, to carry to the second device (the authenticator lives with this page).
		const passkeys = await authenticatorA.credentials();
		expect(passkeys).toHaveLength(1);

		// Offline: the app opens from the service worker, as the same person.
		await phone.setOffline(true);
		await page.reload();
		await expect(page.getByTestId('log-cta')).toBeVisible();
		await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'offline');

		// Log a contribution offline, through a deep link opened from the service worker.
		await page.goto('/log');
		await page.locator('#description').fill(description);
		await page.locator('#link').fill('https://example.org/flyer');
		await page.getByTestId('quick-log').locator('[type=submit]').click();
		await expect(contribution(page, description)).toHaveAttribute('data-pending', 'true');
		await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-pending', '1');

		await page.screenshot({ path: `test-results/screenshots/home-offline-${locale}.png` });
		await page.goto('/log');
		await page.screenshot({ path: `test-results/screenshots/quick-log-${locale}.png` });

		// Close the page; reopen while still offline: the write is still there, still pending.
		await page.close();
		page = await phone.newPage();
		await page.goto('/');
		await expect(contribution(page, description)).toHaveAttribute('data-pending', 'true');

		// Back online: it syncs by itself. Record the push to replay it afterwards.
		const pushes: Request[] = [];
		page.on('request', (request) => {
			if (request.url().endsWith('/api/sync/push')) pushes.push(request);
		});
		await phone.setOffline(false);
		await expect(contribution(page, description)).toHaveAttribute('data-pending', 'false', {
			timeout: 30_000
		});
		await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-pending', '0');
		const push = pushes.find((request) => request.postData()?.includes(description));
		expect(push, 'the contribution was pushed').toBeDefined();

		// Replaying the same push changes nothing.
		const replay = await phone.request.post('/api/sync/push', {
			data: JSON.parse(push!.postData()!),
			headers: { 'content-type': 'application/json' }
		});
		expect(replay.status()).toBe(200);
		const replayed = pushResponseSchema.parse(await replay.json());
		expect(replayed.applied).toBe(0);
		expect(replayed.rejected).toBe(0);

		// The server holds exactly one row for it.
		const pulled = await phone.request.post('/api/sync/pull', {
			data: { deviceId: crypto.randomUUID(), cursor: 0, limit: 5000 },
			headers: { 'content-type': 'application/json' }
		});
		const rows = pullResponseSchema
			.parse(await pulled.json())
			.changes.contributions.filter((row) => row.description === description);
		expect(rows).toHaveLength(1);

		// Device B: the same person's passkey, signing in on a second device.
		const laptop = await browser.newContext();
		await setLocaleCookie(laptop, origin, locale);
		const second = await laptop.newPage();
		const authenticatorB = await addVirtualAuthenticator(laptop, second);
		for (const passkey of passkeys) await authenticatorB.addCredential(passkey);
		await second.goto('/');
		await second.getByTestId('sign-in').click();
		await expect(contribution(second, description)).toHaveCount(1, { timeout: 30_000 });
		await expect(contribution(second, description)).toHaveAttribute('data-pending', 'false');
		await second.screenshot({ path: `test-results/screenshots/second-device-${locale}.png` });

		// The session ends (expired or revoked): the next sync asks for a sign-in and loses nothing.
		await phone.clearCookies({ name: 'gather_session' });
		const afterExpiry = `Wrote the event recap (${locale} ${Date.now()})`;
		await page.goto('/log');
		await page.locator('#description').fill(afterExpiry);
		await page.getByTestId('quick-log').locator('[type=submit]').click();
		await expect(page.getByTestId('session-expired')).toBeVisible();
		await expect(contribution(page, afterExpiry)).toHaveAttribute('data-pending', 'true');
		// The passkey as the second device last used it (its signature counter moved on there).
		const synced = await authenticatorB.credentials();
		const authenticatorA2 = await addVirtualAuthenticator(phone, page);
		for (const passkey of synced) await authenticatorA2.addCredential(passkey);
		await page.getByTestId('session-expired').getByRole('link').click();
		await page.getByTestId('sign-in').click();
		await expect(contribution(page, afterExpiry)).toHaveAttribute('data-pending', 'false');
		await expect(page.getByTestId('session-expired')).toHaveCount(0);

		await page.goto('/settings');
		await page.screenshot({ path: `test-results/screenshots/settings-${locale}.png` });

		// Signing out offline cannot end the HttpOnly session cookie; back online, the app ends it
		// instead of signing the person back in.
		await phone.setOffline(true);
		await page.getByTestId('sign-out').click();
		await expect(page).toHaveURL(/\/welcome$/);
		await phone.setOffline(false);
		await page.reload();
		await expect
			.poll(async () => (await (await phone.request.get('/api/auth/me')).json()).person)
			.toBeNull();
		await expect(page).toHaveURL(/\/welcome$/);
		await expect(page.getByTestId('log-cta')).toHaveCount(0);

		await phone.close();
		await laptop.close();
	});
}
