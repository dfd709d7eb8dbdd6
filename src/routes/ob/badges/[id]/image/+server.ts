import type { RequestHandler } from './$types';
import { badgeImage, badgeOr404 } from '$lib/server/openbadges/http';

/** A badge's picture as bytes. */
export const GET: RequestHandler = async ({ params }) => badgeImage(await badgeOr404(params.id));
