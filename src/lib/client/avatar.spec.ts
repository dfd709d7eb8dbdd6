import { describe, expect, it } from 'vitest';
import { AVATAR_MAX_CHARS } from '$lib/domain/entities';
import { AVATAR_IMAGE, AVATAR_MAX_FILE_BYTES } from './avatar';
import { IMAGE_QUALITIES, centredSquare, checkImageFile, fittingEncoding } from './image-resize';

/** A data: URL of `type` whose length shrinks with the quality, as a real encoder's does. */
function fakeEncoder(bytesAtFullQuality: number, supported = ['image/webp', 'image/jpeg']) {
	const calls: [string, number][] = [];
	const encode = (type: string, quality: number) => {
		calls.push([type, quality]);
		const actual = supported.includes(type) ? type : 'image/png';
		return `data:${actual};base64,${'A'.repeat(Math.round(bytesAtFullQuality * quality) * 4)}`;
	};
	return { encode, calls };
}

describe('checkImageFile for avatars', () => {
	it('accepts images up to 15 MB, and files without a type (decoding decides)', () => {
		expect(checkImageFile({ type: 'image/png', size: 1000 }, AVATAR_MAX_FILE_BYTES)).toBeNull();
		expect(
			checkImageFile({ type: 'image/jpeg', size: AVATAR_MAX_FILE_BYTES }, AVATAR_MAX_FILE_BYTES)
		).toBeNull();
		expect(checkImageFile({ type: '', size: 1000 }, AVATAR_MAX_FILE_BYTES)).toBeNull();
	});

	it('refuses what is not an image, and an image too big to start with', () => {
		expect(checkImageFile({ type: 'application/pdf', size: 1000 }, AVATAR_MAX_FILE_BYTES)).toBe(
			'not_image'
		);
		expect(checkImageFile({ type: 'text/plain', size: 10 }, AVATAR_MAX_FILE_BYTES)).toBe(
			'not_image'
		);
		expect(
			checkImageFile({ type: 'image/jpeg', size: AVATAR_MAX_FILE_BYTES + 1 }, AVATAR_MAX_FILE_BYTES)
		).toBe('file_too_big');
	});
});

describe('centredSquare', () => {
	it('keeps the middle of a landscape picture', () => {
		expect(centredSquare(400, 300)).toEqual({ x: 50, y: 0, size: 300 });
	});

	it('keeps the middle of a portrait picture', () => {
		expect(centredSquare(300, 401)).toEqual({ x: 0, y: 50, size: 300 });
	});

	it('keeps all of a square picture', () => {
		expect(centredSquare(160, 160)).toEqual({ x: 0, y: 0, size: 160 });
	});
});

describe('fittingEncoding for avatars', () => {
	it('keeps WebP at the best quality when it fits', () => {
		const { encode, calls } = fakeEncoder(1000);
		const url = fittingEncoding(encode, AVATAR_IMAGE);
		expect(url).toMatch(/^data:image\/webp;base64,/);
		expect(calls).toEqual([['image/webp', IMAGE_QUALITIES[0]]]);
	});

	it('lowers the quality until the picture fits', () => {
		const { encode, calls } = fakeEncoder(AVATAR_MAX_CHARS / 4 / 0.65);
		const url = fittingEncoding(encode, AVATAR_IMAGE);
		expect(url!.length).toBeLessThanOrEqual(AVATAR_MAX_CHARS);
		expect(calls.at(-1)).toEqual(['image/webp', 0.6]);
	});

	it('falls back to JPEG where the browser cannot encode WebP (it answers PNG)', () => {
		const { encode, calls } = fakeEncoder(1000, ['image/jpeg']);
		const url = fittingEncoding(encode, AVATAR_IMAGE);
		expect(url).toMatch(/^data:image\/jpeg;base64,/);
		expect(calls).toEqual([
			['image/webp', IMAGE_QUALITIES[0]],
			['image/jpeg', IMAGE_QUALITIES[0]]
		]);
	});

	it('gives up when not even the worst quality fits', () => {
		const { encode, calls } = fakeEncoder(AVATAR_MAX_CHARS * 2);
		expect(fittingEncoding(encode, AVATAR_IMAGE)).toBeNull();
		expect(calls).toHaveLength(IMAGE_QUALITIES.length * 2);
	});

	it('never returns what the domain would refuse', () => {
		expect(fittingEncoding(() => 'data:image/webp;base64,not base64!', AVATAR_IMAGE)).toBeNull();
	});
});
