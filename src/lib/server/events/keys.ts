/**
 * Each event's secrets, made by the server the first time it holds the event: the Ed25519 key
 * pair that signs its tickets (the private half stays in event_keys, the public half travels
 * with the event so any device verifies offline) and the self check-in code shown at the venue
 * (its PBKDF2 hash travels with the event, the code only to its door staff: rows.ts toEvent).
 */
import { createPrivateKey, generateKeyPairSync, randomInt, sign } from 'node:crypto';
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
	const { publicKey } = await eventSecrets(tx, eventId, version);
	return { publicKey };
}

/** ensureEventSecrets, answering the private key's JWK half (`d`) as well. */
async function eventSecrets(
	tx: Transaction,
	eventId: string,
	version: number | undefined
): Promise<{ publicKey: string; privateKey: string }> {
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
		.select({ privateKey: eventKeys.privateKey })
		.from(eventKeys)
		.where(eq(eventKeys.eventId, eventId));
	let publicKey = event.publicKey;
	let privateKey = key?.privateKey;
	const changes: Partial<typeof events.$inferInsert> = {};
	if (!privateKey || !publicKey) {
		const pair = generateKeyPairSync('ed25519');
		const jwk = pair.privateKey.export({ format: 'jwk' });
		if (!jwk.d || !jwk.x) throw new Error('Ed25519 JWK export without d or x');
		await tx
			.insert(eventKeys)
			.values({ eventId, privateKey: jwk.d })
			.onConflictDoUpdate({ target: eventKeys.eventId, set: { privateKey: jwk.d } });
		publicKey = jwk.x;
		privateKey = jwk.d;
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
	return { publicKey, privateKey };
}

/** Signs one registration's ticket (the QR payload). */
export type TicketSigner = (registration: { id: string; personId: string }) => string;

/**
 * The signer of an event's tickets, valid in its window (domain/tickets.ts): the private key
 * is read and imported once, however many tickets follow (a re-issue, a seeded event). An
 * event without secrets gets them first (ensureEventSecrets, with `version`).
 */
export async function ticketSigner(
	tx: Transaction,
	event: { id: string; startsAt: Date; endsAt: Date },
	version?: number
): Promise<TicketSigner> {
	const { publicKey, privateKey } = await eventSecrets(tx, event.id, version);
	const key = createPrivateKey({
		key: { kty: 'OKP', crv: 'Ed25519', d: privateKey, x: publicKey },
		format: 'jwk'
	});
	const window = ticketWindow({
		startsAt: event.startsAt.toISOString(),
		endsAt: event.endsAt.toISOString()
	});
	return (registration) => {
		const claims: TicketClaims = {
			eventId: event.id,
			registrationId: registration.id,
			personId: registration.personId,
			...window
		};
		return encodeTicket(claims, new Uint8Array(sign(null, ticketMessage(claims), key)));
	};
}
