/**
 * The event screens, offline: an organizer creates an event with no connection and finds it
 * in the list (its check-in code arrives with the sync); an attendee registers offline, opens
 * the ticket (which says it is on its way), and sees the QR once synced, offline again after.
 * The organizer picks a door helper and adds an attendee through the directory on the device.
 * A door link opened signed out comes back to the door after sign-in. The list, an event, the
 * ticket and the form are shot at 360×780 in English and Arabic.
 */
import { expect, test } from '@playwright/test';
import { setLocaleCookie, signInAs, syncedNow, waitForServiceWorker } from './support';

/** The seeded Madrid sprint (src/lib/server/db/seed.ts), organized by Lucía and Kenji. */
const MADRID = '0190c0de-0002-7000-8000-000000000001';

test('an organizer creates an event offline; it shows in the list and gets its code after sync', async ({
	page,
	context
}) => {
	await signInAs(page, 'lucia@example.org');
	await waitForServiceWorker(page);
	await page.getByRole('link', { name: 'Events', exact: true }).click();
	await expect(page.getByTestId('events-running')).toContainText('Localization Sprint Madrid');

	await context.setOffline(true);
	await page.getByTestId('new-event').click();
	const title = `Pontoon night ${crypto.randomUUID().slice(0, 6)}`;
	await page.locator('#event-title').fill(title);
	await page.locator('#event-venue').fill('Casa del Lector');
	await page.locator('#event-capacity').fill('abc');
	await page.getByTestId('save-event').click();
	await expect(page.locator('#event-capacity-message')).toHaveClass('error');
	await page.locator('#event-capacity').fill('20');
	// A door helper picked from the directory on the device, offline.
	const doorSearch = page.getByTestId('event-door-search');
	await doorSearch.fill('kenji watanabe');
	// admin-people.e2e imports a second Kenji Watanabe (a duplicate to merge): either will do.
	await page.getByTestId('event-door-match').first().click();
	await expect(doorSearch).toHaveValue('');
	await page.getByTestId('save-event').click();

	await expect(page).toHaveURL(/\/events\/[0-9a-f-]{36}$/);
	const eventId = page.url().split('/').pop()!;
	await expect(page.getByTestId('event-title')).toHaveText(title);
	await expect(page.locator('.saved')).toContainText('syncs when you');
	await expect(page.getByTestId('check-in-code-pending')).toBeVisible();

	await page.getByRole('link', { name: 'All events' }).click();
	const card = page.locator(`[data-event-id="${eventId}"]`);
	await expect(card).toContainText(title);
	await expect(card).toContainText('Seats left: 20');
	await expect(page.getByTestId('events-running')).toContainText(title);

	await context.setOffline(false);
	await syncedNow(page);
	await card.click();
	await expect(page.getByTestId('check-in-code-value')).toHaveText(/^[A-Z0-9]{6}$/);

	// The organizer adds someone; once in, they are no longer offered.
	const add = page.getByTestId('add-attendee');
	await add.getByRole('searchbox').fill('jonas becker');
	await add.getByTestId('add-attendee-person').click();
	await expect(page.getByTestId('attendee').filter({ hasText: 'Jonas Becker' })).toBeVisible();
	await add.getByRole('searchbox').fill('jonas becker');
	await expect(add).toContainText('No one by that name');

	await page.goto(`/events/${eventId}/edit`);
	await expect(page.locator('fieldset').filter({ has: doorSearch })).toContainText(
		'Kenji Watanabe'
	);
});

test('a door link opened on a device nobody is signed in on leads to the door after sign-in', async ({
	page
}) => {
	// A session the server knows, on a device that has no one signed in yet.
	const response = await page.request.post('/api/test/signin', {
		data: { email: 'lucia@example.org' }
	});
	expect(response.ok()).toBe(true);
	await page.goto(`/events/${MADRID}/door`);
	await expect(page.getByTestId('door-device-name')).toBeVisible({ timeout: 60_000 });
	expect(new URL(page.url()).pathname).toBe(`/events/${MADRID}/door`);

	// The way back is only ever a path of this site.
	await page.goto('/welcome?next=//example.com/door');
	await expect(page.getByTestId('log-cta')).toBeVisible();
	expect(new URL(page.url()).pathname).toBe('/');
});

test('an attendee registers offline; the ticket says it is coming, then shows its QR, offline too', async ({
	page,
	context
}) => {
	await signInAs(page, 'jonas@example.org');
	await waitForServiceWorker(page);
	await page.goto(`/events/${MADRID}`);
	await expect(page.getByTestId('event-title')).toHaveText('Localization Sprint Madrid');

	await context.setOffline(true);
	await page.getByTestId('register').click();
	await expect(page.getByTestId('status-registered')).toBeVisible();
	await expect(page.getByTestId('registration-pending')).toBeVisible();
	await page.getByTestId('show-ticket').click();
	await expect(page.getByTestId('ticket-not-synced')).toBeVisible();

	await context.setOffline(false);
	await syncedNow(page);
	await expect(page.getByTestId('ticket-qr')).toBeVisible();
	await expect(page.getByTestId('ticket-name')).toHaveText('Jonas Becker');

	// The ticket opens with no connection at all: the app from the service worker, the
	// ticket from the device's database.
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('ticket-qr')).toBeVisible();
	await page.goto('/events');
	await expect(
		page.locator(`[data-event-id="${MADRID}"]`).getByTestId('badge-going')
	).toBeVisible();
});

for (const locale of ['en', 'ar'] as const) {
	test(`event screens at 360×780 (${locale})`, async ({ browser, baseURL }) => {
		const shot = (name: string) => ({
			path: `test-results/screenshots/events-${name}-${locale}.png`,
			fullPage: true
		});
		const context = await browser.newContext();
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		await signInAs(page, 'kenji@example.org');
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await page.screenshot({ path: `test-results/screenshots/events-home-${locale}.png` });

		await page.goto('/events');
		await expect(page.getByTestId('events-running')).toBeVisible();
		await page.screenshot(shot('list'));

		await page.goto(`/events/${MADRID}`);
		await expect(page.getByTestId('attendees')).toBeVisible();
		await expect(page.getByTestId('attendee').first()).toBeVisible();
		await page.screenshot(shot('event'));

		await page.goto(`/events/${MADRID}/ticket`);
		await expect(page.getByTestId('ticket-qr')).toBeVisible();
		await page.screenshot({ path: `test-results/screenshots/events-ticket-${locale}.png` });

		await page.goto(`/events/new?from=${MADRID}`);
		await expect(page.locator('#event-title')).not.toHaveValue('');
		await page.getByTestId('event-door-search').fill('a');
		await page.screenshot(shot('form'));
		await context.close();
	});
}
