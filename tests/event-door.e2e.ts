/**
 * The door, end to end: an organizer's phone downloads a 2,000-attendee event, goes offline and
 * checks people in by QR payload (typed like a hardware scanner) and by search, refuses a forged
 * and a revoked ticket and a second scan; a co-organizer's phone, offline too, admits some of
 * the same people. Back online, the server holds one check-in per person and the report lists
 * the double admissions with both devices. An attendee checks in with the event's code,
 * offline. The door in every locale (right to left in Arabic), and at 360×780 in English and
 * Arabic.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	createTestEvent,
	serverCheckIns,
	setLocaleCookie,
	signInAs,
	syncedNow,
	waitForServiceWorker,
	type TestAttendee
} from './support';

const shots = 'test-results/screenshots';

/** The same ticket with one signature byte flipped: readable, for this event, not signed by it. */
function forge(ticket: string): string {
	const [prefix, payload] = [ticket.slice(0, 4), ticket.slice(4)];
	const bytes = Buffer.from(payload, 'base64url');
	bytes[100] ^= 0x01;
	return prefix + bytes.toString('base64url');
}

/** Open the door of `eventId` on a signed-in device, name the device, wait for the list. */
async function openDoor(
	page: Page,
	eventId: string,
	deviceName: string,
	attendees: number,
	locale = 'en'
) {
	await page.goto(`/events/${eventId}/door`);
	const name = page.getByTestId('door-device-name');
	await expect(name).toBeVisible({ timeout: 60_000 });
	await name.fill(deviceName);
	await name.press('Enter');
	await expect(page.getByTestId('door-device')).toContainText(deviceName);
	const ready = page.getByTestId('door-ready');
	await expect(ready).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
	// Ready means the whole attendee list is on the device, not just the event.
	await expect(ready).toContainText(new Intl.NumberFormat(locale).format(attendees), {
		timeout: 90_000
	});
}

/** Type a ticket into the scan field and press Enter, as a hardware scanner does. */
async function scan(page: Page, ticket: string) {
	const input = page.getByTestId('door-input');
	await input.fill(ticket);
	await input.press('Enter');
}

async function expectVerdict(page: Page, kind: string, name?: string) {
	const verdict = page.getByTestId('verdict');
	await expect(verdict).toHaveAttribute('data-verdict', kind);
	if (name) await expect(verdict).toContainText(name);
}

/** Find an attendee by name and admit them from the results. */
async function admitBySearch(page: Page, attendee: TestAttendee) {
	await page.getByTestId('door-search').fill(attendee.name);
	const result = page.locator(`[data-testid=door-result][data-person="${attendee.personId}"]`);
	await expect(result).toBeVisible();
	await result.getByTestId('door-admit').click();
	await expectVerdict(page, 'welcome', attendee.name);
	// Checked in now: the result offers to undo it.
	await expect(result.getByTestId('door-result-undo')).toBeVisible();
	await page.getByTestId('door-search').fill('');
}

async function organizerDevice(browser: Browser, email: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, email);
	await waitForServiceWorker(page);
	return { context, page };
}

