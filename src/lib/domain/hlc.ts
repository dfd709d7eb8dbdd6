/**
 * Hybrid logical clock (Kulkarni et al.): wall-clock milliseconds plus a counter, so clocks
 * order causally related events even when device clocks drift. Encoded as a fixed-width string
 * that sorts lexically in clock order: `<ms, 15 digits>-<counter, 5 digits>-<node>`.
 */
export interface Hlc {
	millis: number;
	counter: number;
	node: string;
}

/** A clock more than this far ahead of the server is refused (a phone with a wrong date). */
export const MAX_CLOCK_DRIFT_MS = 5 * 60 * 1000;

export function encodeHlc(hlc: Hlc): string {
	return `${String(hlc.millis).padStart(15, '0')}-${String(hlc.counter).padStart(5, '0')}-${hlc.node}`;
}

export function decodeHlc(text: string): Hlc | null {
	const match = /^(\d{15})-(\d{5})-(.+)$/.exec(text);
	if (!match) return null;
	return { millis: Number(match[1]), counter: Number(match[2]), node: match[3] };
}

/** Advance the clock for a local event. */
export function tickHlc(previous: Hlc | null, now: number, node: string): Hlc {
	if (!previous || now > previous.millis) return { millis: now, counter: 0, node };
	return { millis: previous.millis, counter: previous.counter + 1, node };
}

/** Merge a clock received from elsewhere so later local events sort after it. */
export function receiveHlc(local: Hlc | null, remote: Hlc, now: number, node: string): Hlc {
	const millis = Math.max(local?.millis ?? 0, remote.millis, now);
	let counter = 0;
	if (local && millis === local.millis && millis === remote.millis)
		counter = Math.max(local.counter, remote.counter) + 1;
	else if (local && millis === local.millis) counter = local.counter + 1;
	else if (millis === remote.millis) counter = remote.counter + 1;
	return { millis, counter, node };
}

export function isTooFarAhead(text: string, now: number): boolean {
	const hlc = decodeHlc(text);
	return hlc !== null && hlc.millis - now > MAX_CLOCK_DRIFT_MS;
}
