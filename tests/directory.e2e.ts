/**
 * The community directory end to end: a member opens People once while online, then, offline,
 * searches the seeded community by name (accents ignored) and by skill, filters by language,
 * opens a search from a link, and opens a result. Screens are captured in English and Arabic at
 * phone size.
 */
import { expect, test, type Page } from '@playwright/test';
import { setLocaleCookie, signInAs, waitForServiceWorker, type GatherWindow } from './support';

const shots = (name: string, locale: string) => `test-results/screenshots/${name}-${locale}.png`;

/** The names on the result cards, in order. */
function resultNames(page: Page) {
	return page.getByTestId('directory-person').locator('.name bdi');
}

async function search(page: Page, text: string) {
	await page.getByTestId('directory-search').fill(text);
}

for (const locale of ['en', 'ar'] as const) {
	test(`the directory searches the community offline (${locale})`, async ({ browser, baseURL }) => {
		const phone = await browser.newContext();
		await setLocaleCookie(phone, baseURL!, locale);
		const page = await phone.newPage();
		await signInAs(page, 'kenji@example.org');
		await waitForServiceWorker(page);
		// Every seeded person has arrived on the device.
		await expect
			.poll(() =>
				page.evaluate(() => (window as unknown as GatherWindow).__gather.database!.people.count())
			)
			.toBeGreaterThanOrEqual(12);

		// One visit online, through the bottom navigation.
		// (Links may be relative: "./directory".)
		await page.locator('nav.bottom a[href$="directory"]').click();
		await expect(page).toHaveURL(/\/directory$/);
		await expect(page.locator('nav.bottom a[aria-current="page"]')).toHaveAttribute(
			'href',
			/directory$/
		);
		// Alphabetical (other tests' people may be listed too).
		await expect(resultNames(page)).toContainText(['Amara Okafor', 'Aroha Ngata', 'Elif Yılmaz']);
		await expect(page.getByTestId('directory-count')).toBeVisible();
		await page.screenshot({ path: shots('directory', locale), fullPage: false });

		await phone.setOffline(true);

		// By name: case and accents ignored, names that begin with the query first.
		await search(page, 'LUCIA fern');
		await expect(resultNames(page)).toHaveText(['Lucía Fernández']);
		await search(page, 'el');
		await expect(resultNames(page).first()).toHaveText('Elif Yılmaz');
		await expect(resultNames(page)).toContainText(['Fatima Zahra El Idrissi']);

		// By skill typed as text, then narrowed by a language.
		await search(page, 'translat');
		await expect(resultNames(page)).toContainText([
			'Fatima Zahra El Idrissi',
			'Lucía Fernández',
			'Nguyễn Thu Hà'
		]);
		await page.getByTestId('directory-filter-language').selectOption('vi');
		await expect(resultNames(page)).toHaveText(['Nguyễn Thu Hà']);
		await expect(page).toHaveURL(/language=vi/);
		await expect(page).toHaveURL(/q=translat/);
		await page.screenshot({ path: shots('directory-filtered', locale), fullPage: false });

		// Nobody: said so, and one tap clears the search.
		await search(page, 'zzzz');
		await expect(page.getByTestId('directory-empty')).toBeVisible();
		await page.getByTestId('directory-empty').getByRole('button').click();
		await expect(page.getByTestId('directory-search')).toHaveValue('');
		await expect(page.getByTestId('directory-filter-language')).toHaveValue('');
		await expect(resultNames(page)).toContainText(['Amara Okafor']);
		await expect(resultNames(page).first()).toHaveText('Amara Okafor');

		// A search is a link, and the link works offline.
		await page.goto('/directory?skill=proofreading');
		await expect(resultNames(page)).toHaveText(['Fatima Zahra El Idrissi']);
		await expect(page.getByTestId('directory-filter-skill')).toHaveValue('proofreading');

		// A result opens the person's profile, still offline.
		await page.getByTestId('directory-person').first().click();
		await expect(page).toHaveURL(/\/people\/[0-9a-f-]{36}$/);
		await expect(page.getByTestId('profile-name')).toHaveText('Fatima Zahra El Idrissi');
		await phone.close();
	});
}