test('two offline doors admit a 2,000-attendee event: one check-in per person, doubles reported', async ({
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const event = await createTestEvent(request, {
		attendees: 2_000,
		revoked: 3,
		organizerEmail: 'lucia@example.org',
		coOrganizerEmails: ['kenji@example.org']
	});
	// Everyone registered, the revoked included (they are the revocation list).
	const total = event.attendees.length + event.revoked.length;
	const [ana, bo, cy, dee, eve, fay] = event.attendees;
	// Someone from the end of the list: the last people downloaded are on the device too.
	const late = event.attendees.at(-1)!;

	// Door 1: Lucía's phone downloads the event, then loses the network.
	const door1 = await organizerDevice(browser, 'lucia@example.org');
	await openDoor(door1.page, event.eventId, 'Door 1', total);
	await door1.context.setOffline(true);
	await expect(door1.page.getByTestId('door-ready')).toHaveAttribute('data-online', 'false');

	await scan(door1.page, ana.ticket);
	await expectVerdict(door1.page, 'welcome', ana.name);
	await scan(door1.page, ana.ticket);
	await expectVerdict(door1.page, 'already', ana.name);
	await expect(door1.page.getByTestId('verdict')).toContainText('Door 1');
	await scan(door1.page, forge(bo.ticket));
	await expectVerdict(door1.page, 'forged');
	await scan(door1.page, event.revoked[0].ticket);
	await expectVerdict(door1.page, 'revoked');
	await admitBySearch(door1.page, bo);
	await admitBySearch(door1.page, late);
	await scan(door1.page, cy.ticket);
	await expectVerdict(door1.page, 'welcome', cy.name);
	await scan(door1.page, dee.ticket);
	await expectVerdict(door1.page, 'welcome', dee.name);
	await door1.page.screenshot({ path: `${shots}/door-offline-en.png`, animations: 'disabled' });

	// Door 2: Kenji's phone, downloaded while Door 1 is offline, admits some of the same people.
	const door2 = await organizerDevice(browser, 'kenji@example.org');
	await openDoor(door2.page, event.eventId, 'Door 2', total);
	await door2.context.setOffline(true);
	await expect(door2.page.getByTestId('door-ready')).toHaveAttribute('data-online', 'false');
	await scan(door2.page, ana.ticket);
	await expectVerdict(door2.page, 'welcome', ana.name);
	await scan(door2.page, cy.ticket);
	await expectVerdict(door2.page, 'welcome', cy.name);
	await admitBySearch(door2.page, dee);
	await scan(door2.page, eve.ticket);
	await expectVerdict(door2.page, 'welcome', eve.name);
	await scan(door2.page, event.revoked[1].ticket);
	await expectVerdict(door2.page, 'revoked');

	// Both back online: every admission reaches the server, and each phone hears of the other's.
	await door1.context.setOffline(false);
	await door2.context.setOffline(false);
	await syncedNow(door1.page);
	await syncedNow(door2.page);
	await syncedNow(door1.page);

	const checkIns = await serverCheckIns(request, event.eventId);
	const byPerson = new Map(checkIns.map((checkIn) => [checkIn.personId, checkIn]));
	expect(checkIns).toHaveLength(byPerson.size);
	expect([...byPerson.keys()].sort()).toEqual(
		[ana, bo, cy, dee, eve, late].map((attendee) => attendee.personId).sort()
	);
	expect(byPerson.has(fay.personId)).toBe(false);
	for (const revoked of event.revoked) expect(byPerson.has(revoked.personId)).toBe(false);
	for (const twice of [ana, cy, dee]) {
		const checkIn = byPerson.get(twice.personId)!;
		expect(checkIn.admissions.map((admission) => admission.deviceName).sort()).toEqual([
			'Door 1',
			'Door 2'
		]);
		// Door 1 admitted them first: the earliest admission is the check-in's time.
		const door1Admission = checkIn.admissions.find(
			(admission) => admission.deviceName === 'Door 1'
		);
		expect(Date.parse(checkIn.checkedInAt)).toBe(Date.parse(door1Admission!.at));
	}
	expect(
		byPerson
			.get(dee.personId)!
			.admissions.map((admission) => admission.method)
			.sort()
	).toEqual(['scan', 'search']);
	for (const once of [bo, eve, late])
		expect(byPerson.get(once.personId)!.admissions).toHaveLength(1);

	// The report on Door 1 lists the three doubles with both devices.
	await door1.page.goto(`/events/${event.eventId}/report`);
	const doubles = door1.page.getByTestId('report-doubles');
	await expect(doubles.getByTestId('report-double')).toHaveCount(3, { timeout: 30_000 });
	for (const twice of [ana, cy, dee]) {
		const line = doubles.getByTestId('report-double').filter({ hasText: twice.name });
		await expect(line).toContainText('Door 1');
		await expect(line).toContainText('Door 2');
	}
	// Six of 1,997 came: a small share still reads as one (0.3%, not 0%).
	await expect(door1.page.getByTestId('report-rate').locator('dd')).toHaveText('0.3%');
	// 1,991 no-shows: the page lists ten, then fifty more at a time (the CSV has them all).
	const noShows = door1.page.getByTestId('report-no-show-list').locator('li');
	await expect(noShows).toHaveCount(10);
	await expect(door1.page.getByTestId('report-no-shows-shown')).toHaveText(
		`10 of ${(event.attendees.length - 6).toLocaleString('en')} shown · the CSV below lists everyone`
	);
	await door1.page.getByTestId('report-no-shows-more').click();
	await expect(noShows).toHaveCount(60);
	await door1.page.screenshot({ path: `${shots}/event-report-en.png`, animations: 'disabled' });

	await door1.context.close();
	await door2.context.close();
});

test('an attendee checks themselves in with the event code, offline', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	const event = await createTestEvent(request, {
		attendees: 20,
		organizerEmail: 'lucia@example.org'
	});
	const attendee = event.attendees[7];
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, attendee.email);
	await waitForServiceWorker(page);
	await page.goto(`/events/${event.eventId}/check-in`);
	const code = page.getByTestId('self-code');
	await expect(code).toBeVisible({ timeout: 30_000 });

	await context.setOffline(true);
	// A wrong code is refused on the device, offline, and never queued.
	const wrong = event.code === 'ABCDEF' ? 'ABCDEG' : 'ABCDEF';
	await code.fill(wrong);
	await code.press('Enter');
	await expect(page.getByTestId('self-error')).toBeVisible();
	// Typed as people type it: lower case, with a space.
	await code.fill(`${event.code.slice(0, 3).toLowerCase()} ${event.code.slice(3)}`);
	await code.press('Enter');
	await expect(page.getByTestId('self-done')).toBeVisible();
	await expect(page.getByTestId('self-pending')).toBeVisible();
	await page.screenshot({ path: `${shots}/self-check-in-offline-en.png`, animations: 'disabled' });

	await context.setOffline(false);
	await syncedNow(page);
	await expect(page.getByTestId('self-pending')).toHaveCount(0);
	const checkIns = await serverCheckIns(request, event.eventId);
	expect(checkIns).toHaveLength(1);
	expect(checkIns[0]).toMatchObject({ personId: attendee.personId });
	expect(checkIns[0].admissions).toMatchObject([{ method: 'self' }]);
	await context.close();
});

