/**
 * Builders for device specs: people, events and registrations as the server sends them
 * (version 1), a real Ed25519 key per event, and tickets signed with it as the server signs
 * them.
 */
import { getPublicKeyAsync, signAsync, utils } from '@noble/ed25519';
import {
	DEFAULT_PRIVACY,
	type GatherEvent,
	type Person,
	type Registration
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { EMPTY_PERSONAL_FIELDS } from '$lib/domain/privacy';
import {
	encodeTicket,
	ticketMessage,
	ticketWindow,
	toBase64Url,
	type TicketClaims
} from '$lib/domain/tickets';

export function personRow(fields: Partial<Person> = {}): Person {
	return {
		id: newId(),
		displayName: 'Someone',
		...EMPTY_PERSONAL_FIELDS,
		privacy: DEFAULT_PRIVACY,
		roles: ['member'],
		status: 'active',
		mergedInto: null,
		fieldClocks: {},
		createdAt: new Date().toISOString(),
		version: 1,
		...fields
	};
}

/** A community event happening now (an hour each side), run by `organizerIds`. */
export function eventRow(organizerIds: string[], fields: Partial<GatherEvent> = {}): GatherEvent {
	const now = Date.now();
	return {
		id: newId(),
		title: 'Localization sprint',
		description: '',
		startsAt: new Date(now - 3600_000).toISOString(),
		endsAt: new Date(now + 3600_000).toISOString(),
		timezone: 'UTC',
		venue: 'Community space',
		address: null,
		onlineLink: null,
		area: null,
		capacity: null,
		visibility: 'community',
		organizerIds,
		doorIds: [],
		cancelled: false,
		reportNotes: '',
		photosLink: null,
		publicKey: null,
		checkInCode: null,
		checkInCodeHash: null,
		createdAt: new Date(now - 86400_000).toISOString(),
		version: 1,
		...fields
	};
}

export function registrationRow(
	eventId: string,
	personId: string,
	fields: Partial<Registration> = {}
): Registration {
	return {
		id: newId(),
		eventId,
		personId,
		status: 'registered',
		ticketCode: null,
		walkIn: false,
		createdAt: new Date().toISOString(),
		version: 1,
		...fields
	};
}

/** An event's key pair: the public half as events carry it, and a signer of tickets. */
export async function eventKey() {
	const secret = utils.randomSecretKey();
	const publicKey = toBase64Url(await getPublicKeyAsync(secret));
	return {
		publicKey,
		/** A ticket for a registration, valid in the event's window unless told otherwise. */
		async ticket(
			event: Pick<GatherEvent, 'id' | 'startsAt' | 'endsAt'>,
			registration: Pick<Registration, 'id' | 'personId'>,
			window: Partial<Pick<TicketClaims, 'notBefore' | 'notAfter'>> = {}
		): Promise<string> {
			const claims: TicketClaims = {
				eventId: event.id,
				registrationId: registration.id,
				personId: registration.personId,
				...ticketWindow(event),
				...window
			};
			return encodeTicket(claims, await signAsync(ticketMessage(claims), secret));
		}
	};
}
