/**
 * Pictures made small on the device before they travel inside a row (avatars, badge images):
 * a centred square, encoded at the best type and quality that fits a size limit. The sizing
 * decisions are pure functions; `resizeImage` runs them on a canvas, for one kind of picture's
 * ImageSpec (client/avatar.ts, client/badge-image.ts).
 */

/** From best to worst: the first that fits is kept. */
export const IMAGE_QUALITIES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2] as const;

/** Lossless types have no quality to lower: tried once. */
const LOSSLESS = new Set(['image/png']);

export type ImageFileProblem = 'not_image' | 'file_too_big';
export type ImageProblem = ImageFileProblem | 'cannot_shrink';

export class ImageError extends Error {
	constructor(readonly problem: ImageProblem) {
		super(`image: ${problem}`);
		this.name = 'ImageError';
	}
}

/** One kind of picture: its square's size, the file it may start from, how it may be encoded. */
export interface ImageSpec {
	sizePx: number;
	/** A picked file above this is refused before decoding it. */
	maxFileBytes: number;
	/** From best to worst: the first type that fits is kept. */
	types: readonly string[];
	maxChars: number;
	/** The domain's own check of the data URL (its schema). */
	accepts: (url: string) => boolean;
	/** Drawn under the picture; null keeps transparency (JPEG alone then goes on white). */
	background: string | null;
}

/** Why a picked file cannot become a picture before reading it, or null to go on. */
export function checkImageFile(
	file: { type: string; size: number },
	maxBytes: number
): ImageFileProblem | null {
	// Some systems give no type (a file without extension): decoding it will tell.
	if (file.type !== '' && !file.type.startsWith('image/')) return 'not_image';
	if (file.size > maxBytes) return 'file_too_big';
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
 * The best encoding that fits `maxChars` and `accepts`: each type in turn (a type the browser
 * cannot encode comes back as another type and is skipped), each quality from best to worst
 * (once for a lossless type). Null when nothing fits.
 */
export function fittingEncoding(
	encode: (type: string, quality: number) => string,
	options: { types: readonly string[]; maxChars: number; accepts: (url: string) => boolean }
): string | null {
	for (const type of options.types) {
		const qualities = LOSSLESS.has(type) ? [1] : IMAGE_QUALITIES;
		for (const quality of qualities) {
			const url = encode(type, quality);
			if (!url.startsWith(`data:${type};`)) break;
			if (url.length <= options.maxChars && options.accepts(url)) return url;
		}
	}
	return null;
}

/**
 * Decode `file` and draw its centred square at `sizePx`, on `background` (null keeps
 * transparency). Null when the file is not a picture the browser can decode.
 */
async function squareCanvas(
	file: Blob,
	sizePx: number,
	background: string | null
): Promise<HTMLCanvasElement | null> {
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file);
	} catch {
		return null;
	}
	try {
		const { x, y, size } = centredSquare(bitmap.width, bitmap.height);
		if (size === 0) return null;
		const canvas = document.createElement('canvas');
		canvas.width = sizePx;
		canvas.height = sizePx;
		const context = canvas.getContext('2d');
		if (!context) return null;
		if (background !== null) {
			context.fillStyle = background;
			context.fillRect(0, 0, sizePx, sizePx);
		}
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, x, y, size, size, 0, 0, sizePx, sizePx);
		return canvas;
	} finally {
		bitmap.close();
	}
}

/** A copy of `canvas` over a solid colour (for JPEG, which has no transparency). */
function flattened(canvas: HTMLCanvasElement, background: string): HTMLCanvasElement {
	const copy = document.createElement('canvas');
	copy.width = canvas.width;
	copy.height = canvas.height;
	const context = copy.getContext('2d');
	if (context) {
		context.fillStyle = background;
		context.fillRect(0, 0, copy.width, copy.height);
		context.drawImage(canvas, 0, 0);
	}
	return copy;
}

/** Turn a picked file into a data: URL as `spec` asks, or throw ImageError saying why not. */
export async function resizeImage(file: File, spec: ImageSpec): Promise<string> {
	const problem = checkImageFile(file, spec.maxFileBytes);
	if (problem) throw new ImageError(problem);
	const canvas = await squareCanvas(file, spec.sizePx, spec.background);
	if (!canvas) throw new ImageError('not_image');
	let onWhite: HTMLCanvasElement | null = null;
	const url = fittingEncoding((type, quality) => {
		if (type !== 'image/jpeg' || spec.background !== null) return canvas.toDataURL(type, quality);
		onWhite ??= flattened(canvas, '#ffffff');
		return onWhite.toDataURL(type, quality);
	}, spec);
	if (!url) throw new ImageError('cannot_shrink');
	return url;
}
