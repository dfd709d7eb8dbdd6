import { describe, expect, it } from 'vitest';
import { slugify } from './slug';

describe('slugify', () => {
	it('makes a slug from a name, accents and symbols dropped', () => {
		expect(slugify('Testing & QA')).toBe('testing-qa');
		expect(slugify('  Región Andina  ')).toBe('region-andina');
		expect(slugify('مجتمع')).toBe('');
		expect(slugify('a'.repeat(70))).toHaveLength(64);
	});
});
