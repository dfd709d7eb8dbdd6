/**
 * The door, focused: an organizer opens the seeded Madrid event's door, goes offline, admits
 * someone from search, hears "already" when the same person is admitted again, and undoes it;
 * an attendee checks themselves in offline with the venue's code. The screens are shot at
 * 360×780 in English and Arabic (green, red, search, walk-in).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import {
	createTestEvent,
	serverCheckIns,
	setLocaleCookie,
	signInAs,
	syncedNow,
	waitForServiceWorker
} from './support';

/** The seeded Madrid sprint (src/lib/server/db/seed.ts), organized by Lucía and Kenji. */
const MADRID = '0190c0de-0002-7000-8000-000000000001';
/** Aroha Ngata, registered for it. */
const AROHA = '0190c0de-0001-7000-8000-000000000009';

const verdict = (page: Page) => page.getByTestId('verdict');

/** Scroll so the element sits mid-screen, clear of the sticky bars. */
const centre = (element: Locator) =>
	element.evaluate((node) => node.scrollIntoView({ block: 'center' }));

/** Open an event's door and wait until its attendee list is on the device. */
async function openDoor(page: Page, eventId: string, deviceName: string) {
	await page.goto(`/events/${eventId}/door`);
	await expect(page.getByTestId('door-counts')).toHaveAttribute('data-registered', /^[1-9]/);
	const naming = page.getByTestId('door-device-name');
	if (await naming.isVisible()) {
		await naming.fill(deviceName);
		await naming.press('Enter');
	}
	await expect(page.getByTestId('door-device')).toContainText(deviceName);
}

test('the door admits by search offline, answers "already" the second time, and undoes', async ({
	page,
	context
}) => {
	await signInAs(page, 'lucia@example.org');
	await waitForServiceWorker(page);
	await openDoor(page, MADRID, 'Door 1');
	const before = Number(await page.getByTestId('door-counts').getAttribute('data-checked-in'));

	await context.setOffline(true);
	await expect(page.getByTestId('door-ready')).toHaveAttribute('data-online', 'false');

	const search = page.getByTestId('door-search');
	await search.fill('aroha');
	const row = page.getByTestId('door-result').filter({ hasText: 'Aroha Ngata' });
	await row.getByTestId('door-admit').click();
	await expect(verdict(page)).toHaveAttribute('data-verdict', 'welcome');
	await expect(verdict(page)).toContainText('Aroha Ngata');
	await expect(page.getByTestId('door-counts')).toHaveAttribute(
		'data-checked-in',
		String(before + 1)
	);

	// The same person again: red, with when, where and by whom.
	await row.getByTestId('door-admit').click();
	await expect(verdict(page)).toHaveAttribute('data-verdict', 'already');
	await expect(verdict(page)).toContainText('Door 1');
	await expect(verdict(page)).toContainText('Lucía Fernández');

	// A mistake: undone from the search result, within the undo window.
	await row.getByTestId('door-result-undo').click();
	await expect(verdict(page)).toHaveAttribute('data-verdict', 'undone');
	await expect(page.getByTestId('door-counts')).toHaveAttribute('data-checked-in', String(before));
	await expect(row.getByTestId('door-result-undo')).toHaveCount(0);

	// Admitted again, then undone from the green verdict itself.
	await row.getByTestId('door-admit').click();
	await expect(verdict(page)).toHaveAttribute('data-verdict', 'welcome');
	await page.getByTestId('door-undo').click();
	await expect(verdict(page)).toHaveAttribute('data-verdict', 'undone');

	// Back online: everything syncs, and the server holds no check-in for Aroha.
	await context.setOffline(false);
	await syncedNow(page);
	const held = await serverCheckIns(page.request, MADRID);
	expect(held.some((checkIn) => checkIn.personId === AROHA)).toBe(false);
});

