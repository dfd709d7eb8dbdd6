/**
 * Groups and roles, end to end: a member joins an open group and asks to join a by-request
 * group while offline; back online both sync, and an admin (the seeded Amara) approves the
 * request, which reaches the member's device. Admins create a group, add a person to it and
 * grant a role; everyone else sees "admins only". Screens in English and Arabic at 360×780.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	outboxCount,
	setLocaleCookie,
	signInAs,
	signUp,
	waitForServiceWorker,
	type GatherWindow
} from './support';

const shots = 'test-results/screenshots';

const groupLink = (page: Page, slug: string) =>
	page.locator(`[data-testid=group-link][data-slug="${slug}"]`);

/** Sync now, and wait until nothing is left to send. */
async function synced(page: Page) {
	await page.evaluate(() => (window as unknown as GatherWindow).__gather.syncNow());
	await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);
}

test('joining offline: an open group at once, a by-request group pending until an admin approves', async ({
	browser
}) => {
	const name = `Noor Haddad ${Date.now()}`;
	const phone = await browser.newContext();
	const page = await phone.newPage();
	await signUp(phone, page, name);
	await waitForServiceWorker(page);
	await page.goto('/groups');
	await expect(groupLink(page, 'localization')).toBeVisible();
	await expect(groupLink(page, 'latin-america')).toBeVisible();

	await phone.setOffline(true);
	await groupLink(page, 'localization').click();
	await page.getByTestId('join-group').click();
	await expect(page.locator('h1 + [data-status=member]')).toBeVisible();
	await expect(page.getByTestId('group-members')).toContainText(name);
	await expect(page.getByTestId('leave-group')).toBeVisible();

	await page.goto('/groups');
	await groupLink(page, 'latin-america').click();
	await expect(page.getByTestId('join-group')).toHaveText(/Ask to join/);
	await page.getByTestId('join-group').click();
	await expect(page.locator('h1 + [data-status=requested]')).toBeVisible();
	await expect(page.getByTestId('cancel-request')).toBeVisible();
	// Not a member yet: the members list does not show a request.
	await expect(page.getByTestId('group-members')).not.toContainText(name);
	await page.screenshot({ path: `${shots}/group-requested-en.png` });

	// A closed group offers no way in.
	await page.goto('/groups');
	await groupLink(page, 'reps-council').click();
	await expect(page.getByTestId('group-closed')).toBeVisible();
	await expect(page.getByTestId('join-group')).toHaveCount(0);

	await page.goto('/groups');
	await expect(groupLink(page, 'localization').locator('[data-status=member]')).toBeVisible();
	await expect(groupLink(page, 'latin-america').locator('[data-status=requested]')).toBeVisible();
	expect(await outboxCount(page)).toBe(2);
	await page.screenshot({ path: `${shots}/groups-offline-en.png` });

	// The search finds groups by name, accents and case aside.
	await page.getByTestId('group-search').fill('latin');
	await expect(page.getByTestId('group-link')).toHaveCount(1);
	await page.getByTestId('group-search').fill('');

	// Back online: both writes reach the server.
	await phone.setOffline(false);
	await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);

	// The admin sees the request and approves it.
	const office = await browser.newContext();
	const desk = await office.newPage();
	await signInAs(desk, 'amara@example.org');
	await desk.goto('/groups');
	await groupLink(desk, 'latin-america').click();
	const request = desk.getByTestId('pending-requests').locator('li', { hasText: name });
	await expect(request).toBeVisible({ timeout: 30_000 });
	await desk.screenshot({ path: `${shots}/group-curating-en.png`, fullPage: true });
	await request.getByTestId('approve').click();
	await expect(desk.getByTestId('pending-requests')).toHaveCount(0);
	await expect(desk.getByTestId('group-members')).toContainText(name);
	await synced(desk);

	// The member's device hears of it (the change feed, or the next sync).
	await synced(page);
	await expect(groupLink(page, 'latin-america').locator('[data-status=member]')).toBeVisible({
		timeout: 30_000
	});

	// Leaving: gone from the member's device at once, and from the admin's after a sync.
	await groupLink(page, 'localization').click();
	await page.getByTestId('leave-group').click();
	await expect(page.getByTestId('join-group')).toBeVisible();
	await synced(page);
	await desk.goto('/groups');
	await groupLink(desk, 'localization').click();
	await synced(desk);
	await expect(desk.getByTestId('group-members')).not.toContainText(name);

	await phone.close();
	await office.close();
});

