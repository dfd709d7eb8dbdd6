import type { RequestHandler } from './$types';
import type { z } from 'zod';
import type { emailLinkAvailabilitySchema } from '$lib/domain/auth-api';
import { privateJson } from '$lib/server/http';
import { configuredMailer } from '$lib/server/auth/mailer';

/** Whether this server can send sign-in links (SMTP configured, or a development log). */
export const GET: RequestHandler = async ({ url }) => {
	return privateJson({
		available: configuredMailer(url.origin) !== null
	} satisfies z.infer<typeof emailLinkAvailabilitySchema>);
};
