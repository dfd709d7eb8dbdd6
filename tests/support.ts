import type { BrowserContext, Page } from '@playwright/test';

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
		) => cdp.send('WebAuthn.addCredential', { authenticatorId, credential })
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
