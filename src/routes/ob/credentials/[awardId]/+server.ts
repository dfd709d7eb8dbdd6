import type { RequestHandler } from './$types';
import { downloadCredential } from '$lib/server/openbadges/download';

/** The earner's Open Badges 3.0 credential as a VC-JWT file. */
export const GET: RequestHandler = ({ locals, params, url }) =>
	downloadCredential(locals, params.awardId, url.origin);
