import { describe, expect, it } from 'vitest';
import { RepeatFilter } from './scanner';

describe('RepeatFilter', () => {
	it('reads a code held in front of the camera once, and again after it left for a while', () => {
		const filter = new RepeatFilter(4000);
		expect(filter.accept('GT1.a', 0)).toBe(true);
		expect(filter.accept('GT1.a', 150)).toBe(false);
		// Still held up: each sighting extends the quiet span.
		expect(filter.accept('GT1.a', 3900)).toBe(false);
		expect(filter.accept('GT1.a', 7800)).toBe(false);
		expect(filter.accept('GT1.a', 12_000)).toBe(true);
	});

	it('reads the next attendee at once', () => {
		const filter = new RepeatFilter(4000);
		expect(filter.accept('GT1.a', 0)).toBe(true);
		expect(filter.accept('GT1.b', 100)).toBe(true);
		expect(filter.accept('GT1.a', 200)).toBe(true);
	});
});
