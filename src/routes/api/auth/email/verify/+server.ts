import type { RequestHandler } from './$types';
import { emailLinkVerifySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody } from '$lib/server/http';
import { verifyEmailLink } from '$lib/server/auth/email-link';
import { authResponse } from '$lib/server/auth/failure';

/** Spend an email link's token and start a session; 400 link_invalid when it cannot be used. */
export const POST: RequestHandler = async ({ request, cookies }) => {
	const { token } = await readBody(request, emailLinkVerifySchema);
	const db = await openDatabase();
	return authResponse(async () => ({ person: await verifyEmailLink(db, cookies, token) }));
};
