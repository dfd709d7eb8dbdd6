import type { RequestHandler } from './$types';
import { emailLinkRequestSchema } from '$lib/domain/auth-api';
import { getLocale } from '$lib/paraglide/runtime';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { requestEmailLink } from '$lib/server/auth/email-link';
import { AuthFailure, authResponse } from '$lib/server/auth/failure';
import { configuredMailer } from '$lib/server/auth/mailer';
import { enforceRateLimits, limitedAttempts } from '$lib/server/auth/rate-limit';

/**
 * Mail a sign-in link to the email, if it belongs to someone. The answer is the same either
 * way, and comes before the mail is sent.
 */
export const POST: RequestHandler = async ({ request, url, getClientAddress }) => {
	const { email } = await readBody(request, emailLinkRequestSchema);
	return authResponse(async () => {
		const mailer = configuredMailer(url.origin);
		if (!mailer) throw new AuthFailure('email_unavailable', 'This server cannot send email');
		const db = await openDatabase();
		await enforceRateLimits(db, limitedAttempts.emailLink(getClientAddress(), email));
		// The mail is in the person's language: the one this request was made in.
		await requestEmailLink(db, { email, origin: url.origin, locale: getLocale() }, mailer);
		return { ok: true };
	});
};