for (const locale of ['en', 'ar'] as const) {
	test(`the door screen at 360×780 (${locale})`, async ({ browser, request, baseURL }) => {
		const event = await createTestEvent(request, {
			attendees: 40,
			revoked: 2,
			organizerEmail: 'lucia@example.org'
		});
		const context = await browser.newContext();
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		await signInAs(page, 'lucia@example.org');
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await openDoor(page, event.eventId, locale === 'ar' ? 'الباب ١' : 'Door 1', 40, locale);
		await page.screenshot({ path: `${shots}/door-ready-${locale}.png`, animations: 'disabled' });

		await scan(page, event.attendees[0].ticket);
		await expectVerdict(page, 'welcome', event.attendees[0].name);
		await page.screenshot({ path: `${shots}/door-welcome-${locale}.png`, animations: 'disabled' });
		await scan(page, event.attendees[0].ticket);
		await expectVerdict(page, 'already');
		await page.screenshot({ path: `${shots}/door-already-${locale}.png`, animations: 'disabled' });
		await scan(page, event.revoked[0].ticket);
		await expectVerdict(page, 'revoked');
		await page.screenshot({ path: `${shots}/door-revoked-${locale}.png`, animations: 'disabled' });
		await page.getByTestId('door-search').fill(event.attendees[1].name.split(' ')[0]);
		await expect(page.getByTestId('door-result').first()).toBeVisible();
		await page.screenshot({ path: `${shots}/door-search-${locale}.png`, animations: 'disabled' });
		await context.close();
	});
}

test('the door speaks every locale: its title and the welcome in the words of messages/', async ({
	browser,
	request,
	baseURL
}) => {
	test.setTimeout(180_000);
	const event = await createTestEvent(request, {
		attendees: 10,
		organizerEmail: 'lucia@example.org'
	});
	for (const [index, locale] of (
		['en', 'es', 'fr', 'de', 'pt-BR', 'hi', 'id', 'ar'] as const
	).entries()) {
		const messages = JSON.parse(
			readFileSync(path.join('messages', `${locale}.json`), 'utf8')
		) as Record<string, string>;
		const context = await browser.newContext();
		await setLocaleCookie(context, baseURL!, locale);
		const page = await context.newPage();
		await signInAs(page, 'lucia@example.org');
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		await expect(page.locator('html')).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr');
		await openDoor(page, event.eventId, `Door ${locale}`, 10, locale);
		await expect(page.locator('h1')).toHaveText(messages.door_title);
		const attendee = event.attendees[index];
		await scan(page, attendee.ticket);
		await expectVerdict(page, 'welcome');
		await expect(page.getByTestId('verdict')).toContainText(
			messages.door_welcome
				.replace('{name}', '')
				.replace(/[,،\s]+$/, '')
				.trim()
		);
		await context.close();
	}
});
