/**
 * Passkeys, complete, on the built app with Chromium's virtual authenticators: sign-up shows the
 * recovery codes once; a second passkey is added, renamed, and the first revoked (it no longer
 * signs in, the other does on a second browser context); a recovery code signs in on a fresh
 * context, once, and leads to adding a passkey; sign out everywhere ends the other sessions; the
 * security screen says so when offline.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
	addVirtualAuthenticator,
	setLocaleCookie,
	signUp,
	signUpShowingCodes,
	waitForServiceWorker
} from './support';

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

function passkeyItems(page: Page) {
	return page.getByTestId('passkey');
}

for (const locale of ['en', 'ar'] as const) {
	test(`sign-up shows recovery codes; a second passkey is added, the first revoked; the other signs in elsewhere (${locale})`, async ({
		browser,
		baseURL
	}) => {
		const email = `passkeys-${locale}-${Date.now()}@example.org`;
		const phone = await browser.newContext();
		await setLocaleCookie(phone, baseURL!, locale);
		const page = await phone.newPage();
		const platform = await addVirtualAuthenticator(phone, page);

		// Sign-up: ten readable codes, shown until the person says they saved them.
		const codes = await signUpShowingCodes(page, 'Zainab Odhiambo', email);
		expect(codes).toHaveLength(10);
		for (const code of codes) expect(code).toMatch(CODE);
		expect(new Set(codes).size).toBe(10);
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await page.screenshot({
			path: `test-results/screenshots/recovery-codes-${locale}.png`,
			fullPage: true
		});
		await page.getByTestId('recovery-saved').click();
		await expect(page.getByTestId('log-cta')).toBeVisible();

		// The security screen lists the one passkey.
		await page.goto('/settings/security');
		await expect(passkeyItems(page)).toHaveCount(1);
		// Arabic writes its numbers in its own digits.
		await expect(page.getByTestId('recovery-left')).toContainText(/10|١٠/);

		// A second passkey, from another authenticator (a security key, say). The phone's
		// authenticator is set aside meanwhile: it holds a passkey the server excludes.
		const phonePasskeys = await platform.credentials();
		expect(phonePasskeys).toHaveLength(1);
		await platform.remove();
		const securityKey = await addVirtualAuthenticator(phone, page);
		await page.locator('#new-passkey-name').fill('Security key');
		await page.getByTestId('add-passkey').locator('[type=submit]').click();
		await expect(passkeyItems(page)).toHaveCount(2);
		await expect(passkeyItems(page).nth(1)).toContainText('Security key');
		await expect(page.getByTestId('security-status')).toBeVisible();
		const keyPasskeys = await securityKey.credentials();
		expect(keyPasskeys).toHaveLength(1);

		// Rename the first one.
		const first = passkeyItems(page).first();
		await first.getByRole('button', { name: locale === 'ar' ? 'إعادة التسمية' : 'Rename' }).click();
		await first.locator('input[name=name]').fill('Phone');
		await first.locator('[type=submit]').click();
		await expect(first).toContainText('Phone');
		await page.screenshot({
			path: `test-results/screenshots/security-${locale}.png`,
			fullPage: true
		});

		// Revoke the phone's passkey: a confirmation, then it is gone.
		await first.getByTestId('revoke').click();
		await expect(first.getByTestId('revoke-explanation')).toBeVisible();
		await first.getByTestId('revoke-confirm').click();
		await expect(passkeyItems(page)).toHaveCount(1);
		await expect(passkeyItems(page).first()).toContainText('Security key');

		// The last passkey cannot go without a word: with codes left, it warns what remains.
		await passkeyItems(page).first().getByTestId('revoke').click();
		await expect(page.getByTestId('revoke-explanation')).toContainText(
			locale === 'ar' ? 'الوحيد' : 'only passkey'
		);

		// A second browser context: the revoked passkey is refused, the other signs in.
		const laptop = await browser.newContext();
		await setLocaleCookie(laptop, baseURL!, locale);
		const second = await laptop.newPage();
		const laptopAuthenticator = await addVirtualAuthenticator(laptop, second);
		await laptopAuthenticator.addCredential(phonePasskeys[0]!);
		await second.goto('/');
		await second.getByTestId('sign-in').click();
		await expect(second.getByTestId('auth-error')).toBeVisible();
		await laptopAuthenticator.remove();
		const laptopKey = await addVirtualAuthenticator(laptop, second);
		await laptopKey.addCredential(keyPasskeys[0]!);
		await second.getByTestId('sign-in').click();
		await expect(second.getByTestId('log-cta')).toBeVisible();
		expect((await (await laptop.request.get('/api/auth/me')).json()).person.email).toBe(email);

		await phone.close();
		await laptop.close();
	});
}

test('a recovery code signs in once on a fresh context, then a new passkey is added', async ({
	browser
}) => {
	const email = `recovery-${Date.now()}@example.org`;
	const phone = await browser.newContext();
	const page = await phone.newPage();
	await addVirtualAuthenticator(phone, page);
	const codes = await signUpShowingCodes(page, 'Mateus Okafor', email);
	await page.getByTestId('recovery-saved').click();
	await expect(page.getByTestId('log-cta')).toBeVisible();

	// The phone is lost: a fresh context, no passkey anywhere.
	const borrowed = await browser.newContext();
	const second = await borrowed.newPage();
	await second.goto('/');
	await second.getByText("Can't use your passkey?").click();
	await second.locator('#recovery-email').fill(email.toUpperCase());
	await second.locator('#recovery-code').fill('0000-0000-0000-0000');
	await second.getByTestId('recovery-signin').locator('[type=submit]').click();
	await expect(second.getByTestId('recovery-error')).toBeVisible();
	await second.screenshot({
		path: 'test-results/screenshots/welcome-recovery-en.png',
		fullPage: true
	});

	// Typed as people type: lower case, spaces instead of dashes.
	await second.locator('#recovery-code').fill(codes[0]!.toLowerCase().replaceAll('-', ' '));
	await second.getByTestId('recovery-signin').locator('[type=submit]').click();
	await expect(second).toHaveURL(/\/settings\/security\?recovered=9$/);
	await expect(second.getByTestId('recovered-prompt')).toBeVisible();
	await expect(second.getByTestId('recovery-left')).toContainText('9');
	await second.screenshot({ path: 'test-results/screenshots/security-recovered-en.png' });

	// The prompt leads to a new passkey for this device.
	const authenticator = await addVirtualAuthenticator(borrowed, second);
	await second.getByTestId('recovered-prompt').getByRole('button').click();
	await expect(passkeyItems(second)).toHaveCount(2);
	await expect(second.getByTestId('recovered-prompt')).toHaveCount(0);
	expect(await authenticator.credentials()).toHaveLength(1);

	// The code is spent: signed out, it no longer works.
	await second.goto('/settings');
	await second.getByTestId('sign-out').click();
	await expect(second).toHaveURL(/\/welcome$/);
	await second.getByText("Can't use your passkey?").click();
	await second.locator('#recovery-email').fill(email);
	await second.locator('#recovery-code').fill(codes[0]!);
	await second.getByTestId('recovery-signin').locator('[type=submit]').click();
	await expect(second.getByTestId('recovery-error')).toBeVisible();

	await phone.close();
	await borrowed.close();
});

test('sign out everywhere ends every session; the security screen explains itself offline', async ({
	browser
}) => {
	const phone = await browser.newContext();
	const page = await phone.newPage();
	const authenticator = await signUp(phone, page, 'Ilse Varga');

	const laptop = await browser.newContext();
	const second = await laptop.newPage();
	const laptopAuthenticator = await addVirtualAuthenticator(laptop, second);
	await laptopAuthenticator.addCredential((await authenticator.credentials())[0]!);
	await second.goto('/');
	await second.getByTestId('sign-in').click();
	await expect(second.getByTestId('log-cta')).toBeVisible();
	await waitForServiceWorker(second);

	// Offline, the screen says it needs the network instead of failing.
	await second.goto('/settings/security');
	await expect(passkeyItems(second)).toHaveCount(1);
	await laptop.setOffline(true);
	await second.reload();
	await expect(second.getByTestId('security-offline')).toBeVisible();
	await laptop.setOffline(false);
	await expect(passkeyItems(second)).toHaveCount(1);

	// New recovery codes, after a confirmation: shown once, then the count is full again.
	await page.goto('/settings/security');
	await page.getByTestId('regenerate').click();
	await page.getByTestId('regenerate-confirm').click();
	await expect(page.getByTestId('recovery-code')).toHaveCount(10);
	await page.getByTestId('recovery-saved').click();
	await expect(page.getByTestId('recovery-left')).toContainText('10');

	await page.getByTestId('sign-out-everywhere').click();
	await page.screenshot({
		path: 'test-results/screenshots/sign-out-everywhere-en.png',
		fullPage: true
	});
	await page.getByTestId('sign-out-everywhere-confirm').click();
	await expect(page).toHaveURL(/\/welcome$/);
	const me = async (context: BrowserContext) =>
		(await (await context.request.get('/api/auth/me')).json()).person;
	expect(await me(phone)).toBeNull();
	expect(await me(laptop)).toBeNull();

	await phone.close();
	await laptop.close();
});

test('signing out while the session check is on its way stays signed out', async ({ browser }) => {
	const phone = await browser.newContext();
	const page = await phone.newPage();
	await signUp(phone, page, 'Tomás Rivera');

	// Opening a page asks the server who is signed in; its answer (still "you") is held back
	// until the person has signed out.
	let release = () => {};
	const released = new Promise<void>((resolve) => (release = resolve));
	await phone.route('**/api/auth/me', async (route) => {
		const response = await route.fetch();
		await released;
		await route.fulfill({ response });
	});
	const answered = page.waitForResponse('**/api/auth/me');
	await page.goto('/settings');
	await page.getByTestId('sign-out').click();
	await expect(page).toHaveURL(/\/welcome$/);
	release();
	await answered;
	// Let the late answer reach the app (it must not sign the person back in).
	await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
	await phone.unroute('**/api/auth/me');
	expect(await page.evaluate(() => localStorage.getItem('gather.account'))).toBeNull();
	await page.reload();
	await expect(page.getByTestId('sign-in')).toBeVisible();
	await expect(page).toHaveURL(/\/welcome$/);
	await expect(page.getByTestId('log-cta')).toHaveCount(0);

	await phone.close();
});

test('an email sign-in link that is used up, or cut short, says so and leads back', async ({
	page
}) => {
	await page.goto(`/auth/email#token=${'A'.repeat(43)}`);
	await expect(page.getByTestId('email-link-failure')).toContainText('expired or was used');
	// The token is taken out of the address at once.
	expect(new URL(page.url()).hash).toBe('');
	await page.screenshot({ path: 'test-results/screenshots/email-link-invalid-en.png' });
	await page.goto('/auth/email');
	await expect(page.getByTestId('email-link-failure')).toContainText('incomplete');
	await page.getByRole('link').click();
	await expect(page).toHaveURL(/\/welcome$/);
});
