/**
 * My journey and the badge celebration on the real stack: a new member's contributions and a
 * badge an organizer grants reach the device; the celebration shows once per new award (and
 * never again after a reload); My journey opens offline after one online visit, with totals
 * and the streak; another person's profile shows their journey online.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	logOnAnotherDevice,
	setLocaleCookie,
	signInAs,
	signUp,
	syncedNow,
	waitForServiceWorker,
	type GatherWindow
} from './support';

/** Wait until the device finished a full sync (the celebration's "first sync" mark). */
async function syncedOnce(page: Page) {
	await expect
		.poll(() =>
			page.evaluate(() =>
				(window as unknown as GatherWindow).__gather.database?.getMeta('lastSyncedAt')
			)
		)
		.toBeTruthy();
}

/** Close the celebration of whatever rule badges the contributions earned (First Steps). */
async function closeAnyCelebration(page: Page) {
	const dialog = page.getByTestId('celebration');
	await page.waitForTimeout(1500);
	if (await dialog.isVisible()) await dialog.getByRole('button').nth(1).click();
	await expect(dialog).toBeHidden();
}

for (const locale of ['en', 'ar'] as const) {
	test(`my journey offline, and a granted badge celebrated once (${locale})`, async ({
		browser,
		baseURL
	}) => {
		const origin = baseURL!;
		const stamp = Date.now();

		// A new member signs up; the first sync marks (no) old awards as celebrated.
		const phone = await browser.newContext();
		await setLocaleCookie(phone, origin, locale);
		const page = await phone.newPage();
		await signUp(phone, page, `Journey ${locale} ${stamp}`);
		// signUp closes every celebration that shows; here they are what is tested.
		await page.removeLocatorHandler(page.getByTestId('celebration'));
		await syncedOnce(page);
		const memberId = await page.evaluate(
			() => (window as unknown as GatherWindow).__gather.actor!.personId
		);

		// Two contributions (yesterday) from another device of theirs.
		for (const description of ['Translated the FAQ', 'Answered questions in the forum'])
			await logOnAnotherDevice(phone, {
				id: crypto.randomUUID(),
				description: `${description} ${stamp}`
			});
		await syncedNow(page);
		await closeAnyCelebration(page);

		// An organizer grants them Helping Hand, through the organizer's own app.
		const organizerContext = await browser.newContext();
		const organizer = await organizerContext.newPage();
		await signInAs(organizer, 'lucia@example.org');
		await syncedOnce(organizer);
		const organizerId = await organizer.evaluate(
			() => (window as unknown as GatherWindow).__gather.actor!.personId
		);
		await organizer.evaluate(async (personId) => {
			const app = (window as unknown as GatherWindow).__gather;
			const badge = await app.database!.badges.where('slug').equals('helping-hand').first();
			await app.mutate('award.grant', {
				badgeId: badge!.id,
				personId,
				evidence: 'Stayed late to help everyone set up.'
			});
		}, memberId);
		await syncedNow(organizer);
		await organizerContext.close();

		// The award arrives on the member's device: one celebration, with the badge.
		await page.evaluate(() => (window as unknown as GatherWindow).__gather.syncNow());
		const dialog = page.getByTestId('celebration');
		await expect(dialog).toBeVisible();
		await expect(dialog).toContainText('Helping Hand');
		await page.waitForTimeout(600);
		await page.screenshot({ path: `test-results/screenshots/journey-celebration-${locale}.png` });
		await page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();

		// Never again: not after a reload and another sync.
		await page.reload();
		await expect(page.getByTestId('journey-card')).toBeVisible();
		await syncedNow(page);
		await page.waitForTimeout(1000);
		await expect(dialog).toBeHidden();

		// One online visit to My journey, then offline: it opens from the device.
		await waitForServiceWorker(page);
		await page.getByTestId('journey-card').click();
		const contributionCount = page.getByTestId('journey-contributions').locator('dd');
		await expect(contributionCount).toHaveText(/^\s*(2|٢)\s*$/);
		await phone.setOffline(true);
		await page.reload();
		await expect(contributionCount).toHaveText(/^\s*(2|٢)\s*$/);
		// Logged yesterday: this week, or last week's streak still alive on a Monday.
		await expect(page.getByTestId('journey-streak-current')).toHaveText(/^\s*(1|١)\s*$/);
		await expect(page.getByTestId('journey-badges')).toContainText('Helping Hand');
		await expect(page.getByTestId('journey')).toContainText(`Translated the FAQ ${stamp}`);
		await page.screenshot({
			path: `test-results/screenshots/journey-mine-${locale}.png`,
			fullPage: true
		});

		// Someone else's journey needs the server: offline it says so; online it shows.
		await page.goto(`/people/${organizerId}`);
		await expect(page.getByTestId('journey-offline')).toBeVisible();
		await phone.setOffline(false);
		await page.reload();
		await expect(page.getByTestId('person-journey').getByTestId('journey')).toBeVisible();
		await page.screenshot({
			path: `test-results/screenshots/journey-other-${locale}.png`,
			fullPage: true
		});
		await phone.close();
	});
}
