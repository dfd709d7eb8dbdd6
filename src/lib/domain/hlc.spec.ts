import { describe, expect, it } from 'vitest';
import {
	MAX_CLOCK_DRIFT_MS,
	decodeHlc,
	encodeHlc,
	isTooFarAhead,
	receiveHlc,
	tickHlc
} from './hlc';

describe('hybrid logical clock', () => {
	it('encodes to a string that sorts in clock order', () => {
		const a = encodeHlc({ millis: 1_000, counter: 9, node: 'b' });
		const b = encodeHlc({ millis: 1_000, counter: 10, node: 'a' });
		const c = encodeHlc({ millis: 2_000, counter: 0, node: 'a' });
		expect([c, b, a].sort()).toEqual([a, b, c]);
		expect(decodeHlc(b)).toEqual({ millis: 1_000, counter: 10, node: 'a' });
		expect(decodeHlc('not a clock')).toBeNull();
	});

	it('counts up when the wall clock stands still or goes back', () => {
		const first = tickHlc(null, 5_000, 'n');
		const second = tickHlc(first, 5_000, 'n');
		const third = tickHlc(second, 4_000, 'n');
		expect([first.counter, second.counter, third.counter]).toEqual([0, 1, 2]);
		expect(third.millis).toBe(5_000);
	});

	it('orders a local event after a received one from a clock ahead', () => {
		const remote = { millis: 9_000, counter: 3, node: 'r' };
		const merged = receiveHlc({ millis: 5_000, counter: 0, node: 'l' }, remote, 6_000, 'l');
		expect(encodeHlc(merged) > encodeHlc(remote)).toBe(true);
	});

	it('flags a clock too far ahead of the server', () => {
		const now = 1_700_000_000_000;
		expect(
			isTooFarAhead(encodeHlc({ millis: now + MAX_CLOCK_DRIFT_MS + 1, counter: 0, node: 'x' }), now)
		).toBe(true);
		expect(isTooFarAhead(encodeHlc({ millis: now + 1_000, counter: 0, node: 'x' }), now)).toBe(
			false
		);
	});
});
