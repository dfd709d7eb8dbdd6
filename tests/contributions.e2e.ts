/**
 * Complete contributions, end to end: an admin adds an activity type, which reaches a member's
 * log form; the member logs a contribution offline linked to an event they registered for,
 * with a duration, sees it, edits it (still offline), and it syncs; an organizer verifies it
 * from the review screen and the member sees it verified (and no longer editable).
 * Screens in English and Arabic at 360×780: the log form, the taxonomy editor, the review,
 * Home's list.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { encodeHlc } from '../src/lib/domain/hlc';
import {
	createTestEvent,
	setLocaleCookie,
	signInAs,
	signUp,
	syncedNow,
	waitForServiceWorker,
	type GatherWindow
} from './support';

const shots = 'tests/.output/screenshots';

async function signedIn(browser: Browser, email: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await signInAs(page, email);
	await waitForServiceWorker(page);
	return page;
}

/** A full-page screenshot in English, then in Arabic (right to left), back in English. */
async function shoot(page: Page, name: string, fullPage = true) {
	await page.screenshot({ path: `${shots}/${name}-en.png`, fullPage });
	const origin = new URL(page.url()).origin;
	await setLocaleCookie(page.context(), origin, 'ar');
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.waitForTimeout(300);
	await page.screenshot({ path: `${shots}/${name}-ar.png`, fullPage });
	await setLocaleCookie(page.context(), origin, 'en');
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
}

test('log offline with an event and a duration, edit, a new activity type, verification', async ({
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const stamp = Date.now();
	const podcast = `Hosted podcast ${stamp}`;
	const slug = `hosted_podcast_${stamp}`;
	const description = `Recorded episode ${stamp}`;
	const edited = `Recorded and edited episode ${stamp}`;
	const event = await createTestEvent(request, {
		attendees: 1,
		organizerEmail: 'kenji@example.org'
	});

	// The admin adds an activity type with a weight.
	const admin = await signedIn(browser, 'amara@example.org');
	await admin.goto('/admin/taxonomy');
	const activities = admin.getByTestId('taxonomy-activity');
	await activities.getByTestId('term-add').click();
	await activities.getByTestId('term-new-name').fill(podcast);
	await expect(activities.getByText(slug)).toBeVisible();
	await activities.getByTestId('term-add-save').click();
	await expect(activities.locator(`[data-slug=${slug}]`)).toContainText(podcast);
	await syncedNow(admin);
	await shoot(admin, 'taxonomy-editor', false);

	// A new member, registered for the event (through the push API, as another device would).
	const memberContext = await browser.newContext();
	const member = await memberContext.newPage();
	await signUp(memberContext, member, `Noor ${stamp}`);
	await waitForServiceWorker(member);
	const personId = await member.evaluate(
		() => (window as unknown as GatherWindow).__gather.actor!.personId
	);
	const registered = await memberContext.request.post('/api/sync/push', {
		data: {
			deviceId: crypto.randomUUID(),
			mutations: [
				{
					mutationId: 1,
					name: 'registration.create',
					hlc: encodeHlc({ millis: Date.now(), counter: 0, node: 'laptop00' }),
					args: { id: crypto.randomUUID(), eventId: event.eventId, personId }
				}
			]
		}
	});
	expect(registered.status()).toBe(200);
	await syncedNow(member);
	await member.goto('/log');
	await expect(member.locator(`#activity option[value=${slug}]`)).toHaveText(podcast);
	await expect(member.locator(`#event option[value="${event.eventId}"]`)).toBeAttached();
	await shoot(member, 'contribution-log');

	// Offline: log it with the event, a duration and a place.
	await memberContext.setOffline(true);
	await member.goto('/log');
	await member.locator('#area').selectOption('community');
	await member.locator('#activity').selectOption(slug);
	await member.locator('#description').fill(description);
	await member.locator('#event').selectOption(event.eventId);
	await member.locator('[name=duration]').fill('90');
	await member.locator('#location').fill('Online');
	// A malformed link is explained, and nothing is saved.
	await member.locator('#link').fill('not a link');
	await member.getByTestId('quick-log').locator('[type=submit]').click();
	await expect(member.locator('#link-message')).toBeVisible();
	await member.locator('#link').fill('');
	await member.getByTestId('quick-log').locator('[type=submit]').click();
	const item = member.getByTestId('contribution').filter({ hasText: description });
	await expect(item).toHaveAttribute('data-pending', 'true');
	await expect(item.getByTestId('contribution-duration')).toBeVisible();
	await expect(item.getByTestId('contribution-event')).toBeVisible();
	await expect(item).toContainText(podcast);

	// Still offline: edit it.
	await item.getByTestId('contribution-edit').click();
	await expect(member.locator('#description')).toHaveValue(description);
	await expect(member.locator('#activity')).toHaveValue(slug);
	await member.locator('#description').fill(edited);
	await member.getByTestId('quick-log').locator('[type=submit]').click();
	const editedItem = member.getByTestId('contribution').filter({ hasText: edited });
	await expect(editedItem).toBeVisible();

	// Back online: both writes sync.
	await memberContext.setOffline(false);
	await expect(editedItem).toHaveAttribute('data-pending', 'false', { timeout: 30_000 });
	await syncedNow(member);

	// The next log starts from the choices of this one (remembered on the device, per person).
	await member.goto('/log');
	await expect(member.locator('#activity')).toHaveValue(slug);
	await expect(member.locator('#event')).toHaveValue(event.eventId);
	await member.goto('/');

	// An organizer verifies it from the review screen.
	const organizer = await signedIn(browser, 'lucia@example.org');
	await organizer.goto('/settings');
	await organizer.getByRole('link', { name: /Review contributions/ }).click();
	await expect(organizer).toHaveURL(/\/contributions\/review$/);
	const review = organizer.getByTestId('review-item').filter({ hasText: edited });
	await expect(review).toContainText(`Noor ${stamp}`);
	await shoot(organizer, 'contribution-review');
	await review.getByTestId('review-verify').click();
	await expect(review.getByTestId('review-state')).toBeVisible();
	await syncedNow(organizer);

	// The member sees it verified, and it can no longer be edited or deleted.
	await syncedNow(member);
	await expect(editedItem.getByTestId('contribution-verified')).toBeVisible({ timeout: 30_000 });
	await expect(editedItem.getByTestId('contribution-edit')).toHaveCount(0);
	await expect(editedItem.getByTestId('contribution-delete')).toHaveCount(0);
	await shoot(member, 'contribution-home');
});
