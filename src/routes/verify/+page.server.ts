import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { RateLimited } from '$lib/server/auth/failure';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';
import { openDatabase } from '$lib/server/db';
import { MAX_CREDENTIAL_CHARS, verifyCredential } from '$lib/server/openbadges/verify';

// A public page for the web, rendered by the server; plain HTML forms, no app shell.
export const ssr = true;
export const csr = false;

export const load: PageServerLoad = ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-cache' });
	return {};
};

/** The credential presented: the uploaded file if there is one, else the pasted text. */
async function presented(form: FormData): Promise<string | null> {
	const file = form.get('file');
	if (file instanceof File && file.size > 0) {
		if (file.size > MAX_CREDENTIAL_CHARS) return '';
		return file.text().catch(() => '');
	}
	const text = form.get('credential');
	return typeof text === 'string' && text.trim() ? text.slice(0, MAX_CREDENTIAL_CHARS + 1) : null;
}

export const actions: Actions = {
	default: async ({ request, url, getClientAddress }) => {
		const form = await request.formData().catch(() => new FormData());
		const input = await presented(form);
		if (input === null) return fail(400, { empty: true, limited: null, result: null });
		const db = await openDatabase();
		try {
			await enforceRateLimits(db, limitedAttempts.credentialVerification(getClientAddress()));
		} catch (caught) {
			if (!(caught instanceof RateLimited)) throw caught;
			return fail(429, { empty: false, limited: caught.message, result: null });
		}
		return { empty: false, limited: null, result: await verifyCredential(db, input, url.origin) };
	}
};
