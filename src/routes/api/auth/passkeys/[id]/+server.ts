import type { RequestHandler } from './$types';
import { renamePasskeySchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { readBody, requireActor } from '$lib/server/http';
import { AuthFailure, authResponse } from '$lib/server/auth/failure';
import { renamePasskey, revokePasskey } from '$lib/server/auth/passkeys';

/** A credential id is base64url; anything else names no passkey. */
function passkeyId(raw: string): string {
	if (raw.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(raw)) {
		throw new AuthFailure('not_found', 'No such passkey');
	}
	return raw;
}

/** Rename one of the signed-in person's passkeys; 404 for any other. */
export const PATCH: RequestHandler = async ({ request, params, locals }) => {
	const actor = requireActor(locals);
	const { name } = await readBody(request, renamePasskeySchema);
	const db = await openDatabase();
	return authResponse(async () => ({
		passkey: await renamePasskey(db, actor.personId, passkeyId(params.id), name)
	}));
};

/** Revoke one of the signed-in person's passkeys; 409 when it is their last way to sign in. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const actor = requireActor(locals);
	const db = await openDatabase();
	return authResponse(async () => {
		await revokePasskey(db, actor.personId, passkeyId(params.id));
		return { ok: true };
	});
};