test('an attendee checks themselves in offline with the venue code', async ({ page, context }) => {
	const event = await createTestEvent(page.request, {
		attendees: 0,
		organizerEmail: 'lucia@example.org'
	});
	await signInAs(page, 'kenji@example.org');
	await waitForServiceWorker(page);
	await page.goto(`/events/${event.eventId}/check-in`);
	const code = page.getByTestId('self-code');
	await expect(code).toBeVisible();

	await context.setOffline(true);
	const wrong = event.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
	await code.fill(wrong);
	await code.press('Enter');
	await expect(page.getByTestId('self-error')).toBeVisible();
	await page.screenshot({ path: 'test-results/screenshots/self-check-in-wrong-en.png' });

	await code.fill(event.code.toLowerCase());
	await code.press('Enter');
	await expect(page.getByTestId('self-done')).toBeVisible();
	await expect(page.getByTestId('self-pending')).toBeVisible();
	await page.screenshot({ path: 'test-results/screenshots/self-check-in-done-en.png' });

	await context.setOffline(false);
	await syncedNow(page);
	await expect(page.getByTestId('self-pending')).toHaveCount(0);
	const held = await serverCheckIns(page.request, event.eventId);
	expect(held).toHaveLength(1);
	expect(held[0].admissions[0].method).toBe('self');
});

for (const locale of ['en', 'ar'] as const) {
	test(`door screenshots at 360×780 (${locale})`, async ({ browser, baseURL }) => {
		const context = await browser.newContext();
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		const event = await createTestEvent(page.request, {
			attendees: 6,
			revoked: 1,
			capacity: 10,
			organizerEmail: 'lucia@example.org'
		});
		await signInAs(page, 'lucia@example.org');
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await page.goto(`/events/${event.eventId}/door`);
		await expect(page.getByTestId('door-counts')).toHaveAttribute('data-registered', '5');
		await page.screenshot({ path: `test-results/screenshots/door-name-${locale}.png` });
		await page.getByTestId('door-device-name').fill(locale === 'ar' ? 'المدخل 2' : 'Door 2');
		await page.getByTestId('door-device-name').press('Enter');
		await expect(page.getByTestId('door-ready')).toHaveAttribute('data-state', 'ready');

		const [first] = event.attendees;
		const input = page.getByTestId('door-input');
		await input.fill(first.ticket);
		await input.press('Enter');
		await expect(verdict(page)).toHaveAttribute('data-verdict', 'welcome');
		await page.screenshot({ path: `test-results/screenshots/door-green-${locale}.png` });

		await input.fill(first.ticket);
		await input.press('Enter');
		await expect(verdict(page)).toHaveAttribute('data-verdict', 'already');
		await page.screenshot({ path: `test-results/screenshots/door-already-${locale}.png` });

		// One signature character changed: forged, never admitted.
		const forged = first.ticket.slice(0, -3) + (first.ticket.endsWith('AAA') ? 'BBB' : 'AAA');
		await input.fill(forged);
		await input.press('Enter');
		await expect(verdict(page)).toHaveAttribute('data-verdict', /forged|unreadable/);

		await input.fill(event.revoked[0].ticket);
		await input.press('Enter');
		await expect(verdict(page)).toHaveAttribute('data-verdict', 'revoked');
		await page.screenshot({ path: `test-results/screenshots/door-red-${locale}.png` });

		await page.getByTestId('door-search').fill(event.attendees[1].name.split(' ')[0]);
		await expect(page.getByTestId('door-result').first()).toBeVisible();
		await centre(page.getByTestId('door-result').first());
		await page.screenshot({ path: `test-results/screenshots/door-search-${locale}.png` });

		await page.getByTestId('door-walk-in').locator('summary').click();
		await page.getByTestId('walk-in-name').fill(locale === 'ar' ? 'سارة حداد' : 'Sara Haddad');
		await centre(page.getByTestId('walk-in-name'));
		await page.screenshot({ path: `test-results/screenshots/door-walk-in-${locale}.png` });
		await page.getByTestId('walk-in-submit').click();
		await expect(verdict(page)).toHaveAttribute('data-verdict', 'welcome');
		await expect(page.getByTestId('door-counts')).toHaveAttribute('data-checked-in', '2');
		await page.screenshot({
			path: `test-results/screenshots/door-walk-in-done-${locale}.png`,
			fullPage: true
		});
		await context.close();
	});
}
