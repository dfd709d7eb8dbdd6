/**
 * Avatars are made small on the device before they are saved: a centred square of
 * AVATAR_SIZE_PX, encoded as WebP (JPEG where the browser cannot encode WebP) at the highest
 * quality that fits AVATAR_MAX_CHARS, so the picture travels inside the person row.
 * The sizing decisions are image-resize.ts's, shared with badge images.
 */
import { AVATAR_MAX_CHARS, AVATAR_SIZE_PX, avatarSchema } from '$lib/domain/entities';
import {
	IMAGE_QUALITIES,
	centredSquare,
	checkImageFile,
	fittingEncoding as fittingImageEncoding,
	squareCanvas
} from './image-resize';

/** A phone photo is a few MB; a picked file above this (15 MB) is refused before decoding it. */
export const AVATAR_MAX_FILE_BYTES = 15_000_000;

/** From best to worst: the first that fits is kept. */
export const AVATAR_QUALITIES = IMAGE_QUALITIES;

/** WebP is smaller for the same quality; JPEG is what every browser can encode. */
export const AVATAR_TYPES = ['image/webp', 'image/jpeg'] as const;

export type AvatarProblem = 'not_image' | 'file_too_big' | 'cannot_shrink';

export class AvatarError extends Error {
	constructor(readonly problem: AvatarProblem) {
		super(`avatar: ${problem}`);
		this.name = 'AvatarError';
	}
}

/** Why a picked file cannot become an avatar before reading it, or null to go on. */
export function checkAvatarFile(file: { type: string; size: number }): AvatarProblem | null {
	return checkImageFile(file, AVATAR_MAX_FILE_BYTES);
}

export { centredSquare };

/** The best WebP (or JPEG) encoding that fits `maxChars`, or null (image-resize.ts). */
export function fittingEncoding(
	encode: (type: string, quality: number) => string,
	maxChars = AVATAR_MAX_CHARS
): string | null {
	return fittingImageEncoding(encode, {
		types: AVATAR_TYPES,
		maxChars,
		accepts: (url) => avatarSchema.safeParse(url).success
	});
}

/** Turn a picked file into an avatar data: URL, or throw AvatarError saying why not. */
export async function resizeAvatar(file: File): Promise<string> {
	const problem = checkAvatarFile(file);
	if (problem) throw new AvatarError(problem);
	// JPEG has no transparency: a transparent picture sits on white, not black.
	const canvas = await squareCanvas(file, AVATAR_SIZE_PX, '#ffffff');
	if (!canvas) throw new AvatarError('not_image');
	const url = fittingEncoding((type, quality) => canvas.toDataURL(type, quality));
	if (!url) throw new AvatarError('cannot_shrink');
	return url;
}
