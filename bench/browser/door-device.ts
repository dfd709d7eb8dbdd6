/**
 * Issue 5, at the door, in Chromium with real IndexedDB: with 10,000 attendees on the device,
 * a scanned QR payload to its verdict (signature, lookup and the committed check-in, through
 * DoorDesk and runMutation) and a name search, beside what each rests on (the signature check
 * alone; reading a page of rows by id).
 */
import Dexie from 'dexie';
import { GatherDatabase } from '$lib/client/db';
import { DoorDesk } from '$lib/client/door';
import { runMutation } from '$lib/client/mutations';
import { eventKey, eventRow, registrationRow } from '$lib/client/testing/events';
import type { Actor } from '$lib/domain/actor';
import type { Registration } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { verifyTicket } from '$lib/domain/tickets';
import { community } from './directory';

/** What the door is searched for: names begun, whole names, accents, emails, nobody. */
export const DOOR_QUERIES = [
	'm',
	'ma',
	'mar',
	'maria',
	'maria gar',
	'garcia',
	'lucia',
	'Lucía',
	'sofia mart',
	'ayse',
	'nguyen',
	'kenji wat',
	'el idrissi',
	'wisniewski',
	'zz',
	'attendee12',
	'attendee4567@exa'
];

export interface DoorDeviceResult {
	attendees: number;
	/** Storing them (people, then registrations): bulkPut in pages of 1,000. */
	storeMs: number;
	/** DoorDesk.open: every registration, name and check-in of the event read once. */
	openMs: number;
	/** Scans of a valid ticket not yet admitted: verification, lookup, commit (welcome). */
	welcome: number[];
	/** A second scan of an admitted ticket (already, with the recorder's name). */
	already: number[];
	/** A revoked ticket (refused from the revocation list). */
	revoked: number[];
	/** verifyTicket alone over the same tickets. */
	verify: number[];
	search: { query: string; ms: number; found: number }[];
	/** A page of 20 registrations read by id (bulkGet). */
	floor: number[];
}

export async function doorDevice(attendees: number, scans: number): Promise<DoorDeviceResult> {
	const name = `bench-door-${crypto.randomUUID()}`;
	const db = new GatherDatabase(name);
	await db.open();
	let desk: DoorDesk | null = null;
	try {
		const organizer: Actor = { personId: newId(), roles: ['member', 'organizer'] };
		const key = await eventKey();
		const now = Date.now();
		const event = eventRow([organizer.personId], {
			title: 'Community summit',
			endsAt: new Date(now + 6 * 3600_000).toISOString(),
			venue: 'Main hall',
			area: 'events',
			capacity: attendees + 500,
			publicKey: key.publicKey,
			checkInCode: 'ABC234'
		});
		const people = community(attendees).map((person, index) => ({
			...person,
			status: 'active' as const,
			email: `attendee${index}@example.org`
		}));
		// Every 50th ticket revoked: the revocation list the door holds.
		const registrations: Registration[] = people.map((person, index) =>
			registrationRow(event.id, person.id, {
				status: index % 50 === 7 ? 'revoked' : 'registered',
				createdAt: person.createdAt,
				version: 2
			})
		);
		const started = performance.now();
		await db.events.put(event);
		for (let start = 0; start < attendees; start += 1000) {
			await db.people.bulkPut(people.slice(start, start + 1000));
			await db.registrations.bulkPut(registrations.slice(start, start + 1000));
		}
		await db.people.put({ ...people[0], id: organizer.personId, displayName: 'Door Keeper' });
		const storeMs = performance.now() - started;

		const ticket = (registration: Registration) => key.ticket(event, registration);
		// Spread over the list, so lookups do not hit neighbours.
		const step = Math.max(1, Math.floor(attendees / (scans + 20)));
		const admitted: string[] = [];
		const refused: string[] = [];
		for (let index = 0; admitted.length < scans + 10 && index < attendees; index += step) {
			const registration = registrations[index];
			if (registration.status === 'revoked') continue;
			admitted.push(await ticket(registration));
		}
		for (const registration of registrations.filter((row) => row.status === 'revoked').slice(0, 30))
			refused.push(await ticket(registration));

		const opening = performance.now();
		desk = await DoorDesk.open(db, event.id, {
			mutate: async <Name extends MutationName>(mutation: Name, args: MutationInput<Name>) => {
				await runMutation(db, organizer, mutation, args);
			},
			deviceName: () => 'Door 1'
		});
		const openMs = performance.now() - opening;

		const result: DoorDeviceResult = {
			attendees,
			storeMs,
			openMs,
			welcome: [],
			already: [],
			revoked: [],
			verify: [],
			search: [],
			floor: []
		};
		const time = async (code: string, expected: string, into: number[]) => {
			const begun = performance.now();
			const verdict = await desk!.scan(code);
			const elapsed = performance.now() - begun;
			if (verdict.kind !== expected)
				throw new Error(`a scan answered ${verdict.kind} where ${expected} was due`);
			into.push(elapsed);
		};
		// Warm-up: the first scans compile the code paths.
		for (const code of admitted.slice(0, 10)) await time(code, 'welcome', []);
		const measured = admitted.slice(10);
		for (const [index, code] of measured.entries()) {
			await time(code, 'welcome', result.welcome);
			// Interleaved, as at a real door: a search now and then, a double scan, a revoked one.
			if (index % 5 === 0) await time(measured[Math.max(0, index - 3)], 'already', result.already);
			if (index % 10 === 0)
				await time(refused[(index / 10) % refused.length], 'revoked', result.revoked);
			if (index % 3 === 0) {
				const query = DOOR_QUERIES[index % DOOR_QUERIES.length];
				const begun = performance.now();
				const found = desk.search(query).length;
				result.search.push({ query, ms: performance.now() - begun, found });
			}
		}
		for (const code of measured) {
			const begun = performance.now();
			await verifyTicket(code, event, Date.now());
			result.verify.push(performance.now() - begun);
		}
		for (let round = 0; round < 10; round += 1)
			for (const query of DOOR_QUERIES) {
				const begun = performance.now();
				const found = desk.search(query).length;
				result.search.push({ query, ms: performance.now() - begun, found });
			}
		for (let round = 0; round < 20; round += 1) {
			const page = Array.from(
				{ length: 20 },
				() => registrations[Math.floor(Math.random() * attendees)].id
			);
			const begun = performance.now();
			await db.registrations.bulkGet(page);
			result.floor.push(performance.now() - begun);
		}
		return result;
	} finally {
		desk?.close();
		db.close();
		await Dexie.delete(name);
	}
}
