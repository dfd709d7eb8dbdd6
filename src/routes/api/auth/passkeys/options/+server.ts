import type { RequestHandler } from './$types';
import { addPasskeyStartSchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody, requirePerson } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { startAddPasskey } from '$lib/server/auth/passkeys';

/** Registration options for one more passkey of the signed-in person. */
export const POST: RequestHandler = async ({ request, cookies, url, locals }) => {
	const person = requirePerson(locals);
	await readBody(request, addPasskeyStartSchema);
	const db = await openDatabase();
	return authResponse(() => startAddPasskey(db, cookies, url, person));
};
