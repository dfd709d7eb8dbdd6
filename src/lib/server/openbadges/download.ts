import { error } from '@sveltejs/kit';
import { hasRole } from '$lib/domain/permissions';
import { openDatabase } from '$lib/server/db';
import { actorOf } from '$lib/server/http';
import { credentialFileName, issueCredential } from './credential';
import { readAward } from './records';

/**
 * An award's signed credential, for its earner or an admin: 401 without a session, 404 for no
 * such award, 403 for someone else's.
 */
export async function downloadCredential(
	locals: App.Locals,
	awardId: string,
	origin: string,
	format: 'jwt' | 'json'
): Promise<Response> {
	const actor = actorOf(locals);
	if (!actor) error(401, { message: 'Sign in to continue' });
	const db = await openDatabase();
	const award = await readAward(db, awardId);
	if (!award) error(404, { message: 'No such award' });
	if (award.personId !== actor.personId && !hasRole(actor, 'admin'))
		error(403, { message: 'Only the earner may download this credential' });
	const { credential, jwt } = await issueCredential(db, award, origin);
	// The JSON form carries the signed token as its proof (a JWT proof is external: the token is
	// the credential, so a verifier checks the token and reads the rest from it).
	const body =
		format === 'jwt'
			? jwt
			: JSON.stringify({ ...credential, proof: [{ type: 'JwtProof2020', jwt }] }, null, 2);
	return new Response(body, {
		headers: {
			'content-type': format === 'jwt' ? 'application/jwt' : 'application/json',
			'content-disposition': `attachment; filename="${credentialFileName(award.badge, format)}"`,
			'cache-control': 'no-store'
		}
	});
}
