/**
 * Badge images are made small on the device before they are saved: a centred square of
 * BADGE_IMAGE_SIZE_PX, PNG first (badges are often drawn on transparency), then WebP (which
 * keeps it too) and JPEG (on white) at the best quality that fits BADGE_IMAGE_MAX_CHARS.
 * The server checks the bytes again (server/badges/apply.ts).
 */
import { BADGE_IMAGE_MAX_CHARS, BADGE_IMAGE_SIZE_PX, badgeImageSchema } from '$lib/domain/entities';
import { checkImageFile, fittingEncoding, flattened, squareCanvas } from './image-resize';

/** A picked file above this (15 MB) is refused before decoding it. */
export const BADGE_IMAGE_MAX_FILE_BYTES = 15_000_000;

/** PNG keeps transparency losslessly; WebP keeps it too, smaller; JPEG is the last resort. */
export const BADGE_IMAGE_TYPES = ['image/png', 'image/webp', 'image/jpeg'] as const;

export type BadgeImageProblem = 'not_image' | 'file_too_big' | 'cannot_shrink';

export class BadgeImageError extends Error {
	constructor(readonly problem: BadgeImageProblem) {
		super(`badge image: ${problem}`);
		this.name = 'BadgeImageError';
	}
}

export function checkBadgeImageFile(file: {
	type: string;
	size: number;
}): BadgeImageProblem | null {
	return checkImageFile(file, BADGE_IMAGE_MAX_FILE_BYTES);
}

/** The best encoding of a badge image that fits, or null (image-resize.ts fittingEncoding). */
export function fittingBadgeImage(
	encode: (type: string, quality: number) => string
): string | null {
	return fittingEncoding(encode, {
		types: BADGE_IMAGE_TYPES,
		maxChars: BADGE_IMAGE_MAX_CHARS,
		accepts: (url) => badgeImageSchema.safeParse(url).success
	});
}

/** Turn a picked file into a badge image data: URL, or throw BadgeImageError saying why not. */
export async function resizeBadgeImage(file: File): Promise<string> {
	const problem = checkBadgeImageFile(file);
	if (problem) throw new BadgeImageError(problem);
	const canvas = await squareCanvas(file, BADGE_IMAGE_SIZE_PX, null);
	if (!canvas) throw new BadgeImageError('not_image');
	let onWhite: HTMLCanvasElement | null = null;
	const url = fittingBadgeImage((type, quality) => {
		if (type !== 'image/jpeg') return canvas.toDataURL(type, quality);
		onWhite ??= flattened(canvas, '#ffffff');
		return onWhite.toDataURL(type, quality);
	});
	if (!url) throw new BadgeImageError('cannot_shrink');
	return url;
}
