/**
 * The public event page (/e/[id]) as someone on the web sees it, without an account: a guest
 * registers and gets the ticket's QR code; on a full event the next guest goes to the waiting
 * list. Screenshots at 360×780 in English and Arabic land in test-results/.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { encodeHlc } from '../src/lib/domain/hlc';
import { pushResponseSchema } from '../src/lib/domain/sync-protocol';
import { setLocaleCookie, signUp } from './support';

/** The seeded upcoming Madrid event (server/db/seed.ts SEED_UPCOMING_EVENT_ID = seedId(2, 1)). */
const MADRID_EVENT_ID = '0190c0de-0002-7000-8000-000000000001';
const DAY = 86_400_000;

/** A browser context nobody is signed in to, in `locale`. */
async function guestPage(browser: Browser, baseURL: string, locale = 'en'): Promise<Page> {
	const context = await browser.newContext();
	await setLocaleCookie(context, baseURL, locale);
	return context.newPage();
}

async function registerAsGuest(page: Page, name: string, email: string) {
	await page.locator('#displayName').fill(name);
	await page.locator('#email').fill(email);
	await page.getByTestId('public-event-submit').click();
}

/** An organizer (Lucía, seeded) creates a public event with one seat through the push API. */
async function createOneSeatEvent(browser: Browser): Promise<string> {
	const context = await browser.newContext();
	const request = context.request;
	expect(
		(await request.post('/api/test/signin', { data: { email: 'lucia@example.org' } })).ok()
	).toBe(true);
	const me = (await (await request.get('/api/auth/me')).json()) as { person: { id: string } };
	const eventId = crypto.randomUUID();
	const startsAt = new Date(Date.now() + 3 * DAY);
	const response = await request.post('/api/sync/push', {
		data: {
			deviceId: crypto.randomUUID(),
			mutations: [
				{
					mutationId: 1,
					name: 'event.save',
					hlc: encodeHlc({ millis: Date.now(), counter: 0, node: 'public00' }),
					args: {
						id: eventId,
						title: 'Tiny translation circle',
						description: 'One chair.\nOne laptop.',
						startsAt: startsAt.toISOString(),
						endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
						timezone: 'Europe/Madrid',
						venue: 'Biblioteca Eugenio Trías',
						address: 'Paseo de Fernán Núñez 24, Madrid',
						onlineLink: null,
						area: 'localization',
						capacity: 1,
						visibility: 'public',
						organizerIds: [me.person.id],
						doorIds: [],
						cancelled: false,
						reportNotes: '',
						photosLink: null
					}
				}
			]
		}
	});
	expect(response.status()).toBe(200);
	const answer = pushResponseSchema.parse(await response.json());
	expect(answer).toMatchObject({ applied: 1, rejected: 0 });
	await context.close();
	return eventId;
}

