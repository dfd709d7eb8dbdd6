/**
 * Avatars are made small on the device before they are saved: a centred square of
 * AVATAR_SIZE_PX, encoded as WebP (JPEG where the browser cannot encode WebP) at the highest
 * quality that fits AVATAR_MAX_CHARS, so the picture travels inside the person row.
 * JPEG has no transparency: a transparent picture sits on white, not black.
 */
import { AVATAR_MAX_CHARS, AVATAR_SIZE_PX, avatarSchema } from '$lib/domain/entities';
import { resizeImage, type ImageSpec } from './image-resize';

/** A phone photo is a few MB; a picked file above this (15 MB) is refused before decoding it. */
export const AVATAR_MAX_FILE_BYTES = 15_000_000;

export const AVATAR_IMAGE: ImageSpec = {
	sizePx: AVATAR_SIZE_PX,
	maxFileBytes: AVATAR_MAX_FILE_BYTES,
	// WebP is smaller for the same quality; JPEG is what every browser can encode.
	types: ['image/webp', 'image/jpeg'],
	maxChars: AVATAR_MAX_CHARS,
	accepts: (url) => avatarSchema.safeParse(url).success,
	background: '#ffffff'
};

/** Turn a picked file into an avatar data: URL, or throw ImageError saying why not. */
export function resizeAvatar(file: File): Promise<string> {
	return resizeImage(file, AVATAR_IMAGE);
}
