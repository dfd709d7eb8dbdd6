import type { RequestHandler } from './$types';
import { emailLinkRequestSchema } from '$lib/domain/auth-api';
import { openDatabase } from '$lib/server/db';
import { jsonError, privateJson, readBody } from '$lib/server/http';
import { testSignIn, testSignInEnabled } from '$lib/server/auth/test-signin';

/** End-to-end tests only (see test-signin.ts); otherwise a 404 like any unknown path. */
export const POST: RequestHandler = async ({ request, cookies }) => {
	if (!testSignInEnabled()) return jsonError(404, 'not_found', 'Not found');
	// The same body as asking for a sign-in link: one email, normalised.
	const { email } = await readBody(request, emailLinkRequestSchema);
	if (!(await testSignIn(await openDatabase(), cookies, email))) {
		return jsonError(404, 'not_found', 'No person with this email');
	}
	return privateJson({ ok: true });
};
