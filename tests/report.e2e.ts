/**
 * The organizer's event report, end to end: two door phones (Lucía's "Door 2", Kenji's
 * "Door 1") admitted people through the real push API, one of them twice; the report shows
 * the figures, the double admission with both devices, the no-shows; the notes and photos
 * link are saved offline and reach the server; the attendee CSV is made on the device, offline.
 * Someone who does not organize the event is told the report is the organizers'. Screens in
 * English and Arabic at 360×780.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { encodeHlc } from '../src/lib/domain/hlc';
import { pushResponseSchema } from '../src/lib/domain/sync-protocol';
import {
	createTestEvent,
	setLocaleCookie,
	signInAs,
	syncedNow,
	waitForServiceWorker,
	type TestAttendee
} from './support';

const shots = 'test-results/screenshots';
const MINUTE = 60_000;

/** A door phone's check-ins, pushed as the signed-in person of `request`. */
async function admitFrom(
	request: APIRequestContext,
	deviceName: string,
	eventId: string,
	admitted: { attendee: TestAttendee; minutesAgo: number }[]
) {
	const response = await request.post('/api/sync/push', {
		data: {
			deviceId: crypto.randomUUID(),
			mutations: admitted.map(({ attendee, minutesAgo }, index) => ({
				mutationId: index + 1,
				name: 'checkin.record',
				hlc: encodeHlc({ millis: Date.now(), counter: index, node: 'door0000' }),
				args: {
					eventId,
					personId: attendee.personId,
					checkedInAt: new Date(Date.now() - minutesAgo * MINUTE).toISOString(),
					deviceName,
					method: index === 0 ? 'scan' : 'search'
				}
			}))
		}
	});
	expect(response.status()).toBe(200);
	const answer = pushResponseSchema.parse(await response.json());
	expect(answer.rejected).toBe(0);
}

async function openReport(page: Page, eventId: string) {
	await page.goto(`/events/${eventId}/report`);
	await expect(page.getByTestId('report-checked-in')).toBeVisible({ timeout: 30_000 });
}

