import { z } from 'zod';
import { canSearchDirectory } from '$lib/domain/permissions';
import { openDatabase } from '$lib/server/db';
import { directoryRequestSchema, searchDirectory } from '$lib/server/directory';
import { actorOf, jsonError, privateJson } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * GET /api/directory?q=&skill=&language=&country=&group=&area=&limit=&cursor=: one page of the
 * community directory, each person as the signed-in viewer may see them (server/directory.ts).
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	const actor = actorOf(locals);
	if (!canSearchDirectory(actor)) return jsonError(401, 'unauthorized', 'Sign in to continue');
	const parsed = directoryRequestSchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) return jsonError(400, 'invalid', z.prettifyError(parsed.error));
	try {
		return privateJson(await searchDirectory(await openDatabase(), actor, parsed.data));
	} catch (failure) {
		console.error('directory search failed', failure);
		return jsonError(503, 'unavailable', 'The directory is unavailable right now');
	}
};
