import { describe, expect, it } from 'vitest';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import { parseWeight, reorder, slugFrom, slugProblem } from './taxonomy-form';

describe('the taxonomy editor', () => {
	it('derives a slug from the English name', () => {
		expect(slugFrom('Recorded a podcast!')).toBe('recorded_a_podcast');
		expect(slugFrom('  Café  meet-up ')).toBe('cafe_meet_up');
		expect(slugFrom('3D printing')).toBe('t_3d_printing');
	});

	it('refuses a slug that is malformed or already used', () => {
		const { activities } = effectiveTaxonomy([]);
		expect(slugProblem('gave_talk', activities)).not.toBeNull();
		expect(slugProblem('x', activities)).not.toBeNull();
		expect(slugProblem('recorded_podcast', activities)).toBeNull();
	});

	it('reads weights from 0 to 100, empty as unset', () => {
		expect(parseWeight('')).toBeNull();
		expect(parseWeight('0')).toBe(0);
		expect(parseWeight('100')).toBe(100);
		expect(parseWeight('101')).toBeUndefined();
		expect(parseWeight('2.5')).toBeUndefined();
	});

	it('saves only the rows a move changes', () => {
		const { areas } = effectiveTaxonomy([]);
		const saves = reorder(areas, 1, -1);
		expect(saves.map((row) => [row.slug, row.position])).toEqual([
			['localization', 0],
			['community', 10]
		]);
		expect(reorder(areas, 0, -1)).toEqual([]);
	});
});
