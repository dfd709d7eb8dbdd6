/**
 * Badges, end to end: an admin creates a badge with an image and a rule while offline, and it
 * syncs; an organizer awards it by hand with evidence; a member nominates someone, an
 * organizer approves and the award appears; the admin revokes an award with a reason.
 * Screens in English and Arabic at 360×780.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	outboxCount,
	setLocaleCookie,
	signInAs,
	signUp,
	syncedNow,
	waitForServiceWorker
} from './support';

// Kept outside test-results, which the next Playwright run (any file) empties.
const shots = 'tests/.output/screenshots';

/** A 64×64 PNG: an orange disc on transparency. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAAA3ElEQVR4nO3QwQ2DQAwFUVpMJXRNG+GKkBDJwu6s7fmS7563LM653tvWz7f16N+b9yQ6LEaP6DAYI+OnQiDCp4GgwzEEOhaFoANRBDoMRaCDUAQ6BEegI1AAOgBFoB/HEeinUQD6YRSBfhRHoJ8UgASgH8QR6OcEIAHox3AE+ikBBBBAAAEEEEAAAQQQQAABCIAqCJfxAgiQH+E2XgAB8iL8HJ8R4e94ARIhNMdnQHgcL0BghNfiIyK8Hh8JoVt8BITu8bNCDA2fDQGLP65s+HGl488rGX21ktEuyHZzSwYxMxFQQQAAAABJRU5ErkJggg==',
	'base64'
);

async function signedIn(browser: Browser, email: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, email);
	await waitForServiceWorker(page);
	return page;
}

async function shoot(page: Page, name: string) {
	await page.screenshot({ path: `${shots}/${name}-en.png`, fullPage: true });
	await setLocaleCookie(page.context(), new URL(page.url()).origin, 'ar');
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.waitForTimeout(300);
	await page.screenshot({ path: `${shots}/${name}-ar.png`, fullPage: true });
	await setLocaleCookie(page.context(), new URL(page.url()).origin, 'en');
	await page.reload();
}

/** Pick the person called `name` in a PersonSearch (`id`: award or nominate). */
async function pick(page: Page, id: string, name: string) {
	await page.getByTestId(`${id}-search`).fill(name);
	await page.locator('li.match', { hasText: name }).first().getByTestId(`${id}-pick`).click();
}