for (const locale of ['en', 'ar'] as const) {
	test(`admin screens: create a closed group, add a person, grant a role (${locale})`, async ({
		browser,
		baseURL
	}) => {
		const context = await browser.newContext();
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		await signInAs(page, 'amara@example.org');
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');

		await page.goto('/admin');
		await expect(page.getByRole('navigation').first()).toBeVisible();
		await page.screenshot({ path: `${shots}/admin-${locale}.png` });

		// A new closed team; a name without Latin letters gives no slug: the form says so.
		const slug = `docs-crew-${locale}-${Date.now().toString(36)}`;
		await page.goto('/admin/groups');
		await page.getByTestId('new-group').click();
		await page.locator('#group-name').fill(locale === 'ar' ? 'فريق التوثيق' : '');
		await page.getByTestId('save-group').click();
		await expect(page.locator('#group-slug')).toHaveAttribute('aria-invalid', 'true');
		if (locale === 'en') {
			// A new group's slug follows its name…
			await page.locator('#group-name').fill('Docs crew');
			await expect(page.locator('#group-slug')).toHaveValue('docs-crew');
		}
		await page.locator('#group-slug').fill('latin-america');
		await page.getByTestId('save-group').click();
		// Another group's slug is refused on the device, before the server would.
		await expect(page.locator('#group-slug-message')).toHaveClass(/error/);
		await page.locator('#group-slug').fill(slug);
		// …until one is typed: renaming it then keeps the slug.
		await page.locator('#group-name').fill(locale === 'ar' ? 'فريق التوثيق' : 'Docs crew');
		await expect(page.locator('#group-slug')).toHaveValue(slug);
		await page.locator('input[name=policy][value=closed]').check();
		await page.locator('#group-description').fill('Writes the handbook.');
		await page.screenshot({ path: `${shots}/admin-group-form-${locale}.png`, fullPage: true });
		await page.getByTestId('save-group').click();
		await expect(page).toHaveURL(/\/admin\/groups$/);
		await expect(page.locator(`[data-slug="${slug}"]`)).toBeVisible();
		await page.screenshot({ path: `${shots}/admin-groups-${locale}.png` });

		// Amara is an admin, so she curates every group: she adds Jonas to the closed group.
		await page.goto('/groups');
		await groupLink(page, slug).click();
		await expect(page.getByTestId('group-closed')).toBeVisible();
		// Other tests add people to the shared server (test events' attendees): name him fully.
		await page.getByTestId('add-person').locator('input').fill('jonas becker');
		await page
			.getByRole('listitem')
			.filter({ hasText: 'Jonas Becker' })
			.getByTestId('add-member')
			.click();
		await expect(page.getByTestId('group-members')).toContainText('Jonas Becker');
		await page
			.getByTestId('group-members')
			.locator('li', { hasText: 'Jonas Becker' })
			.getByTestId('toggle-curator')
			.click();
		await expect(
			page.getByTestId('group-members').locator('li', { hasText: 'Jonas Becker' })
		).toContainText(locale === 'ar' ? 'منسّق' : 'Curator');
		await page.screenshot({ path: `${shots}/group-closed-curator-${locale}.png`, fullPage: true });

		// Roles: grant one; the admin's own admin box is locked, and says why.
		const grantee = locale === 'ar' ? 'Aroha Ngata' : 'Jonas Becker';
		await page.goto('/admin/people');
		await page.getByTestId('person-search').fill(grantee.split(' ')[0]);
		const row = page.getByTestId('people-results').locator('li', { hasText: grantee });
		await row.getByTestId('edit-roles').click();
		await expect(row.locator('[data-role=member]')).toBeDisabled();
		await row.locator('[data-role=volunteer]').check();
		await row.getByTestId('save-roles').click();
		await expect(row).toContainText(locale === 'ar' ? 'متطوع' : 'Volunteer');
		await synced(page);

		await page.getByTestId('person-search').fill('amara');
		const self = page.getByTestId('people-results').locator('li', { hasText: 'Amara Okafor' });
		await self.getByTestId('edit-roles').click();
		await expect(self.locator('[data-role=admin]')).toBeDisabled();
		await expect(self.locator('[data-role=admin]')).toBeChecked();
		await expect(self.locator('.notice')).toBeVisible();
		await page.screenshot({ path: `${shots}/admin-people-${locale}.png`, fullPage: true });

		// Someone who is not an admin sees the admin area closed.
		const other = await browser.newContext();
		await setLocaleCookie(other, baseURL!, locale);
		const visitor = await other.newPage();
		await signUp(other, visitor, `Visitor ${locale} ${Date.now()}`);
		await visitor.goto('/admin/groups');
		await expect(visitor.getByTestId('admins-only')).toBeVisible();
		await expect(visitor.getByTestId('new-group')).toHaveCount(0);
		await visitor.screenshot({ path: `${shots}/admins-only-${locale}.png` });
		await visitor.goto('/groups');
		await expect(groupLink(visitor, 'localization')).toBeVisible();
		await visitor.screenshot({ path: `${shots}/groups-${locale}.png` });

		await other.close();
		await context.close();
	});
}
