import { describe, expect, it } from 'vitest';
import { BADGE_IMAGE_MAX_CHARS } from '$lib/domain/entities';
import { BADGE_IMAGE, BADGE_IMAGE_MAX_FILE_BYTES } from './badge-image';
import { checkImageFile, fittingEncoding } from './image-resize';

/** A data: URL of `type` whose length shrinks with the quality, as a real encoder's does. */
function fakeEncoder(charsAt: (type: string, quality: number) => number, supported: string[]) {
	const calls: [string, number][] = [];
	const encode = (type: string, quality: number) => {
		calls.push([type, quality]);
		const actual = supported.includes(type) ? type : 'image/png';
		return `data:${actual};base64,${'A'.repeat(Math.round(charsAt(type, quality) / 4) * 4)}`;
	};
	return { encode, calls };
}

describe('checkImageFile for badge images', () => {
	it('accepts images up to the limit, and files without a type', () => {
		expect(
			checkImageFile({ type: 'image/svg+xml', size: 10 }, BADGE_IMAGE.maxFileBytes)
		).toBeNull();
		expect(checkImageFile({ type: '', size: 10 }, BADGE_IMAGE.maxFileBytes)).toBeNull();
		expect(
			checkImageFile(
				{ type: 'image/png', size: BADGE_IMAGE_MAX_FILE_BYTES },
				BADGE_IMAGE.maxFileBytes
			)
		).toBeNull();
	});

	it('refuses what is not an image, and a huge file', () => {
		expect(checkImageFile({ type: 'application/pdf', size: 10 }, BADGE_IMAGE.maxFileBytes)).toBe(
			'not_image'
		);
		expect(
			checkImageFile(
				{ type: 'image/png', size: BADGE_IMAGE_MAX_FILE_BYTES + 1 },
				BADGE_IMAGE.maxFileBytes
			)
		).toBe('file_too_big');
	});
});

describe('fittingEncoding for badge images', () => {
	const all = ['image/png', 'image/webp', 'image/jpeg'];

	it('keeps a PNG (transparency) when it fits, trying it once', () => {
		const { encode, calls } = fakeEncoder(() => 40_000, all);
		expect(fittingEncoding(encode, BADGE_IMAGE)).toMatch(/^data:image\/png;base64,/);
		expect(calls).toEqual([['image/png', 1]]);
	});

	it('falls back to WebP at the best quality that fits when the PNG is too big', () => {
		const { encode, calls } = fakeEncoder(
			(type, quality) => (type === 'image/png' ? 500_000 : 200_000 * quality),
			all
		);
		const url = fittingEncoding(encode, BADGE_IMAGE);
		expect(url).toMatch(/^data:image\/webp;base64,/);
		expect(url!.length).toBeLessThanOrEqual(BADGE_IMAGE_MAX_CHARS);
		expect(calls.at(-1)).toEqual(['image/webp', 0.5]);
	});

	it('uses JPEG where the browser cannot encode WebP', () => {
		const { encode } = fakeEncoder(
			(type, quality) => (type === 'image/png' ? 500_000 : 100_000 * quality),
			['image/png', 'image/jpeg']
		);
		expect(fittingEncoding(encode, BADGE_IMAGE)).toMatch(/^data:image\/jpeg;base64,/);
	});

	it('gives up when nothing fits', () => {
		const { encode } = fakeEncoder(() => 1_000_000, all);
		expect(fittingEncoding(encode, BADGE_IMAGE)).toBeNull();
	});
});
