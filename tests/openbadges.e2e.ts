/**
 * Open Badges end to end: an admin makes a badge and awards it (through the push API, as the
 * app would); the earner downloads their credential, uploads the .jwt file on /verify and sees
 * it is valid; after the admin revokes the award the same file verifies as revoked, with the
 * reason. Screenshots of the results at 360×780 in English and Arabic.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';
import { encodeHlc } from '../src/lib/domain/hlc';
import { setLocaleCookie, signInAs, syncedNow, waitForServiceWorker } from './support';

const ADMIN = 'amara@example.org';
const EARNER = 'kenji@example.org';
/** Kept out of test-results, which the next Playwright run empties. */
const shots = 'tests/.output/screenshots';

/** A signed-in request context for a seeded person. */
async function signedIn(browser: Browser, baseURL: string, email: string) {
	const context = await browser.newContext({ baseURL });
	const response = await context.request.post('/api/test/signin', { data: { email } });
	expect(response.ok()).toBe(true);
	return context;
}

/** One mutation pushed as a new device would (its first); the server must apply it. */
async function push(request: APIRequestContext, name: string, args: Record<string, unknown>) {
	const response = await request.post('/api/sync/push', {
		data: {
			deviceId: crypto.randomUUID(),
			mutations: [
				{
					mutationId: 1,
					name,
					hlc: encodeHlc({ millis: Date.now(), counter: 0, node: 'obtest00' }),
					args
				}
			]
		}
	});
	expect(response.status()).toBe(200);
	const body = (await response.json()) as { applied: number };
	expect(body.applied, `${name}: ${JSON.stringify(body)}`).toBe(1);
}

test('an earner downloads their credential and /verify checks it, before and after revocation', async ({
	browser,
	page,
	context,
	baseURL
}) => {
	test.setTimeout(120_000);
	if (!baseURL) throw new Error('no baseURL');
	const admin = await signedIn(browser, baseURL, ADMIN);
	const earner = await signedIn(browser, baseURL, EARNER);
	const me = (await (await earner.request.get('/api/auth/me')).json()) as {
		person: { id: string };
	};

	const badgeId = crypto.randomUUID();
	const awardId = crypto.randomUUID();
	const suffix = badgeId.slice(0, 8);
	await push(admin.request, 'badge.save', {
		id: badgeId,
		slug: `door-hero-${suffix}`,
		name: `Door hero ${suffix}`,
		description: 'Kept the door of a sprint running.',
		criteria: 'Check in 50 people at one event.',
		image: null,
		rule: null,
		archived: false
	});
	await push(admin.request, 'award.grant', {
		id: awardId,
		badgeId,
		personId: me.person.id,
		evidence: 'https://example.org/sprint-report'
	});

	// Only the earner or an admin downloads it (the spec covers someone else's 403).
	const anonymous = await browser.newContext({ baseURL });
	expect((await anonymous.request.get(`/ob/credentials/${awardId}`)).status()).toBe(401);
	await anonymous.close();
	expect((await admin.request.get(`/ob/credentials/${awardId}`)).status()).toBe(200);
	await earner.close();

	await signInAs(page, EARNER);
	await syncedNow(page);

	// The service worker leaves /verify to the server, with a query string too (Workbox's
	// denylist sees the query): the page comes from the network, never as the app shell.
	await waitForServiceWorker(page);
	for (const path of ['/verify', '/verify?from=e2e']) {
		const response = await page.goto(path);
		expect(response?.fromServiceWorker(), path).toBe(false);
		await expect(page.getByTestId('verify-page')).toBeVisible();
	}

	// The earner finds the award on the badge's page once synced, and downloads the credential.
	await page.goto(`/badges/${badgeId}`);
	await expect(page.getByTestId('credential-links')).toBeVisible({ timeout: 30_000 });
	await page.screenshot({
		path: `${shots}/openbadges-credential-links-en.png`,
		fullPage: true
	});
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('credential-download').click()
	]);
	expect(download.suggestedFilename()).toBe(`door-hero-${suffix}.jwt`);
	const downloaded = await download.path();
	const jwt = await readFile(downloaded);
	expect(jwt.toString()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

	async function verifyUpload() {
		await page.goto('/verify');
		await page
			.getByTestId('verify-form')
			.locator('input[type=file]')
			.setInputFiles({
				name: `door-hero-${suffix}.jwt`,
				mimeType: 'application/jwt',
				buffer: jwt
			});
		await page.getByTestId('verify-submit').click();
		return page.getByTestId('verify-result');
	}

	let result = await verifyUpload();
	await expect(result).toHaveAttribute('data-outcome', 'valid');
	await expect(result).toContainText('Valid ✓');
	await expect(page.getByTestId('verify-badge-name')).toHaveText(`Door hero ${suffix}`);
	await page.screenshot({ path: `${shots}/openbadges-verify-valid-en.png`, fullPage: true });

	// Garbage is read as unreadable, not an error page.
	await page.goto('/verify');
	await page.locator('#credential').fill('not a credential at all');
	await page.getByTestId('verify-submit').click();
	await expect(page.getByTestId('verify-result')).toHaveAttribute('data-outcome', 'unreadable');

	await push(admin.request, 'award.revoke', {
		badgeId,
		personId: me.person.id,
		reason: 'Awarded to the wrong Kenji'
	});
	result = await verifyUpload();
	await expect(result).toHaveAttribute('data-outcome', 'revoked');
	await expect(page.getByTestId('verify-revocation-reason')).toHaveText(
		'Awarded to the wrong Kenji'
	);
	await page.screenshot({ path: `${shots}/openbadges-verify-revoked-en.png`, fullPage: true });

	// The shared link and the OB 2.0 assertion say so too.
	await page.goto(`/verify/${awardId}`);
	await expect(page.getByTestId('verify-result')).toHaveAttribute('data-outcome', 'revoked');
	expect((await page.request.get(`/ob/assertions/${awardId}`)).status()).toBe(410);

	// Arabic, right to left.
	await setLocaleCookie(context, baseURL, 'ar');
	result = await verifyUpload();
	await expect(result).toHaveAttribute('data-outcome', 'revoked');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.screenshot({ path: `${shots}/openbadges-verify-revoked-ar.png`, fullPage: true });
	await page.goto('/verify');
	await page.screenshot({ path: `${shots}/openbadges-verify-form-ar.png`, fullPage: true });

	await admin.close();
});
