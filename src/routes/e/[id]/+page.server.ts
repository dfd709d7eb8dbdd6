import { error, fail } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { Actions, PageServerLoad } from './$types';
import { MAX_DISPLAY_NAME_LENGTH } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';
import { RateLimited } from '$lib/server/auth/failure';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';
import { openDatabase } from '$lib/server/db';
import {
	guestSchema,
	loadPublicEvent,
	registerFromPage,
	withTicketQrCode,
	type Registrant
} from '$lib/server/events/public';
import { actorOf } from '$lib/server/http';

// A shareable page for the web, rendered by the server (the app itself renders on the device).
export const ssr = true;

export const load: PageServerLoad = async ({ params, locals, url, setHeaders }) => {
	const view = await loadPublicEvent(await openDatabase(), params.id, actorOf(locals));
	if (!view) error(404, m.public_event_unavailable_title());
	// Seats and the viewer's own ticket change: asked again each time, never shared.
	setHeaders({ 'cache-control': 'private, no-cache' });
	const active =
		view.registration?.status === 'registered' || view.registration?.status === 'waitlisted';
	return {
		...view,
		registration: active && view.registration ? await withTicketQrCode(view.registration) : null,
		signedInAs: locals.person?.displayName ?? null,
		url: `${url.origin}${resolve(`/e/${view.event.id}`)}`
	};
};

interface Refusal {
	values: { displayName: string; email: string };
	errors?: { displayName: string | null; email: string | null };
	message?: string;
	/** The email belongs to an account: the page offers signing in. */
	signIn?: boolean;
}

/** Every refusal in one shape, the form's input kept. */
function refuse(status: number, refusal: Refusal) {
	return fail(status, { errors: null, message: null, signIn: false, ...refusal });
}

/** A form field as text, cut short: it is shown back in the form, never stored like this. */
function field(form: FormData, name: string): string {
	return String(form.get(name) ?? '').slice(0, 500);
}

export const actions: Actions = {
	default: async ({ params, locals, request, getClientAddress }) => {
		const actor = actorOf(locals);
		const form = await request.formData().catch(() => new FormData());
		const values = { displayName: field(form, 'displayName'), email: field(form, 'email') };

		let registrant: Registrant;
		if (actor) registrant = { actor };
		else {
			const parsed = guestSchema.safeParse(values);
			if (!parsed.success) {
				const wrong = new Set(parsed.error.issues.map((issue) => issue.path[0]));
				return refuse(400, {
					values,
					errors: {
						displayName: wrong.has('displayName')
							? m.public_event_invalid_name({ max: MAX_DISPLAY_NAME_LENGTH })
							: null,
						email: wrong.has('email') ? m.public_event_invalid_email() : null
					}
				});
			}
			registrant = { guest: parsed.data };
		}

		const db = await openDatabase();
		try {
			const email = 'guest' in registrant ? registrant.guest.email : null;
			await enforceRateLimits(db, limitedAttempts.eventRegistration(getClientAddress(), email));
		} catch (caught) {
			if (!(caught instanceof RateLimited)) throw caught;
			return refuse(429, { values, message: caught.message });
		}

		const outcome = await registerFromPage(db, params.id, registrant);
		if (outcome.kind === 'done')
			return { registration: await withTicketQrCode(outcome.registration) };
		const refusals = {
			sign_in: [409, m.public_event_sign_in_instead()],
			closed: [409, m.public_event_closed()],
			forbidden: [403, m.public_event_forbidden()],
			not_found: [404, m.public_event_unavailable_title()]
		} as const;
		const [status, message] = refusals[outcome.kind];
		return refuse(status, { values, message, signIn: outcome.kind === 'sign_in' });
	}
};