test('a badge from creation to revocation: offline form, award by hand, nomination, revocation', async ({
	browser
}) => {
	const stamp = Date.now();
	const badgeName = `Translation star ${stamp}`;
	const slug = `translation-star-${stamp}`;

	// A member, who will receive the badge by hand and nominate someone.
	const memberName = `Badge Member ${stamp}`;
	const memberContext = await browser.newContext();
	const member = await memberContext.newPage();
	await signUp(memberContext, member, memberName);
	await waitForServiceWorker(member);

	// The admin makes the badge offline: name, image, a rule (with its problem shown first).
	const admin = await signedIn(browser, 'amara@example.org');
	await admin.goto('/admin/badges');
	await expect(admin.getByTestId('new-badge')).toBeVisible();
	await admin.context().setOffline(true);
	await admin.getByTestId('new-badge').click();
	await admin.locator('#badge-name').fill(badgeName);
	await expect(admin.locator('#badge-slug')).toHaveValue(slug);
	await admin.getByTestId('badge-image-input').setInputFiles({
		name: 'star.png',
		mimeType: 'image/png',
		buffer: PNG
	});
	await expect(admin.locator('.picker img')).toHaveAttribute('src', /^data:image\/png;base64,/);
	await admin.getByTestId('badge-image-input').setInputFiles({
		name: 'notes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('not a picture')
	});
	await expect(admin.locator('.picker [role=alert]')).toContainText('isn’t an image');
	await admin.locator('#badge-criteria').fill('Translate two screens of the app.');
	await admin.locator('input[name="rule-preset"][value="contributions"]').check({ force: true });
	await admin.getByTestId('rule-count').fill('0');
	await admin.getByTestId('save-badge').click();
	await expect(admin.locator('#rule-count-message')).toContainText('whole number');
	await admin.getByTestId('rule-count').fill('500');
	await admin.getByTestId('rule-area').selectOption('localization');
	await expect(admin.getByTestId('rule-preview')).toContainText('Contributions: 500');
	await shoot(admin, 'badge-admin-form');
	// The reload (for Arabic) started the form again: fill what the screenshot needed.
	await admin.context().setOffline(false);
	await admin.locator('#badge-name').fill(badgeName);
	await admin.getByTestId('badge-image-input').setInputFiles({
		name: 'star.png',
		mimeType: 'image/png',
		buffer: PNG
	});
	await expect(admin.locator('.picker img')).toBeVisible();
	await admin.locator('input[name="rule-preset"][value="contributions"]').check({ force: true });
	await admin.getByTestId('rule-count').fill('500');
	await admin.getByTestId('rule-area').selectOption('localization');
	await admin.context().setOffline(true);
	await admin.getByTestId('save-badge').click();
	await expect(admin.locator('.saved')).toContainText('sync');
	await expect(admin.locator(`[data-slug="${slug}"]`)).toBeVisible();
	expect(await outboxCount(admin)).toBe(1);
	await admin.context().setOffline(false);
	await syncedNow(admin);

	// An organizer awards it by hand, with evidence.
	const organizer = await signedIn(browser, 'lucia@example.org');
	await organizer.goto('/badges');
	await organizer.locator(`[data-slug="${slug}"]`).click();
	await expect(organizer.getByRole('heading', { level: 1 })).toHaveText(badgeName);
	await expect(organizer.getByTestId('badge-rule')).toContainText('Contributions: 500');
	await pick(organizer, 'award', memberName);
	await organizer.getByTestId('award-text').fill('Translated the whole events screen');
	await organizer.getByTestId('award-submit').click();
	await expect(organizer.getByTestId('award-section').locator('.success')).toContainText(
		memberName
	);
	await syncedNow(organizer);

	// The member sees it, with the evidence; then nominates the admin.
	await syncedNow(member);
	await member.goto('/badges');
	await expect(member.locator(`[data-slug="${slug}"][data-earned=true]`)).toBeVisible();
	await shoot(member, 'badge-list');
	await member.locator(`[data-slug="${slug}"]`).click();
	await expect(member.getByTestId('my-award')).toContainText('Translated the whole events screen');
	await pick(member, 'nominate', 'Amara');
	await member.getByTestId('nominate-text').fill('She reviewed every translation this month');
	await member.getByTestId('nominate-submit').click();
	await expect(member.getByTestId('nominate-section').locator('.success')).toBeVisible();
	await syncedNow(member);
	await expect(member.getByTestId('earners')).toContainText(memberName);
	await shoot(member, 'badge-page');

	// The organizer approves it; the award appears on the admin's device.
	await syncedNow(organizer);
	await organizer.goto('/badges/nominations');
	const nomination = organizer.getByTestId('nomination').filter({ hasText: badgeName });
	await expect(nomination).toContainText('She reviewed every translation this month');
	await nomination.getByTestId('approve').click();
	await expect(organizer.locator('.success')).toBeVisible();
	await syncedNow(organizer);

	await syncedNow(admin);
	await admin.goto('/badges');
	await admin.locator(`[data-slug="${slug}"]`).click();
	await expect(admin.getByTestId('my-award')).toContainText('after a nomination');

	await syncedNow(member);
	await member.goto('/badges/nominations');
	await expect(
		member
			.getByTestId('my-nominations')
			.locator('li', { hasText: badgeName })
			.getByTestId('nomination-status')
	).toHaveText('Approved');

	// The admin revokes the member's award, with a reason.
	const earner = admin.getByTestId('earner').filter({ hasText: memberName });
	await earner.getByTestId('revoke').click();
	await earner.getByTestId('revoke-reason').fill('Awarded to the wrong person');
	await earner.getByTestId('revoke-confirm').click();
	await expect(admin.getByTestId('earners').locator('.success')).toBeVisible();
	await syncedNow(admin);
	await admin.reload();
	await expect(admin.getByTestId('earner').first()).toBeVisible();
	await expect(admin.getByTestId('earners')).not.toContainText(memberName);

	await syncedNow(member);
	await member.goto('/badges');
	await expect(member.locator(`[data-slug="${slug}"]`)).not.toHaveAttribute('data-earned', 'true');
});
