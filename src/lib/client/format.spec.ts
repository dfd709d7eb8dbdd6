import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
	it('picks the unit that keeps the number short, and never breaks it from its unit', () => {
		expect(formatBytes(512)).toBe('512\u00a0byte');
		expect(formatBytes(74_321)).toBe('74\u00a0kB');
		expect(formatBytes(1_234_567)).toBe('1.2\u00a0MB');
		expect(formatBytes(11_000_000_000)).toBe('11\u00a0GB');
	});
});
