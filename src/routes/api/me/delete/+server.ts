import { deleteAccountRequestSchema, type DeleteAccountRefusal } from '$lib/domain/own-data';
import { destroySession } from '$lib/server/auth/session';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson, readBody, requireActor } from '$lib/server/http';
import { AccountRefused, deleteAccount } from '$lib/server/people/account';
import { unavailable } from '$lib/server/people/http';
import type { RequestHandler } from './$types';

const REFUSED: Record<DeleteAccountRefusal, { status: number; message: string }> = {
	confirm_mismatch: {
		status: 400,
		message: 'Type your email address or display name exactly to confirm'
	},
	last_admin: {
		status: 409,
		message: 'You are the last admin: make someone else an admin first'
	},
	not_found: { status: 404, message: 'This account no longer exists' }
};

/**
 * Delete the signed-in person's account (confirmed by typing their email or display name).
 * Every session ends with it, this browser's cookie too.
 */
export const POST: RequestHandler = async ({ request, locals, cookies }) => {
	const actor = requireActor(locals);
	const { confirm } = await readBody(request, deleteAccountRequestSchema);
	try {
		await deleteAccount(await openDatabase(), actor.personId, confirm);
	} catch (failure) {
		if (!(failure instanceof AccountRefused)) return unavailable('account deletion', failure);
		const { status, message } = REFUSED[failure.code];
		return jsonError(status, failure.code, message);
	}
	// The session row is gone with the account; clear the cookie.
	await destroySession(cookies, null);
	return privateJson({ ok: true });
};
