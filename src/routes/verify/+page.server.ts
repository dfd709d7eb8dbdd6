import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { openDatabase } from '$lib/server/db';
import { checkPresented } from '$lib/server/openbadges/verify';

// A public page for the web, rendered by the server; plain HTML forms, no app shell.
export const ssr = true;
export const csr = false;

export const load: PageServerLoad = ({ setHeaders }) => {
	setHeaders({ 'cache-control': 'no-cache' });
	return {};
};

export const actions: Actions = {
	default: async ({ request, url, getClientAddress }) => {
		const form = await request.formData().catch(() => new FormData());
		const check = await checkPresented(await openDatabase(), form, getClientAddress(), url.origin);
		if (check.status === 400) return fail(400, { empty: true, limited: null, result: null });
		if (check.status === 429)
			return fail(429, { empty: false, limited: check.limited, result: null });
		return { empty: false, limited: null, result: check.result };
	}
};
