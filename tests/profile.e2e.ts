/**
 * Profiles end to end: a new member edits several fields, their privacy and their picture while
 * offline, sees the change at once (and how members and the public would see it), syncs when
 * back online, and a stranger's browser gets only the public fields on /p/<id>. Someone else's
 * profile opens offline from a deep link after one visit. Screens are captured in English and
 * Arabic at phone size.
 */
import { expect, test, type Page } from '@playwright/test';
import { personResponseSchema } from '../src/lib/domain/people-api';
import {
	outboxCount,
	setLocaleCookie,
	signUp,
	waitForServiceWorker,
	type GatherWindow
} from './support';

const shots = (name: string, locale: string) => `test-results/screenshots/${name}-${locale}.png`;

/** The pages a test opened, captured when it fails (its contexts are its own, not `page`). */
const opened: Page[] = [];
/** Uncaught errors in those pages, printed when the test fails. */
const pageErrors: string[] = [];
function watch(page: Page): Page {
	opened.push(page);
	page.on('pageerror', (error) =>
		pageErrors.push(`${page.url()}: ${error.stack ?? error.message}`)
	);
	return page;
}
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook destructures: none here
test.afterEach(async ({}, testInfo) => {
	if (testInfo.status !== testInfo.expectedStatus) {
		if (pageErrors.length > 0) console.error(pageErrors.join('\n'));
		for (const [index, page] of opened.entries())
			await page
				.screenshot({ path: testInfo.outputPath(`failure-${index}.png`), fullPage: true })
				.catch(() => {});
	}
	opened.length = 0;
	pageErrors.length = 0;
});

