import type { RequestHandler } from './$types';
import { z } from 'zod';
import { openDatabase } from '$lib/server/db';
import { readBody, requireActor } from '$lib/server/http';
import { authResponse } from '$lib/server/auth/failure';
import { regenerateRecoveryCodes } from '$lib/server/auth/recovery-codes';

/** New recovery codes for the signed-in person; every older code stops working. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const actor = requireActor(locals);
	await readBody(request, z.object({}));
	const db = await openDatabase();
	return authResponse(async () => ({
		recoveryCodes: await regenerateRecoveryCodes(db, actor.personId)
	}));
};
