/**
 * Avatars are made small on the device before they are saved: a centred square of
 * AVATAR_SIZE_PX, encoded as WebP (JPEG where the browser cannot encode WebP) at the highest
 * quality that fits AVATAR_MAX_CHARS, so the picture travels inside the person row.
 * The sizing decisions are pure functions; `resizeAvatar` runs them on a canvas.
 */
import { AVATAR_MAX_CHARS, AVATAR_SIZE_PX, avatarSchema } from '$lib/domain/entities';

/** A phone photo is a few MB; a picked file above this (15 MB) is refused before decoding it. */
export const AVATAR_MAX_FILE_BYTES = 15_000_000;

/** From best to worst: the first that fits is kept. */
export const AVATAR_QUALITIES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2] as const;

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
	// Some systems give no type (a file without extension): decoding it will tell.
	if (file.type !== '' && !file.type.startsWith('image/')) return 'not_image';
	if (file.size > AVATAR_MAX_FILE_BYTES) return 'file_too_big';
	return null;
}

/** The largest centred square of a width × height image (what is kept of it). */
export function centredSquare(
	width: number,
	height: number
): { x: number; y: number; size: number } {
	const size = Math.min(width, height);
	return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
}

/**
 * The best encoding that fits `maxChars`: each type in turn (a type the browser cannot encode
 * comes back as another type and is skipped), each quality from best to worst. Null when
 * nothing fits.
 */
export function fittingEncoding(
	encode: (type: string, quality: number) => string,
	maxChars = AVATAR_MAX_CHARS
): string | null {
	for (const type of AVATAR_TYPES) {
		for (const quality of AVATAR_QUALITIES) {
			const url = encode(type, quality);
			if (!url.startsWith(`data:${type};`)) break;
			if (url.length <= maxChars && avatarSchema.safeParse(url).success) return url;
		}
	}
	return null;
}

/** Turn a picked file into an avatar data: URL, or throw AvatarError saying why not. */
export async function resizeAvatar(file: File): Promise<string> {
	const problem = checkAvatarFile(file);
	if (problem) throw new AvatarError(problem);
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file);
	} catch {
		throw new AvatarError('not_image');
	}
	try {
		const { x, y, size } = centredSquare(bitmap.width, bitmap.height);
		if (size === 0) throw new AvatarError('not_image');
		const canvas = document.createElement('canvas');
		canvas.width = AVATAR_SIZE_PX;
		canvas.height = AVATAR_SIZE_PX;
		const context = canvas.getContext('2d');
		if (!context) throw new AvatarError('cannot_shrink');
		// JPEG has no transparency: a transparent picture sits on white, not black.
		context.fillStyle = '#ffffff';
		context.fillRect(0, 0, AVATAR_SIZE_PX, AVATAR_SIZE_PX);
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, x, y, size, size, 0, 0, AVATAR_SIZE_PX, AVATAR_SIZE_PX);
		const url = fittingEncoding((type, quality) => canvas.toDataURL(type, quality));
		if (!url) throw new AvatarError('cannot_shrink');
		return url;
	} finally {
		bitmap.close();
	}
}