test('a guest registers for a public event and gets the ticket QR code', async ({
	browser,
	baseURL
}) => {
	const page = await guestPage(browser, baseURL!);
	await page.goto(`/e/${MADRID_EVENT_ID}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Localization Sprint Madrid');
	await expect(page.getByTestId('public-event-seats')).toContainText('Seats left');
	await page.screenshot({ path: 'test-results/screenshots/public-event-en.png', fullPage: true });

	await registerAsGuest(page, 'Ana Invitada', `guest-${crypto.randomUUID()}@example.org`);
	const qr = page.getByTestId('public-event-ticket-qr');
	await expect(qr).toBeVisible();
	expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
	await page.screenshot({
		path: 'test-results/screenshots/public-event-ticket-en.png',
		fullPage: true
	});

	// "Add to calendar" is the event in its own time zone.
	const calendar = await page.request.get(`/e/${MADRID_EVENT_ID}/event.ics`);
	expect(calendar.headers()['content-type']).toMatch(/^text\/calendar/);
	expect(await calendar.text()).toMatch(/DTSTART;TZID=Europe\/Madrid:\d{8}T\d{6}/);
	await page.context().close();
});

test('a full event puts the next guest on the waiting list', async ({ browser, baseURL }) => {
	const eventId = await createOneSeatEvent(browser);

	const first = await guestPage(browser, baseURL!);
	await first.goto(`/e/${eventId}`);
	await registerAsGuest(first, 'Primera Persona', `first-${crypto.randomUUID()}@example.org`);
	await expect(first.getByTestId('public-event-ticket-qr')).toBeVisible();

	const second = await guestPage(browser, baseURL!, 'ar');
	await second.goto(`/e/${eventId}`);
	await expect(second.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(second.getByTestId('public-event-seats')).toContainText('قائمة الانتظار');
	await second.screenshot({ path: 'test-results/screenshots/public-event-ar.png', fullPage: true });
	await registerAsGuest(second, 'ليلى', `second-${crypto.randomUUID()}@example.org`);
	await expect(second.getByTestId('public-event-waitlisted')).toBeVisible();
	await expect(second.getByTestId('public-event-result')).toContainText('1');
	await expect(second.getByTestId('public-event-ticket-qr')).toHaveCount(0);
	await second.screenshot({
		path: 'test-results/screenshots/public-event-waitlisted-ar.png',
		fullPage: true
	});

	// Bad input is answered in words, never with an error page.
	const third = await guestPage(browser, baseURL!);
	await third.goto(`/e/${eventId}`);
	await third.locator('#displayName').fill('Someone');
	await third.locator('#email').evaluate((input: HTMLInputElement) => {
		input.type = 'text'; // past the browser's own check, to the server's
	});
	await third.locator('#email').fill('not an email');
	await third.getByTestId('public-event-submit').click();
	await expect(third.locator('#email-message')).toHaveText('Enter a valid email address.');
});

test('a guest typing the email of someone with a passkey is asked to sign in, not registered', async ({
	browser,
	baseURL
}) => {
	const email = `passkey-${crypto.randomUUID()}@example.org`;
	const holder = await browser.newContext();
	await signUp(holder, await holder.newPage(), 'Passkey Holder', email);
	await holder.close();

	const page = await guestPage(browser, baseURL!);
	await page.goto(`/e/${MADRID_EVENT_ID}`);
	await registerAsGuest(page, 'Not Them', email);
	await expect(page.getByTestId('public-event-error')).toContainText(
		'This email belongs to an account'
	);
	// Signing in comes back to this event.
	await expect(
		page.getByTestId('public-event-error').getByRole('link', { name: 'Sign in' })
	).toHaveAttribute('href', `/welcome?next=${encodeURIComponent(`/e/${MADRID_EVENT_ID}`)}`);
	await expect(page.getByTestId('public-event-result')).toHaveCount(0);
	await expect(page.locator('#email')).toHaveValue(email);
	await page.context().close();
});

test('a signed-in member registers with one button and can open the ticket in the app', async ({
	page
}) => {
	expect(
		(await page.request.post('/api/test/signin', { data: { email: 'amara@example.org' } })).ok()
	).toBe(true);
	await page.goto(`/e/${MADRID_EVENT_ID}`);
	await expect(page.getByTestId('public-event-register')).toContainText('Signed in as');
	await expect(page.locator('#email')).toHaveCount(0);
	await page.getByTestId('public-event-submit').click();
	await expect(page.getByTestId('public-event-ticket-qr')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Open my ticket in the app' })).toHaveAttribute(
		'href',
		`/events/${MADRID_EVENT_ID}/ticket`
	);
	// Back later, the page remembers: the registration is theirs, not the form's.
	await page.reload();
	await expect(page.getByTestId('public-event-ticket-qr')).toBeVisible();
	await page.screenshot({
		path: 'test-results/screenshots/public-event-member-en.png',
		fullPage: true
	});

	await page.goto(`/e/${crypto.randomUUID()}`);
	await expect(page.getByTestId('public-event-unavailable')).toBeVisible();
});