test('the report: figures, a double admission with both devices, notes saved offline, the CSV', async ({
	browser,
	request
}) => {
	test.setTimeout(180_000);
	const event = await createTestEvent(request, {
		attendees: 6,
		revoked: 1,
		organizerEmail: 'lucia@example.org',
		coOrganizerEmails: ['kenji@example.org']
	});
	const [ana, bo, cy] = event.attendees;

	const lucia = await browser.newContext();
	const page = await lucia.newPage();
	await signInAs(page, 'lucia@example.org');
	const kenji = await browser.newContext();
	const kenjiPage = await kenji.newPage();
	await signInAs(kenjiPage, 'kenji@example.org');

	// Ana came through Door 2 first, then Door 1 let her in again three minutes later.
	await admitFrom(page.request, 'Door 2', event.eventId, [
		{ attendee: ana, minutesAgo: 20 },
		{ attendee: bo, minutesAgo: 12 }
	]);
	await admitFrom(kenjiPage.request, 'Door 1', event.eventId, [
		{ attendee: ana, minutesAgo: 17 },
		{ attendee: cy, minutesAgo: 5 }
	]);
	await kenji.close();

	await waitForServiceWorker(page);
	await openReport(page, event.eventId);
	await expect(page.getByTestId('report-registered').locator('dd')).toHaveText('5');
	await expect(page.getByTestId('report-checked-in').locator('dd')).toHaveText('3');
	await expect(page.getByTestId('report-rate').locator('dd')).toHaveText('60%');
	await expect(page.getByTestId('report-no-shows').locator('dd')).toHaveText('2');
	await expect(page.getByTestId('report-revoked').locator('dd')).toHaveText('1');

	const doubles = page.getByTestId('report-doubles').getByTestId('report-double');
	await expect(doubles).toHaveCount(1);
	await expect(doubles).toContainText(ana.name);
	// The earliest admission first (it counts), each with its device and who admitted.
	const admissions = doubles.locator('li');
	await expect(admissions.first()).toContainText('Door 2');
	await expect(admissions.first()).toContainText('Lucía Fernández');
	await expect(admissions.nth(1)).toContainText('Door 1');
	await expect(admissions.nth(1)).toContainText('Kenji Watanabe');
	await expect(page.getByTestId('report-devices')).toContainText('Door 1');
	await expect(page.getByTestId('report-no-show-list').locator('li')).toHaveCount(2);
	await page.screenshot({ path: `${shots}/event-report-en.png`, fullPage: true });
	await page
		.getByTestId('report-doubles')
		.evaluate((list) => list.scrollIntoView({ block: 'center' }));
	await page.screenshot({ path: `${shots}/event-report-doubles-en.png` });

	// Offline: the notes and photos link are kept on the device, the CSV is still made here.
	await lucia.setOffline(true);
	await page.locator('#report-photos-link').fill('not a link');
	await page.getByTestId('report-save').click();
	await expect(page.locator('#report-photos-link-message')).toHaveText(/https:\/\//);
	await page.locator('#report-notes-text').fill('Full room; the projector needed an adapter.');
	await page.locator('#report-photos-link').fill('photos.example.org/onboarding');
	await page.getByTestId('report-save').click();
	await expect(page.getByRole('status')).toContainText('Saved');
	await expect(page.locator('#report-photos-link')).toHaveValue(
		'https://photos.example.org/onboarding'
	);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('report-csv').click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.csv$/);
	const text = (await readFile((await download.path())!, 'utf8')).replace(/^\ufeff/, '');
	const [header, ...rows] = Papa.parse<string[]>(text.trim()).data;
	expect(header).toEqual([
		'Name',
		'Email',
		'Status',
		'Walk-in',
		'Checked in at (UTC, ISO 8601)',
		'Checked in at (event time)',
		'Method',
		'Devices',
		'Admitted twice'
	]);
	expect(rows).toHaveLength(6);
	const anaRow = rows.find((row) => row[0] === ana.name);
	// Her email is private (the default): the organizer's device never had it, nor has the file.
	expect(anaRow?.[1]).toBe('');
	expect(text).not.toContain(ana.email);
	expect(anaRow?.[2]).toBe('Registered');
	expect(anaRow?.[4]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	expect(anaRow?.[6]).toBe('Ticket scanned');
	expect(anaRow?.[7]).toBe('Door 2; Door 1');
	expect(anaRow?.[8]).toBe('yes');
	expect(rows.find((row) => row[0] === event.revoked[0]?.name)?.[2]).toBe('Ticket revoked');

	// Back online the notes reach the server: a fresh device signed in as Lucía gets them.
	await lucia.setOffline(false);
	await syncedNow(page);
	const other = await browser.newContext();
	const otherPage = await other.newPage();
	await signInAs(otherPage, 'lucia@example.org');
	await openReport(otherPage, event.eventId);
	await expect(otherPage.locator('#report-notes-text')).toHaveValue(
		'Full room; the projector needed an adapter.'
	);
	await other.close();

	// In Arabic, right to left.
	await setLocaleCookie(lucia, test.info().project.use.baseURL!, 'ar');
	await openReport(page, event.eventId);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByTestId('report-double')).toHaveCount(1);
	await page.screenshot({ path: `${shots}/event-report-ar.png`, fullPage: true });
	await page
		.getByTestId('report-doubles')
		.evaluate((list) => list.scrollIntoView({ block: 'center' }));
	await page.screenshot({ path: `${shots}/event-report-doubles-ar.png` });
	await lucia.close();
});

test('the seeded past event, seen by the admin; only the organizers see a report', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInAs(page, 'amara@example.org');
	// The seeded past event: Kenji's onboarding night in Tokyo, five registered, four came.
	const pastEventId = '0190c0de-0002-7000-8000-000000000002';
	await openReport(page, pastEventId);
	await expect(page.getByTestId('report-checked-in').locator('dd')).toHaveText('4');
	await expect(page.getByTestId('report-no-doubles')).toBeVisible();
	await page.screenshot({ path: `${shots}/event-report-seeded-en.png`, fullPage: true });
	await context.close();

	const member = await browser.newContext();
	const memberPage = await member.newPage();
	await signInAs(memberPage, 'priya@example.org');
	await memberPage.goto(`/events/${pastEventId}/report`);
	await expect(memberPage.getByTestId('report-forbidden')).toBeVisible({ timeout: 30_000 });
	await member.close();
});
