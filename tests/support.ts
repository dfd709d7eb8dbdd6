import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import type { app } from '../src/lib/client/state/app.svelte';
import { encodeHlc } from '../src/lib/domain/hlc';
import { pushResponseSchema, type PushResponse } from '../src/lib/domain/sync-protocol';

/** Chromium's virtual authenticator (CDP), standing in for a phone's platform passkey. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page) {
	const cdp = await context.newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true
		}
	});
	return {
		/** The passkeys stored on this authenticator (with private keys, for copying to another device). */
		credentials: async () =>
			(await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
		addCredential: async (
			credential: Awaited<
				ReturnType<typeof cdp.send<'WebAuthn.getCredentials'>>
			>['credentials'][number]
		) => cdp.send('WebAuthn.addCredential', { authenticatorId, credential }),
		/** Take the authenticator away (its passkeys with it). */
		remove: () => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
	};
}

/** Wait until the service worker has installed and precached the app shell. */
export async function waitForServiceWorker(page: Page) {
	await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return registration.active?.state;
	});
}

export function setLocaleCookie(context: BrowserContext, baseURL: string, locale: string) {
	return context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, url: baseURL }]);
}

/** The e2e build (VITE_TEST_HOOKS=1) exposes the app's state on window. */
export type GatherWindow = Window & { __gather: typeof app };

/**
 * Sign up on the welcome screen with the page's authenticator; returns the recovery codes it
 * shows, still on screen until they are saved.
 */
export async function signUpShowingCodes(page: Page, name: string, email: string) {
	await page.goto('/');
	await expect(page).toHaveURL(/\/welcome$/);
	await page.locator('#name').fill(name);
	await page.locator('#email').fill(email);
	await page.getByTestId('sign-up').click();
	await expect(page.getByTestId('recovery-codes')).toBeVisible();
	return page.getByTestId('recovery-code').allTextContents();
}

/** Sign up a new person with a passkey on this page; returns when the home screen shows. */
export async function signUp(
	context: BrowserContext,
	page: Page,
	name: string,
	email = `e2e-${crypto.randomUUID()}@example.org`
) {
	const authenticator = await addVirtualAuthenticator(context, page);
	await signUpShowingCodes(page, name, email);
	// The recovery codes are shown once, right after sign-up, until the person has saved them.
	await page.getByTestId('recovery-saved').click();
	await expect(page.getByTestId('log-cta')).toBeVisible();
	// A new person's first contribution earns the community's first-contribution badge, and its
	// celebration covers the screen: tests about other things close it whenever it shows.
	await page.addLocatorHandler(page.getByTestId('celebration'), async (dialog) => {
		await dialog.getByRole('button').last().click();
	});
	return authenticator;
}

/** Today as a calendar date where the browser runs (the same machine as the tests). */
export function localToday(): string {
	const now = new Date();
	const month = String(now.getMonth() + 1).padStart(2, '0');
	const day = String(now.getDate()).padStart(2, '0');
	return `${now.getFullYear()}-${month}-${day}`;
}

/** The outbox's size, read from the page's IndexedDB. */
export function outboxCount(page: Page): Promise<number> {
	// NaN while the app is still opening the person's database (a poll waits for a number).
	return page.evaluate(
		async () =>
			(await (window as unknown as GatherWindow).__gather.database?.outbox.count()) ?? Number.NaN
	);
}

/** Hold each request to `paths` for `ms` (a slow network); returns the function that undoes it. */
export async function delayRequests(context: BrowserContext, ms: number, paths: string[]) {
	for (const path of paths)
		await context.route(path, async (route) => {
			await new Promise((resolve) => setTimeout(resolve, ms));
			await route.continue().catch(() => {});
		});
	return async () => {
		for (const path of paths) await context.unroute(path);
	};
}

/**
 * Another device of the signed-in person logs a contribution straight through the push API
 * (yesterday, so never in the future for the server); returns the server's answer.
 */
export async function logOnAnotherDevice(
	context: BrowserContext,
	args: { id: string; description: string }
): Promise<PushResponse> {
	const response = await context.request.post('/api/sync/push', {
		data: {
			deviceId: crypto.randomUUID(),
			mutations: [
				{
					mutationId: 1,
					name: 'contribution.log',
					hlc: encodeHlc({ millis: Date.now(), counter: 0, node: 'laptop00' }),
					args: {
						...args,
						area: 'community',
						activityType: 'other',
						happenedOn: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
						link: null
					}
				}
			]
		}
	});
	expect(response.status()).toBe(200);
	return pushResponseSchema.parse(await response.json());
}

/**
 * Sign this context in as an existing (seeded) person by email, through the test-only
 * endpoint (GATHER_TEST_SIGNIN=on), then open the app as them. Seeded people:
 * amara@example.org (admin), lucia@example.org and kenji@example.org (organizers).
 */
export async function signInAs(page: Page, email: string) {
	const response = await page.request.post('/api/test/signin', { data: { email } });
	expect(response.ok()).toBe(true);
	await page.goto('/');
	await expect(page.getByTestId('log-cta')).toBeVisible();
}

/** What POST /api/test/events answers (src/lib/server/events/test-event.ts). */
export interface TestAttendee {
	personId: string;
	registrationId: string;
	name: string;
	email: string;
	ticket: string;
}
export interface TestEvent {
	eventId: string;
	code: string;
	attendees: TestAttendee[];
	revoked: TestAttendee[];
}

/**
 * A community event running now with `attendees` people holding real signed tickets (the last
 * `revoked` of them revoked), through the test-only endpoint (GATHER_TEST_SIGNIN=on).
 */
export async function createTestEvent(
	request: APIRequestContext,
	body: {
		attendees: number;
		organizerEmail: string;
		coOrganizerEmails?: string[];
		doorEmails?: string[];
		revoked?: number;
		capacity?: number;
		startsInMinutes?: number;
	}
): Promise<TestEvent> {
	const response = await request.post('/api/test/events', { data: body, timeout: 120_000 });
	expect(response.status()).toBe(200);
	return (await response.json()) as TestEvent;
}

/** One check-in as the server holds it. */
export interface ServerCheckIn {
	personId: string;
	checkedInAt: string;
	admissions: { deviceId: string; deviceName: string; at: string; method: string }[];
}

/** The event's check-ins on the server, through the test-only endpoint. */
export async function serverCheckIns(
	request: APIRequestContext,
	eventId: string
): Promise<ServerCheckIn[]> {
	const response = await request.get(`/api/test/events?eventId=${eventId}`);
	expect(response.status()).toBe(200);
	return ((await response.json()) as { checkIns: ServerCheckIn[] }).checkIns;
}

/** Sync now, and wait until nothing is left to send. */
export async function syncedNow(page: Page) {
	await page.evaluate(() => (window as unknown as GatherWindow).__gather.syncNow());
	await expect.poll(() => outboxCount(page), { timeout: 30_000 }).toBe(0);
}
