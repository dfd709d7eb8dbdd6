import { z } from 'zod';
import { openDatabase } from '$lib/server/db';
import { earnersRequestSchema, listEarners } from '$lib/server/badges/earners';
import { jsonError, privateJson, requireActor } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * GET /api/badges/[id]/earners?offset=: one page of the people who hold the badge, as the
 * signed-in viewer may see them (server/badges/earners.ts).
 */
export const GET: RequestHandler = async ({ params, url, locals }) => {
	const viewer = requireActor(locals);
	if (!z.uuid().safeParse(params.id).success) return jsonError(400, 'invalid_id', 'Not a badge id');
	const parsed = earnersRequestSchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) return jsonError(400, 'invalid', z.prettifyError(parsed.error));
	return privateJson(
		await listEarners(await openDatabase(), viewer, params.id, parsed.data.offset)
	);
};
