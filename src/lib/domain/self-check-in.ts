/**
 * Self check-in: a short code shown at the venue lets an attendee check themselves in, offline
 * too. The server makes the code (server/events/keys.ts) and sends it only to the people who
 * run the door; every device that holds the event gets a slow hash of it (PBKDF2, WebCrypto),
 * so an attendee's phone can tell a right code from a wrong one without the network, while
 * guessing the code from the hash costs far more than walking to the venue. The server checks
 * the code itself again when the check-in syncs.
 */
import { toBase64Url } from './tickets';

/** No 0/O, 1/I/L: read aloud and typed from a screen across the room without mix-ups. */
export const CHECK_IN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CHECK_IN_CODE_LENGTH = 6;
const ITERATIONS = 20_000;

/** What the attendee typed, as the code is written: upper case, without spaces or dashes. */
export function normaliseCheckInCode(input: string): string {
	return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function isCheckInCodeShaped(code: string): boolean {
	return (
		code.length === CHECK_IN_CODE_LENGTH &&
		[...code].every((char) => CHECK_IN_CODE_ALPHABET.includes(char))
	);
}

/** The hash an event carries for its code (salted with the event's id). */
export async function hashCheckInCode(eventId: string, code: string): Promise<string> {
	const encoder = new TextEncoder();
	const key = await crypto.subtle.importKey(
		'raw',
		encoder.encode(normaliseCheckInCode(code)),
		'PBKDF2',
		false,
		['deriveBits']
	);
	const bits = await crypto.subtle.deriveBits(
		{
			name: 'PBKDF2',
			hash: 'SHA-256',
			salt: encoder.encode(`gather-self-check-in:${eventId}`),
			iterations: ITERATIONS
		},
		key,
		256
	);
	return toBase64Url(new Uint8Array(bits));
}

/** Whether `input` is the event's code, checked against its hash (offline). */
export async function matchesCheckInCode(
	event: { id: string; checkInCodeHash: string | null },
	input: string
): Promise<boolean> {
	const code = normaliseCheckInCode(input);
	if (!event.checkInCodeHash || !isCheckInCodeShaped(code)) return false;
	return (await hashCheckInCode(event.id, code)) === event.checkInCodeHash;
}
