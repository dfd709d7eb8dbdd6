/**
 * Badge images are made small on the device before they are saved: a centred square of
 * BADGE_IMAGE_SIZE_PX, PNG first (badges are often drawn on transparency), then WebP (which
 * keeps it too) and JPEG (on white) at the best quality that fits BADGE_IMAGE_MAX_CHARS.
 * The server checks the bytes again (server/badges/apply.ts).
 */
import { BADGE_IMAGE_MAX_CHARS, BADGE_IMAGE_SIZE_PX, badgeImageSchema } from '$lib/domain/entities';
import { resizeImage, type ImageSpec } from './image-resize';

/** A picked file above this (15 MB) is refused before decoding it. */
export const BADGE_IMAGE_MAX_FILE_BYTES = 15_000_000;

export const BADGE_IMAGE: ImageSpec = {
	sizePx: BADGE_IMAGE_SIZE_PX,
	maxFileBytes: BADGE_IMAGE_MAX_FILE_BYTES,
	// PNG keeps transparency losslessly; WebP keeps it too, smaller; JPEG is the last resort.
	types: ['image/png', 'image/webp', 'image/jpeg'],
	maxChars: BADGE_IMAGE_MAX_CHARS,
	accepts: (url) => badgeImageSchema.safeParse(url).success,
	background: null
};

/** Turn a picked file into a badge image data: URL, or throw ImageError saying why not. */
export function resizeBadgeImage(file: File): Promise<string> {
	return resizeImage(file, BADGE_IMAGE);
}
