import type { RequestHandler } from './$types';
import { addPasskeyVerifySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody, requireActor } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { finishAddPasskey } from '$lib/server/auth/passkeys';

/** Verify the new passkey and add it to the signed-in person; 409 when it is known already. */
export const POST: RequestHandler = async ({ request, cookies, url, locals }) => {
	const actor = requireActor(locals);
	const { response, name } = await readBody(request, addPasskeyVerifySchema);
	const db = await openDatabase();
	return authResponse(async () => ({
		passkey: await finishAddPasskey(db, cookies, url, actor.personId, response, name)
	}));
};