/** A 600×400 PNG drawn in the page (a landscape photo stand-in), as bytes. */
async function landscapePng(page: Page): Promise<Buffer> {
	const dataUrl = await page.evaluate(() => {
		const canvas = document.createElement('canvas');
		canvas.width = 600;
		canvas.height = 400;
		const context = canvas.getContext('2d')!;
		const gradient = context.createLinearGradient(0, 0, 600, 400);
		gradient.addColorStop(0, '#e76f51');
		gradient.addColorStop(1, '#1f5f5b');
		context.fillStyle = gradient;
		context.fillRect(0, 0, 600, 400);
		context.fillStyle = '#fbf8f3';
		context.beginPath();
		context.arc(300, 170, 90, 0, Math.PI * 2);
		context.fill();
		return canvas.toDataURL('image/png');
	});
	return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

for (const locale of ['en', 'ar'] as const) {
	test(`a profile edited offline syncs, and the public sees only its public fields (${locale})`, async ({
		browser,
		baseURL
	}) => {
		const stamp = Date.now();
		const bio = `Knits scarves for the winter drive (${locale} ${stamp})`;
		// The editor guesses the time zone from the device.
		const phone = await browser.newContext({ timezoneId: 'Europe/Lisbon' });
		await setLocaleCookie(phone, baseURL!, locale);
		const page = watch(await phone.newPage());
		await signUp(phone, page, `Rania Profile ${locale}`);
		await waitForServiceWorker(page);
		const personId = await page.evaluate(
			() => (window as unknown as GatherWindow).__gather.person!.id
		);

		// The first pull brings the person's own row: the profile shows from the device.
		await page.goto('/profile');
		await expect(page.getByTestId('profile-name')).toHaveText(`Rania Profile ${locale}`);

		// Visit someone else's profile once while online (the deep link must work offline later).
		const someone = await page.evaluate(async (me) => {
			const people = await (window as unknown as GatherWindow).__gather.database!.people.toArray();
			return people.find((person) => person.id !== me && person.status === 'active')!;
		}, personId);
		await page.goto(`/people/${someone.id}`);
		await expect(page.getByTestId('profile-name')).toHaveText(someone.displayName);

		// Offline from here on.
		await phone.setOffline(true);
		await page.goto('/profile/edit');
		await expect(page.getByTestId('profile-form')).toBeVisible();

		// A file that is not a picture is refused, clearly.
		await page.getByTestId('avatar-file').setInputFiles({
			name: 'notes.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('not a picture')
		});
		await expect(page.getByTestId('avatar-problem')).toBeVisible();
		// A landscape photo becomes a small square picture.
		await page.getByTestId('avatar-file').setInputFiles({
			name: 'me.png',
			mimeType: 'image/png',
			buffer: await landscapePng(page)
		});
		await expect(page.getByTestId('avatar-problem')).toHaveCount(0);
		await expect(page.getByTestId('avatar-picker').getByTestId('avatar-image')).toBeVisible();

		await page.locator('#pronouns').fill('she/her');
		await page.locator('#bio').fill(bio);
		await page.locator('#city').fill('Lisboa');
		await page.locator('#country').selectOption('PT');
		await page.locator('#skills').fill('translation');
		await page.locator('#skills').press('Enter');
		await page.locator('#skills').fill('event photography');
		await page.locator('#skills').press('Enter');
		await page.locator('input[name=areas][value=design]').check();
		await page.getByTestId('add-link').click();
		await page.getByTestId('link-row').last().locator('input[type=text]').fill('Portfolio');
		await page.getByTestId('link-row').last().locator('input[type=url]').fill('rania.example.org');
		// Who sees what: the name, city and skills for everyone, the bio for nobody else.
		await page.getByTestId('privacy-displayName').selectOption('public');
		await page.getByTestId('privacy-city').selectOption('public');
		await page.getByTestId('privacy-skills').selectOption('public');
		await page.getByTestId('privacy-bio').selectOption('private');
		await page.screenshot({ path: shots('profile-edit', locale), fullPage: true });

		// A link without a label is refused on its own row; nothing is saved.
		await page.getByTestId('add-link').click();
		await page
			.getByTestId('link-row')
			.last()
			.locator('input[type=url]')
			.fill('https://x.example.org');
		await page.getByTestId('profile-save').click();
		await expect(page.getByTestId('profile-failure')).toBeVisible();
		expect(await outboxCount(page)).toBe(0);
		await page.screenshot({ path: shots('profile-edit-error', locale) });
		await page.getByTestId('link-row').last().getByRole('button').click();

		await page.getByTestId('profile-save').click();
		await expect(page).toHaveURL(/\/profile$/);

		// The change shows at once, from the device, waiting to be sent as ONE write.
		const view = page.getByTestId('profile-view');
		await expect(view.locator('[data-field=city] dd')).toHaveText('Lisboa');
		await expect(view.locator('[data-field=bio] dd')).toHaveText(bio);
		await expect(view.locator('[data-field=bio] [data-level]')).toHaveAttribute(
			'data-level',
			'private'
		);
		await expect(view.locator('.top').getByTestId('avatar-image')).toBeVisible();
		expect(await outboxCount(page)).toBe(1);
		const written = await page.evaluate(async () =>
			(window as unknown as GatherWindow).__gather.database!.outbox.toArray()
		);
		expect(written.map((entry) => entry.name)).toEqual(['profile.update']);
		expect(Object.keys((written[0]!.args as { changes: object }).changes).sort()).toEqual([
			'areas',
			'avatar',
			'bio',
			'city',
			'country',
			'links',
			'privacy',
			'pronouns',
			'skills',
			'timezone'
		]);
		await page.screenshot({ path: shots('profile-self', locale), fullPage: true });

		// How others see it: members miss the bio, the public also the pronouns.
		await page.getByTestId('audience-community').check();
		await expect(page.getByTestId('hidden-fields').locator('[data-hidden=bio]')).toBeVisible();
		await expect(page.getByTestId('profile-view')).not.toContainText(bio);
		await expect(page.getByTestId('profile-view')).toContainText('she/her');
		await page.getByTestId('audience-public').check();
		await expect(page.getByTestId('hidden-fields').locator('[data-hidden=pronouns]')).toBeVisible();
		await expect(page.getByTestId('profile-view')).not.toContainText('she/her');
		await expect(page.getByTestId('profile-view')).toContainText('Lisboa');
		await page.screenshot({ path: shots('profile-public-preview', locale), fullPage: true });

		// Someone's profile opens offline, from a deep link in a new page.
		const again = watch(await phone.newPage());
		await again.goto(`/people/${someone.id}`);
		await expect(again.getByTestId('profile-name')).toHaveText(someone.displayName);
		await again.screenshot({ path: shots('person', locale), fullPage: true });
		// And one's own, reached the same way, offers to edit it.
		await again.goto(`/people/${personId}`);
		await expect(again.getByTestId('edit-person')).toBeVisible();
		await again.close();

		// Back online: the write syncs by itself.
		await phone.setOffline(false);
		await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);
		await expect(page.getByTestId('public-page-link')).toBeVisible();
		const own = personResponseSchema.parse(
			await (await phone.request.get(`/api/people/${personId}`)).json()
		).person;
		expect(own).toMatchObject({
			bio,
			city: 'Lisboa',
			country: 'PT',
			pronouns: 'she/her',
			timezone: 'Europe/Lisbon'
		});
		expect(own.avatar).toMatch(/^data:image\/(webp|jpeg);base64,/);
		expect(own.links).toEqual([{ label: 'Portfolio', url: 'https://rania.example.org' }]);

		// A stranger's browser: only the public fields, on the server-rendered page and the API.
		const stranger = await browser.newContext();
		await setLocaleCookie(stranger, baseURL!, locale);
		const outsider = watch(await stranger.newPage());
		const response = await outsider.goto(`/p/${personId}`);
		expect(response?.status()).toBe(200);
		const profile = outsider.getByTestId('public-profile');
		await expect(profile.getByTestId('profile-name')).toHaveText(`Rania Profile ${locale}`);
		await expect(profile).toContainText('Lisboa');
		await expect(profile).toContainText('event photography');
		const html = await outsider.content();
		expect(html).not.toContain(bio);
		expect(html).not.toContain('she/her');
		expect(html).not.toContain('rania.example.org');
		expect(html).not.toContain('data:image');
		await outsider.screenshot({ path: shots('public-profile', locale), fullPage: true });
		const seen = personResponseSchema.parse(
			await (await stranger.request.get(`/api/people/${personId}`)).json()
		).person;
		expect(seen).toMatchObject({ bio: null, pronouns: null, avatar: null, links: [], email: null });
		expect(seen.skills).toEqual(['translation', 'event photography']);

		// Someone whose name is for members only has no public page; nor has an unknown id:
		// a translated page says so.
		expect((await outsider.goto(`/p/${someone.id}`))?.status()).toBe(
			someone.privacy.displayName === 'public' ? 200 : 404
		);
		expect((await outsider.goto(`/p/${crypto.randomUUID()}`))?.status()).toBe(404);
		await expect(outsider.getByTestId('public-unavailable')).toBeVisible();
		await expect(outsider.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await outsider.screenshot({ path: shots('public-unavailable', locale) });
		await stranger.close();
		await phone.close();
	});
}
