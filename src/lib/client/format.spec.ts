import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatTime } from './format';

describe('formatBytes', () => {
	it('picks the unit that keeps the number short, and never breaks it from its unit', () => {
		expect(formatBytes(512)).toBe('512\u00a0byte');
		expect(formatBytes(74_321)).toBe('74\u00a0kB');
		expect(formatBytes(1_234_567)).toBe('1.2\u00a0MB');
		expect(formatBytes(11_000_000_000)).toBe('11\u00a0GB');
	});
});

describe('formatPercent', () => {
	it('keeps one decimal under 10%, so a small share never reads as none', () => {
		expect(formatPercent(6 / 1997)).toBe('0.3%');
		expect(formatPercent(0.062)).toBe('6.2%');
		expect(formatPercent(0.6)).toBe('60%');
		expect(formatPercent(0.666)).toBe('67%');
		expect(formatPercent(0)).toBe('0%');
		expect(formatPercent(1)).toBe('100%');
	});
});

describe('formatTime', () => {
	it("reads the time on an event's wall clock, and on the device's for an unknown zone", () => {
		expect(formatTime('2030-06-01T16:05:00.000Z', 'Europe/Madrid')).toBe('6:05 PM');
		expect(formatTime('2030-06-01T16:05:00.000Z', 'Asia/Tokyo')).toBe('1:05 AM');
		expect(formatTime('2030-06-01T16:05:00.000Z', 'Nowhere/Atlantis')).toMatch(/^\d{1,2}:05/);
	});
});

describe('formatDuration', () => {
	it('reads minutes under an hour, whole hours, and hours with minutes', () => {
		expect(formatDuration(45)).toBe('45 min');
		expect(formatDuration(120)).toBe('2 hr');
		expect(formatDuration(90)).toBe('1 hr 30 min');
	});
});
