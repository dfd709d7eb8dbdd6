import { error } from '@sveltejs/kit';
import { hasRole } from '$lib/domain/permissions';
import { openDatabase } from '$lib/server/db';
import { actorOf } from '$lib/server/http';
import { credentialFileName, issueCredential } from './credential';
import { readAward } from './records';

/**
 * An award's signed credential as a `.jwt` file (OB 3.0 §8.2: the VC-JWT is the credential and
 * its proof), for its earner or an admin: 401 without a session, 404 for no such award, 403 for
 * someone else's.
 */
export async function downloadCredential(
	locals: App.Locals,
	awardId: string,
	origin: string
): Promise<Response> {
	const actor = actorOf(locals);
	if (!actor) error(401, { message: 'Sign in to continue' });
	const db = await openDatabase();
	const award = await readAward(db, awardId);
	if (!award) error(404, { message: 'No such award' });
	if (award.personId !== actor.personId && !hasRole(actor, 'admin'))
		error(403, { message: 'Only the earner may download this credential' });
	return new Response(await issueCredential(db, award, origin), {
		headers: {
			'content-type': 'application/jwt',
			'content-disposition': `attachment; filename="${credentialFileName(award.badge)}"`,
			'cache-control': 'no-store'
		}
	});
}
