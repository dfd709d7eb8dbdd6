/**
 * Tickets: the compact signed payload in an attendee's QR code, and its offline verification.
 *
 *   GT1.<base64url of 120 bytes>
 *   bytes  0–15  event id            16–31  registration (ticket) id   32–47  person id
 *         48–51  not before (unix s) 52–55  not after (unix s)         56–119 Ed25519 signature
 *
 * The signature covers bytes 0–55. The server signs with the event's private key (never
 * leaves it: server/events/keys.ts); any device holding the event (its `publicKey`) verifies
 * offline with @noble/ed25519. A ticket says nothing about revocation: the door also looks up
 * the registration (cancelled and revoked ones sync to door devices).
 */
import { verifyAsync } from '@noble/ed25519';

export const TICKET_PREFIX = 'GT1.';
const CLAIMS_LENGTH = 56;
const SIGNATURE_LENGTH = 64;
const TICKET_LENGTH = CLAIMS_LENGTH + SIGNATURE_LENGTH;

/** Doors open this long before the event starts, and tickets stay valid this long after it ends. */
export const TICKET_OPENS_BEFORE_MS = 12 * 3600 * 1000;
export const TICKET_CLOSES_AFTER_MS = 12 * 3600 * 1000;

export interface TicketClaims {
	eventId: string;
	registrationId: string;
	personId: string;
	/** Unix seconds. */
	notBefore: number;
	notAfter: number;
}

/** When a ticket for an event is valid, in unix seconds. */
export function ticketWindow(event: { startsAt: string; endsAt: string }): {
	notBefore: number;
	notAfter: number;
} {
	return {
		notBefore: Math.floor((Date.parse(event.startsAt) - TICKET_OPENS_BEFORE_MS) / 1000),
		notAfter: Math.ceil((Date.parse(event.endsAt) + TICKET_CLOSES_AFTER_MS) / 1000)
	};
}

/** Whether `millis` falls in an event's check-in window (the same as its tickets'). */
export function windowState(
	event: { startsAt: string; endsAt: string },
	millis: number
): 'open' | 'not_yet' | 'over' {
	const { notBefore, notAfter } = ticketWindow(event);
	if (millis < notBefore * 1000) return 'not_yet';
	if (millis > notAfter * 1000) return 'over';
	return 'open';
}

type EventTimes = { startsAt: string; endsAt: string; cancelled: boolean };

/**
 * People register (or are put on the waiting list) until the event ends, unless it was
 * cancelled. Decided at the write's own time, so a registration made offline before the end
 * stands when it syncs later.
 */
export function registrationOpen(event: EventTimes, millis: number): boolean {
	return !event.cancelled && millis < Date.parse(event.endsAt);
}

/** Attendees check themselves in while the doors are open: the tickets' window. */
export function selfCheckInOpen(event: EventTimes, millis: number): boolean {
	return !event.cancelled && windowState(event, millis) === 'open';
}

/** The bytes the event's key signs. */
export function ticketMessage(claims: TicketClaims): Uint8Array {
	const bytes = new Uint8Array(CLAIMS_LENGTH);
	bytes.set(uuidBytes(claims.eventId), 0);
	bytes.set(uuidBytes(claims.registrationId), 16);
	bytes.set(uuidBytes(claims.personId), 32);
	const view = new DataView(bytes.buffer);
	view.setUint32(48, claims.notBefore);
	view.setUint32(52, claims.notAfter);
	return bytes;
}

export function encodeTicket(claims: TicketClaims, signature: Uint8Array): string {
	if (signature.length !== SIGNATURE_LENGTH) throw new Error('an Ed25519 signature is 64 bytes');
	const bytes = new Uint8Array(TICKET_LENGTH);
	bytes.set(ticketMessage(claims), 0);
	bytes.set(signature, CLAIMS_LENGTH);
	return TICKET_PREFIX + toBase64Url(bytes);
}

export interface DecodedTicket {
	claims: TicketClaims;
	message: Uint8Array;
	signature: Uint8Array;
}

/** Read a scanned text as a ticket; null when it is not one (wrong prefix, length, alphabet). */
export function decodeTicket(scanned: string): DecodedTicket | null {
	const trimmed = scanned.trim();
	if (!trimmed.startsWith(TICKET_PREFIX)) return null;
	const bytes = fromBase64Url(trimmed.slice(TICKET_PREFIX.length));
	if (!bytes || bytes.length !== TICKET_LENGTH) return null;
	const message = bytes.slice(0, CLAIMS_LENGTH);
	const view = new DataView(message.buffer);
	return {
		claims: {
			eventId: uuidText(message.subarray(0, 16)),
			registrationId: uuidText(message.subarray(16, 32)),
			personId: uuidText(message.subarray(32, 48)),
			notBefore: view.getUint32(48),
			notAfter: view.getUint32(52)
		},
		message,
		signature: bytes.slice(CLAIMS_LENGTH)
	};
}

export type TicketProblem = 'unreadable' | 'other_event' | 'forged' | 'not_yet_valid' | 'expired';
export type TicketCheck =
	| { ok: true; claims: TicketClaims }
	| { ok: false; problem: TicketProblem; claims: TicketClaims | null };

/**
 * Check a scanned ticket against the event at this door: readable, for this event, signed by
 * its key, inside its validity window. Revocation and earlier check-ins are the caller's
 * lookups. An event whose key has not reached this device yet cannot verify anything: every
 * ticket is then `forged` as far as this device can tell, so callers check `publicKey` first.
 */
export async function verifyTicket(
	scanned: string,
	event: { id: string; publicKey: string | null },
	nowMillis: number
): Promise<TicketCheck> {
	const ticket = decodeTicket(scanned);
	if (!ticket) return { ok: false, problem: 'unreadable', claims: null };
	const { claims } = ticket;
	if (claims.eventId !== event.id) return { ok: false, problem: 'other_event', claims };
	const publicKey = event.publicKey ? fromBase64Url(event.publicKey) : null;
	if (!publicKey || publicKey.length !== 32) return { ok: false, problem: 'forged', claims };
	let valid: boolean;
	try {
		valid = await verifyAsync(ticket.signature, ticket.message, publicKey);
	} catch {
		valid = false; // a malformed signature point
	}
	if (!valid) return { ok: false, problem: 'forged', claims };
	if (nowMillis < claims.notBefore * 1000) return { ok: false, problem: 'not_yet_valid', claims };
	if (nowMillis > claims.notAfter * 1000) return { ok: false, problem: 'expired', claims };
	return { ok: true, claims };
}

function uuidBytes(uuid: string): Uint8Array {
	const hex = uuid.replace(/-/g, '');
	if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${uuid}`);
	const bytes = new Uint8Array(16);
	for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

function uuidText(bytes: Uint8Array): string {
	const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
		return Uint8Array.from(binary, (char) => char.charCodeAt(0));
	} catch {
		return null;
	}
}
