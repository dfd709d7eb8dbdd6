/** Small numeric helpers for the results. */

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Milliseconds with a precision that suits the value. */
export function ms(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	if (value < 10) return `${value.toFixed(2)} ms`;
	if (value < 1000) return `${value.toFixed(0)} ms`;
	return `${(value / 1000).toFixed(2)} s`;
}

/** Events per second. */
export function rate(count: number, elapsedMs: number): number {
	return (count * 1000) / elapsedMs;
}
