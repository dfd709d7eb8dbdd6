/**
 * Each event's secrets, made by the server the first time it holds the event: the Ed25519 key
 * pair that signs its tickets (the private half stays in event_keys, the public half travels
 * with the event so any device verifies offline) and the self check-in code shown at the venue
 * (its PBKDF2 hash travels with the event, the code only to its door staff: rows.ts toEvent).
 */
import {
	createPrivateKey,
	generateKeyPairSync,
	randomInt,
	sign,
	type KeyObject
} from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
	CHECK_IN_CODE_ALPHABET,
	CHECK_IN_CODE_LENGTH,
	hashCheckInCode
} from '$lib/domain/self-check-in';
import { encodeTicket, ticketMessage, ticketWindow, type TicketClaims } from '$lib/domain/tickets';
import type { Transaction } from '$lib/server/db';
import { eventKeys, events } from '$lib/server/db/schema';

/** A new self check-in code: uniformly drawn from the unambiguous alphabet. */
export function newCheckInCode(): string {
	let code = '';
	for (let i = 0; i < CHECK_IN_CODE_LENGTH; i++)
		code += CHECK_IN_CODE_ALPHABET[randomInt(CHECK_IN_CODE_ALPHABET.length)];
	return code;
}

/**
 * Give the event its key pair and check-in code if it has none yet (idempotent: an event that
 * has them keeps them). `version` re-stamps the event when something was made, so devices
 * receive the new public key; callers that write the event row in the same transaction (and
 * stamp it themselves) may leave it out. Returns the event's public key.
 */
export async function ensureEventSecrets(
	tx: Transaction,
	eventId: string,
	version?: number
): Promise<{ publicKey: string }> {
	const [event] = await tx
		.select({
			publicKey: events.publicKey,
			checkInCode: events.checkInCode,
			checkInCodeHash: events.checkInCodeHash
		})
		.from(events)
		.where(eq(events.id, eventId))
		.for('update');
	if (!event) throw new Error(`no event ${eventId}`);
	const [key] = await tx
		.select({ eventId: eventKeys.eventId })
		.from(eventKeys)
		.where(eq(eventKeys.eventId, eventId));
	let publicKey = event.publicKey;
	const changes: Partial<typeof events.$inferInsert> = {};
	if (!key || !publicKey) {
		const pair = generateKeyPairSync('ed25519');
		const jwk = pair.privateKey.export({ format: 'jwk' });
		if (!jwk.d || !jwk.x) throw new Error('Ed25519 JWK export without d or x');
		await tx
			.insert(eventKeys)
			.values({ eventId, privateKey: jwk.d })
			.onConflictDoUpdate({ target: eventKeys.eventId, set: { privateKey: jwk.d } });
		publicKey = jwk.x;
		changes.publicKey = publicKey;
	}
	if (!event.checkInCode || !event.checkInCodeHash) {
		const code = newCheckInCode();
		changes.checkInCode = code;
		changes.checkInCodeHash = await hashCheckInCode(eventId, code);
	}
	if (Object.keys(changes).length > 0)
		await tx
			.update(events)
			.set(version === undefined ? changes : { ...changes, version })
			.where(eq(events.id, eventId));
	return { publicKey };
}

/** Imported private keys, by their JWK halves: importing is the slow part of signing. */
const importedKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 256;

function privateKeyOf(d: string, x: string): KeyObject {
	const cacheKey = `${x}.${d}`;
	let key = importedKeys.get(cacheKey);
	if (!key) {
		key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d, x }, format: 'jwk' });
		if (importedKeys.size >= MAX_CACHED_KEYS) importedKeys.clear();
		importedKeys.set(cacheKey, key);
	}
	return key;
}

/**
 * The signed ticket (the QR payload) of a registration, valid in the event's window
 * (domain/tickets.ts). The event must have its secrets (ensureEventSecrets).
 */
export async function signTicket(
	tx: Transaction,
	event: { id: string; startsAt: Date; endsAt: Date },
	registration: { id: string; personId: string }
): Promise<string> {
	const [row] = await tx
		.select({ d: eventKeys.privateKey, x: events.publicKey })
		.from(eventKeys)
		.innerJoin(events, eq(events.id, eventKeys.eventId))
		.where(eq(eventKeys.eventId, event.id));
	if (!row?.x) throw new Error(`event ${event.id} has no key`);
	const claims: TicketClaims = {
		eventId: event.id,
		registrationId: registration.id,
		personId: registration.personId,
		...ticketWindow({
			startsAt: event.startsAt.toISOString(),
			endsAt: event.endsAt.toISOString()
		})
	};
	const signature = sign(null, ticketMessage(claims), privateKeyOf(row.d, row.x));
	return encodeTicket(claims, new Uint8Array(signature));
}
