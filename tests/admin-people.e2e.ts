/**
 * People management by the seeded admin (Amara), end to end: a CSV with one bad row shows that
 * row's error in the preview, the apply writes the good rows, the new people appear among the
 * possible duplicates of the seeded community, a merge is confirmed and lands in the merge log.
 * Offline, the screens say they need a connection. Screens in English and Arabic at 360×780.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { setLocaleCookie, signInAs } from './support';

// Playwright empties test-results at each run; SCREENSHOTS_DIR keeps them elsewhere to look at.
const shots = process.env.SCREENSHOTS_DIR ?? 'test-results/screenshots';
test.use({ screenshot: 'only-on-failure' });

async function chooseCsv(page: Page, csv: string) {
	await page.getByTestId('import-file').setInputFiles({
		name: 'people.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(csv)
	});
	await expect(page.getByTestId('import-preview')).toBeVisible();
}

/** A 360×780 screenshot, scrolled to `focus` (the bottom bar would cover a full-page one). */
async function shoot(page: Page, name: string, focus?: Locator) {
	if (focus) await focus.evaluate((element) => element.scrollIntoView({ block: 'start' }));
	await page.screenshot({ path: `${shots}/${name}.png` });
}

/** Names and values inside sentences are bidi-isolated (FSI … PDI). */
const iso = (text: string) => `\u2068${text}\u2069`;

const row = (page: Page, number: number) =>
	page.locator(`[data-testid=import-row][data-row="${number}"]`);

test('import with a bad row, apply, find the new person among duplicates, merge', async ({
	page,
	context
}) => {
	await signInAs(page, 'amara@example.org');
	await page.goto('/admin/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import people');

	await chooseCsv(
		page,
		[
			'Email,Full name,City,Country,Skills',
			'lucia.fernandez@hr.example.org,Lucia Fernandez,Madrid,ES,events|translation',
			'wen.li@hr.example.org,Wen Li,Taipei,TW,',
			'not-an-email,Broken Row,Lima,Atlantis,'
		].join('\n')
	);
	await expect(page.getByTestId('import-count-create')).toHaveText('2 new');
	await expect(page.getByTestId('import-count-error')).toHaveText('1 with errors');
	await expect(row(page, 2)).toHaveAttribute('data-action', 'create');
	await expect(row(page, 2)).toContainText(`Skills: ${iso('events, translation')}`);
	await expect(row(page, 4)).toHaveAttribute('data-action', 'error');
	await expect(row(page, 4)).toContainText('Row 4');
	await expect(row(page, 4)).toContainText('The email address is not valid.');
	await expect(row(page, 4)).toContainText(
		`Unknown country “${iso('Atlantis')}”: use a two-letter code such as ES.`
	);
	await shoot(page, 'import-preview-en', page.getByTestId('import-preview'));

	await page.getByTestId('import-apply').click();
	await expect(page.getByTestId('import-done')).toHaveText(
		'Import finished: 2 new, 0 updated, 0 merged.'
	);
	await expect(row(page, 3)).toContainText('Wen Li');

	// The imported Lucia and the seeded Lucía live in the same city: a likely duplicate.
	await page.goto('/admin/duplicates');
	const pair = page
		.getByTestId('duplicate-pair')
		.filter({ hasText: 'lucia.fernandez@hr.example.org' });
	await expect(pair).toBeVisible();
	await expect(pair).toContainText('Lucía Fernández');
	await expect(pair).toContainText('Similar name, same city');
	await shoot(page, 'duplicates-en', pair);

	// The seeded Lucía has done more: she is kept unless the admin picks otherwise.
	const seeded = pair.getByTestId('duplicate-person').filter({ hasText: 'lucia@example.org' });
	await expect(seeded.getByRole('radio')).toBeChecked();
	await pair.getByTestId('merge').click();
	await expect(pair).toContainText(
		`Merge ${iso('Lucia Fernandez')} into ${iso('Lucía Fernández')}?`
	);
	await pair.getByTestId('confirm-merge').click();
	await expect(page.getByTestId('merge-done')).toContainText(
		`${iso('Lucia Fernandez')} was merged into ${iso('Lucía Fernández')}.`
	);
	await expect(pair).toHaveCount(0);

	await page.getByRole('link', { name: 'See the merge log' }).click();
	const entry = page.getByTestId('merge-entry').first();
	await expect(entry).toContainText(
		`${iso('Lucia Fernandez')} merged into ${iso('Lucía Fernández')}`
	);
	await expect(entry).toContainText(`By ${iso('Amara Okafor')}`);
	await expect(entry).toContainText('lucia.fernandez@hr.example.org');
	await shoot(page, 'merges-en');

	// Offline, each screen says it needs a connection and offers nothing to press.
	await context.setOffline(true);
	await expect(page.getByTestId('offline-notice')).toBeVisible();
	await page.getByRole('link', { name: 'Duplicates', exact: true }).click();
	await expect(page.getByTestId('offline-notice')).toBeVisible();
	await expect(page.getByTestId('duplicate-pair')).toHaveCount(0);
	await page.getByRole('link', { name: 'Import', exact: true }).click();
	await expect(page.getByTestId('offline-notice')).toBeVisible();
	await expect(page.getByTestId('import-file')).toBeDisabled();
	// Back online, the duplicates load by themselves.
	await page.getByRole('link', { name: 'Duplicates', exact: true }).click();
	await context.setOffline(false);
	await expect(
		page.getByTestId('no-duplicates').or(page.getByTestId('duplicate-pair').first())
	).toBeVisible();
});

test('Arabic: the import preview and the duplicates read right to left', async ({
	page,
	context,
	baseURL
}) => {
	await setLocaleCookie(context, baseURL!, 'ar');
	await signInAs(page, 'amara@example.org');
	await page.goto('/admin/import');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await chooseCsv(
		page,
		[
			'email,name,city,country,languages',
			'kenji.w@hr.example.org,Kenji Watanabe,Tokyo,JP,ja|en',
			'fatima@hr.example.org,,Casablanca,MA,ar',
			'short@hr.example.org'
		].join('\n')
	);
	await expect(row(page, 3)).toHaveAttribute('data-action', 'error');
	await expect(row(page, 3)).toContainText('يحتاج الشخص الجديد إلى اسم.');
	await expect(row(page, 4)).toContainText('يحتوي هذا الصف على 1 أعمدة بدلًا من 5.');
	await shoot(page, 'import-preview-ar', page.getByTestId('import-preview'));

	await page.getByTestId('import-apply').click();
	await expect(page.getByTestId('import-done')).toBeVisible();
	await page.goto('/admin/duplicates');
	const pair = page.getByTestId('duplicate-pair').filter({ hasText: 'kenji.w@hr.example.org' });
	await expect(pair).toBeVisible();
	await shoot(page, 'duplicates-ar', pair);
});
