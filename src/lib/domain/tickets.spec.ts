import { getPublicKeyAsync, signAsync, utils } from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import {
	decodeTicket,
	encodeTicket,
	fromBase64Url,
	registrationOpen,
	selfCheckInOpen,
	TICKET_PREFIX,
	ticketMessage,
	ticketWindow,
	toBase64Url,
	verifyTicket,
	windowState,
	type TicketClaims
} from './tickets';
import {
	CHECK_IN_CODE_LENGTH,
	hashCheckInCode,
	isCheckInCodeShaped,
	matchesCheckInCode,
	normaliseCheckInCode
} from './self-check-in';

const event = {
	id: '0190a6b2-0000-7000-8000-000000000001',
	startsAt: '2026-11-21T10:00:00.000Z',
	endsAt: '2026-11-21T18:00:00.000Z'
};
const window = ticketWindow(event);
const claims: TicketClaims = {
	eventId: event.id,
	registrationId: '0190a6b2-0000-7000-8000-0000000000aa',
	personId: '0190a6b2-0000-7000-8000-0000000000bb',
	...window
};
const during = Date.parse('2026-11-21T12:00:00Z');

async function keyPair() {
	const secret = utils.randomSecretKey();
	return { secret, publicKey: toBase64Url(await getPublicKeyAsync(secret)) };
}

async function ticketFor(secret: Uint8Array, what: TicketClaims = claims) {
	return encodeTicket(what, await signAsync(ticketMessage(what), secret));
}

describe('tickets', () => {
	it('round-trips its claims and verifies with the event key', async () => {
		const { secret, publicKey } = await keyPair();
		const ticket = await ticketFor(secret);
		expect(ticket.startsWith(TICKET_PREFIX)).toBe(true);
		expect(decodeTicket(ticket)?.claims).toEqual(claims);
		expect(await verifyTicket(ticket, { id: event.id, publicKey }, during)).toEqual({
			ok: true,
			claims
		});
	});

	it('refuses a ticket with any byte changed', async () => {
		const { secret, publicKey } = await keyPair();
		const bytes = fromBase64Url((await ticketFor(secret)).slice(TICKET_PREFIX.length))!;
		for (let index = 0; index < bytes.length; index++) {
			const tampered = bytes.slice();
			tampered[index] ^= 0x01;
			const check = await verifyTicket(
				TICKET_PREFIX + toBase64Url(tampered),
				{ id: event.id, publicKey },
				during
			);
			expect(check.ok, `byte ${index}`).toBe(false);
		}
	});

	it('refuses a ticket signed by another key as forged', async () => {
		const { secret } = await keyPair();
		const other = await keyPair();
		const check = await verifyTicket(
			await ticketFor(secret),
			{ id: event.id, publicKey: other.publicKey },
			during
		);
		expect(check).toMatchObject({ ok: false, problem: 'forged' });
	});

	it('names another event, and an event without a key cannot verify', async () => {
		const { secret, publicKey } = await keyPair();
		const ticket = await ticketFor(secret);
		const elsewhere = { id: '0190a6b2-0000-7000-8000-000000000002', publicKey };
		expect(await verifyTicket(ticket, elsewhere, during)).toMatchObject({
			problem: 'other_event'
		});
		expect(await verifyTicket(ticket, { id: event.id, publicKey: null }, during)).toMatchObject({
			problem: 'forged'
		});
	});

	it('is valid from 12 hours before the start to 12 hours after the end', async () => {
		const { secret, publicKey } = await keyPair();
		const ticket = await ticketFor(secret);
		const key = { id: event.id, publicKey };
		const opens = window.notBefore * 1000;
		const closes = window.notAfter * 1000;
		expect(opens).toBe(Date.parse(event.startsAt) - 12 * 3600_000);
		expect(closes).toBe(Date.parse(event.endsAt) + 12 * 3600_000);
		expect(await verifyTicket(ticket, key, opens - 1)).toMatchObject({ problem: 'not_yet_valid' });
		expect((await verifyTicket(ticket, key, opens)).ok).toBe(true);
		expect((await verifyTicket(ticket, key, closes)).ok).toBe(true);
		expect(await verifyTicket(ticket, key, closes + 1)).toMatchObject({ problem: 'expired' });
		expect(windowState(event, opens - 1)).toBe('not_yet');
		expect(windowState(event, during)).toBe('open');
		expect(windowState(event, closes + 1)).toBe('over');
	});

	it.each([
		['', 'empty'],
		['hello', 'no prefix'],
		['GT1.', 'no body'],
		['GT1.abc', 'too short'],
		['GT1.!!!!', 'not base64url'],
		['GT2.' + 'A'.repeat(160), 'another format']
	])('reads %j as unreadable (%s)', async (scanned) => {
		const check = await verifyTicket(scanned, { id: event.id, publicKey: null }, during);
		expect(check).toEqual({ ok: false, problem: 'unreadable', claims: null });
	});

	it('accepts the whitespace a scanner adds around the payload', async () => {
		const { secret, publicKey } = await keyPair();
		const check = await verifyTicket(
			`  ${await ticketFor(secret)}\n`,
			{ id: event.id, publicKey },
			during
		);
		expect(check.ok).toBe(true);
	});
});

describe('when people may register and check themselves in', () => {
	const open = { ...event, cancelled: false };
	const ends = Date.parse(event.endsAt);

	it('takes registrations until the event ends, never once cancelled', () => {
		expect(registrationOpen(open, ends - 1)).toBe(true);
		expect(registrationOpen(open, ends)).toBe(false);
		expect(registrationOpen({ ...open, cancelled: true }, during)).toBe(false);
	});

	it('lets attendees check themselves in inside the tickets’ window only', () => {
		expect(selfCheckInOpen(open, window.notBefore * 1000 - 1)).toBe(false);
		expect(selfCheckInOpen(open, during)).toBe(true);
		expect(selfCheckInOpen(open, ends + 3600_000)).toBe(true);
		expect(selfCheckInOpen(open, window.notAfter * 1000 + 1)).toBe(false);
		expect(selfCheckInOpen({ ...open, cancelled: true }, during)).toBe(false);
	});
});

describe('self check-in code', () => {
	it('normalises what people type and checks the shape', () => {
		expect(normaliseCheckInCode(' ab-c 234 ')).toBe('ABC234');
		expect(isCheckInCodeShaped('ABC234')).toBe(true);
		expect(isCheckInCodeShaped('ABC23')).toBe(false);
		expect(isCheckInCodeShaped('ABC230')).toBe(false); // 0 is not in the alphabet
		expect(CHECK_IN_CODE_LENGTH).toBe(6);
	});

	it('matches the right code only, salted by the event', async () => {
		const hash = await hashCheckInCode(event.id, 'ABC234');
		const held = { id: event.id, checkInCodeHash: hash };
		expect(await matchesCheckInCode(held, 'abc-234')).toBe(true);
		expect(await matchesCheckInCode(held, 'ABC235')).toBe(false);
		expect(await matchesCheckInCode({ ...held, checkInCodeHash: null }, 'ABC234')).toBe(false);
		const elsewhere = await hashCheckInCode('0190a6b2-0000-7000-8000-000000000002', 'ABC234');
		expect(elsewhere).not.toBe(hash);
	});
});
