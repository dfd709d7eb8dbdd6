/**
 * The door desk: one event's attendees on this device, and the verdict for each person at the
 * door (a scanned ticket, a name picked from search, a walk-in), committed as a check-in.
 *
 * Everything a verdict needs is held in memory (registrations, names, check-ins of the event),
 * so a scan is the signature check plus one write, and a search is a scan of folded names: at
 * 10,000 attendees a query that read IndexedDB would cost tens of milliseconds (see
 * directory.ts). Kept fresh the way the directory is: Dexie's `storagemutated` names the keys
 * every committed write touched (a pull, another tab's scan), and only those rows are read
 * again.
 *
 * A ticket whose signature holds but whose registration has not reached this device is
 * admitted (`unsynced`): the signature proves the server issued it, and a door that turns
 * people away because its download was late is the complaint this answers. A registration
 * this device knows is cancelled or revoked is refused: that is the revocation list.
 */
import Dexie, { type ObservabilitySet } from 'dexie';
import { foldText, queryWords, searchWords } from '$lib/domain/directory';
import type {
	Admission,
	CheckIn,
	GatherEvent,
	Registration,
	RegistrationStatus
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { verifyTicket, type TicketProblem } from '$lib/domain/tickets';
import type { GatherDatabase } from './db';
import { sortNameOf } from './directory';
import { touchedKeys } from './storage-changes';

export interface Attendee {
	personId: string;
	registrationId: string;
	name: string;
	email: string | null;
	status: RegistrationStatus;
	walkIn: boolean;
	checkIn: CheckIn | null;
}

export type Verdict =
	/** Admitted now (committed). `unsynced`: a valid ticket whose registration is not here yet. */
	| { kind: 'welcome'; attendee: Attendee; unsynced: boolean }
	| { kind: 'already'; attendee: Attendee; admission: Admission; recorderName: string }
	| { kind: 'revoked' | 'cancelled' | 'waitlisted' | 'not_registered'; attendee: Attendee | null }
	| { kind: TicketProblem | 'no_key' | 'event_cancelled' };

export interface DoorCounts {
	checkedIn: number;
	registered: number;
	waitlisted: number;
	walkIns: number;
	capacity: number | null;
}

export interface DoorOptions {
	/** Writes through the mutation registry (app.mutate). */
	mutate: <Name extends MutationName>(name: Name, args: MutationInput<Name>) => Promise<unknown>;
	/** The name the door gave this device ("Door 2"). */
	deviceName: () => string;
	/** The clock tickets are checked against (milliseconds); Date.now by default. */
	now?: () => number;
}

/** How many people a search lists unless told. */
const DOOR_SEARCH_LIMIT = 20;

/** One registration of the event, as the desk keeps it. */
interface Entry {
	personId: string;
	registrationId: string;
	name: string;
	email: string | null;
	status: RegistrationStatus;
	walkIn: boolean;
	/** The folded name's words, ' ana garcia'. */
	nameKey: string;
	/** The folded email's words, ' ana example org', and the folded email itself. */
	emailWords: string;
	emailKey: string;
}

interface Stale {
	all: boolean;
	event: boolean;
	registrations: Set<string>;
	checkIns: Set<string>;
	people: Set<string>;
}

const freshStale = (all = false): Stale => ({
	all,
	event: false,
	registrations: new Set(),
	checkIns: new Set(),
	people: new Set()
});

function isEmpty(stale: Stale): boolean {
	return (
		!stale.all &&
		!stale.event &&
		stale.registrations.size === 0 &&
		stale.checkIns.size === 0 &&
		stale.people.size === 0
	);
}

const desks = new Set<DoorDesk>();

Dexie.on('storagemutated', (parts) => {
	for (const desk of desks) desk.noteChanges(parts);
});

export class DoorDesk {
	readonly #db: GatherDatabase;
	readonly #eventId: string;
	readonly #options: DoorOptions;
	#event: GatherEvent | null = null;
	#entries = new Map<string, Entry>();
	#byRegistration = new Map<string, string>();
	#checkIns = new Map<string, CheckIn>();
	/** Display names of people who are not attendees (recorders of admissions). */
	#names = new Map<string, string>();
	#sorted: Entry[] | null = null;
	#counts: DoorCounts | null = null;
	#stale: Stale = freshStale(true);
	#refreshing: Promise<void> | null = null;
	#scheduled = false;
	/** Verdicts one at a time: a hardware scanner can send the same code twice in a row. */
	#queue: Promise<unknown> = Promise.resolve();
	#listeners = new Set<() => void>();
	#closed = false;

	private constructor(db: GatherDatabase, eventId: string, options: DoorOptions) {
		this.#db = db;
		this.#eventId = eventId;
		this.#options = options;
	}

	/** The desk for one event, with its attendees read (everyone, once). */
	static async open(db: GatherDatabase, eventId: string, options: DoorOptions): Promise<DoorDesk> {
		const desk = new DoorDesk(db, eventId, options);
		// Listening before reading: a write committed during the first read is read again.
		desks.add(desk);
		await desk.refresh();
		// Sorted now rather than on the first search, which the door would wait for.
		desk.#ordered();
		return desk;
	}

	/** The event as this device holds it (null until it synced). */
	get event(): GatherEvent | null {
		return this.#event;
	}

	/** How many attendees this device holds (the download is ready when it is the server's). */
	get size(): number {
		return this.#entries.size;
	}

	get counts(): DoorCounts {
		if (this.#counts) return this.#counts;
		const counts: DoorCounts = {
			checkedIn: this.#checkIns.size,
			registered: 0,
			waitlisted: 0,
			walkIns: 0,
			capacity: this.#event?.capacity ?? null
		};
		for (const entry of this.#entries.values()) {
			if (entry.status === 'registered') counts.registered += 1;
			if (entry.status === 'waitlisted') counts.waitlisted += 1;
			if (entry.walkIn && entry.status === 'registered') counts.walkIns += 1;
		}
		this.#counts = counts;
		return counts;
	}

	subscribe(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		this.#closed = true;
		desks.delete(this);
		this.#listeners.clear();
	}

	/** The attendee with this person id, if registered here. */
	attendee(personId: string): Attendee | null {
		const entry = this.#entries.get(personId);
		return entry ? this.#view(entry) : null;
	}

	/** A scanned text: verify the ticket, look the person up, admit them if they may come in. */
	scan(text: string): Promise<Verdict> {
		return this.#serially(async () => {
			await this.refresh();
			const event = this.#event;
			if (event?.cancelled) return { kind: 'event_cancelled' };
			const publicKey = event?.publicKey ?? null;
			const check = await verifyTicket(text, { id: this.#eventId, publicKey }, this.#now());
			// Without the event's key nothing verifies: a ticket is then not "forged", just unknown.
			if (!check.ok)
				return { kind: check.problem === 'forged' && !publicKey ? 'no_key' : check.problem };
			const { registrationId, personId } = check.claims;
			const entry =
				this.#entries.get(this.#byRegistration.get(registrationId) ?? '') ??
				this.#entries.get(personId);
			if (entry) return this.#decide(entry, 'scan', false);
			return this.#admitUnsynced(personId, registrationId);
		});
	}

	/** Someone picked from search. A waitlisted person comes in only when told `anyway`. */
	admit(personId: string, options: { anyway?: boolean } = {}): Promise<Verdict> {
		return this.#serially(async () => {
			await this.refresh();
			if (this.#event?.cancelled) return { kind: 'event_cancelled' };
			const entry = this.#entries.get(personId);
			if (!entry) return { kind: 'not_registered', attendee: null };
			return this.#decide(entry, 'search', options.anyway ?? false);
		});
	}

	/** Register and admit someone at the door (a new person, or the one owning the email). */
	walkIn(input: { displayName: string; email: string | null }): Promise<Verdict> {
		return this.#serially(async () => {
			await this.refresh();
			if (this.#event?.cancelled) return { kind: 'event_cancelled' };
			const personId = newId();
			await this.#options.mutate('checkin.walkIn', {
				eventId: this.#eventId,
				personId,
				registrationId: newId(),
				displayName: input.displayName,
				email: input.email,
				checkedInAt: this.#checkedInAt(),
				deviceName: this.#options.deviceName()
			});
			const made = await this.#db.people.get(personId);
			const target = made?.status === 'merged' && made.mergedInto ? made.mergedInto : personId;
			await this.#reload(target);
			const entry = this.#entries.get(target);
			if (!entry) return { kind: 'not_registered', attendee: null };
			return { kind: 'welcome', attendee: this.#view(entry), unsynced: false };
		});
	}

	/** Take back this device's admission of a person (within UNDO_CHECK_IN_MS of it). */
	undo(personId: string): Promise<void> {
		return this.#serially(async () => {
			await this.#options.mutate('checkin.undo', { eventId: this.#eventId, personId });
			await this.#reload(personId);
		});
	}

	/**
	 * Attendees by name or email, case and accents ignored: names beginning with the query
	 * first, then names with its words anywhere, then emails; alphabetical within each.
	 */
	search(query: string, limit = DOOR_SEARCH_LIMIT): Attendee[] {
		const sorted = this.#ordered();
		const words = queryWords(query);
		if (words.length === 0) return sorted.slice(0, limit).map((entry) => this.#view(entry));
		const begins = ` ${words.join(' ')}`;
		const spaced = words.map((word) => ` ${word}`);
		const email = query.includes('@') ? foldText(query.trim()) : null;
		const tiers: [Entry[], Entry[], Entry[]] = [[], [], []];
		for (const entry of sorted) {
			if (entry.nameKey.startsWith(begins)) tiers[0].push(entry);
			else if (tiers[0].length + tiers[1].length >= limit) continue;
			else if (spaced.every((word) => entry.nameKey.includes(word))) tiers[1].push(entry);
			else if (tiers[0].length + tiers[1].length + tiers[2].length >= limit) continue;
			else if (
				email
					? entry.emailKey.startsWith(email)
					: spaced.every((word) => entry.nameKey.includes(word) || entry.emailWords.includes(word))
			)
				tiers[2].push(entry);
			if (tiers[0].length >= limit) break;
		}
		return tiers
			.flat()
			.slice(0, limit)
			.map((entry) => this.#view(entry));
	}

	/** Take note of a committed write (storagemutated); what it touched is read again. */
	noteChanges(parts: ObservabilitySet): void {
		const stale = this.#stale;
		const keys = (table: string, add: (key: unknown) => void) => {
			const touched = touchedKeys(parts, this.#db.name, table);
			if (touched === 'all') stale.all = true;
			else touched.forEach(add);
		};
		keys('events', (key) => {
			if (key === this.#eventId) stale.event = true;
		});
		keys('registrations', (key) => stale.registrations.add(key as string));
		keys('checkIns', (key) => {
			const [eventId, personId] = key as [string, string];
			if (eventId === this.#eventId) stale.checkIns.add(personId);
		});
		keys('people', (key) => {
			const id = key as string;
			if (this.#entries.has(id) || this.#names.has(id)) stale.people.add(id);
		});
		if (isEmpty(stale) || this.#scheduled) return;
		this.#scheduled = true;
		queueMicrotask(() => {
			this.#scheduled = false;
			if (!this.#closed) void this.refresh().catch(() => undefined);
		});
	}

	/** Read what changed since the last call (everything, the first time). */
	async refresh(): Promise<void> {
		while (this.#refreshing) await this.#refreshing;
		if (isEmpty(this.#stale)) return;
		this.#refreshing = this.#readStale();
		try {
			await this.#refreshing;
		} finally {
			this.#refreshing = null;
		}
		this.#changed();
	}

	async #readStale(): Promise<void> {
		// Writes committed meanwhile are noted again and read by the next turn.
		for (let stale = this.#stale; !isEmpty(stale); stale = this.#stale) {
			this.#stale = freshStale();
			if (stale.all) await this.#readAll();
			else await this.#readSome(stale);
		}
	}

	async #readAll(): Promise<void> {
		const db = this.#db;
		const [event, registrations, checkIns] = await Promise.all([
			db.events.get(this.#eventId),
			db.registrations.where('eventId').equals(this.#eventId).toArray(),
			db.checkIns.where('eventId').equals(this.#eventId).toArray()
		]);
		this.#event = event ?? null;
		this.#entries = new Map();
		this.#byRegistration = new Map();
		this.#checkIns = new Map(checkIns.map((row) => [row.personId, row]));
		this.#names = new Map();
		this.#sorted = null;
		await this.#putRegistrations(registrations);
		await this.#readRecorders(checkIns);
	}

	async #readSome(stale: Stale): Promise<void> {
		const db = this.#db;
		const registrationIds = [...stale.registrations];
		const checkInIds = [...stale.checkIns];
		const [event, registrations, checkIns] = await Promise.all([
			stale.event ? db.events.get(this.#eventId) : undefined,
			db.registrations.bulkGet(registrationIds),
			db.checkIns.bulkGet(checkInIds.map((personId): [string, string] => [this.#eventId, personId]))
		]);
		if (stale.event) this.#event = event ?? null;
		const mine: Registration[] = [];
		registrationIds.forEach((id, index) => {
			const row = registrations[index];
			if (row?.eventId === this.#eventId) mine.push(row);
			else this.#dropRegistration(id);
		});
		checkInIds.forEach((personId, index) => {
			const row = checkIns[index];
			if (row) this.#checkIns.set(personId, row);
			else this.#checkIns.delete(personId);
		});
		await this.#putRegistrations(mine);
		await this.#readRecorders(checkIns.filter((row): row is CheckIn => row !== undefined));
		const read = new Set(mine.map((row) => row.personId));
		const people = [...stale.people].filter((id) => !read.has(id));
		if (people.length > 0) {
			const rows = await db.people.bulkGet(people);
			people.forEach((id, index) => {
				const entry = this.#entries.get(id);
				const name = rows[index]?.displayName ?? '';
				if (entry) this.#entries.set(id, this.#entry(entry, name, rows[index]?.email ?? null));
				this.#sorted = null;
				if (this.#names.has(id)) this.#names.set(id, name);
			});
		}
	}

	/** Read one person again right after this desk wrote for them (no waiting for the notice). */
	async #reload(personId: string): Promise<void> {
		const [registration, checkIn] = await Promise.all([
			this.#db.registrations.where('[eventId+personId]').equals([this.#eventId, personId]).first(),
			this.#db.checkIns.get([this.#eventId, personId])
		]);
		if (registration) await this.#putRegistrations([registration]);
		if (checkIn) this.#checkIns.set(personId, checkIn);
		else this.#checkIns.delete(personId);
		this.#changed();
	}

	async #putRegistrations(rows: Registration[]): Promise<void> {
		// A registration already held keeps its person's name (a renamed person arrives by a
		// notice of their own), so re-reading one after a scan reads no person and keeps the
		// search order.
		const fresh = rows.filter((row) => this.#entries.get(row.personId)?.registrationId !== row.id);
		const people =
			fresh.length > 0 ? await this.#db.people.bulkGet(fresh.map((row) => row.personId)) : [];
		const named = new Map(fresh.map((row, index) => [row.id, people[index]]));
		for (const row of rows) {
			const held = this.#entries.get(row.personId);
			if (held?.registrationId === row.id) {
				held.status = row.status;
				held.walkIn = row.walkIn;
				continue;
			}
			this.#dropRegistration(row.id);
			const person = named.get(row.id);
			this.#byRegistration.set(row.id, row.personId);
			this.#entries.set(
				row.personId,
				this.#entry(
					{
						personId: row.personId,
						registrationId: row.id,
						status: row.status,
						walkIn: row.walkIn
					},
					person?.displayName ?? '',
					person?.email ?? null
				)
			);
			this.#sorted = null;
		}
	}

	#entry(
		base: Pick<Entry, 'personId' | 'registrationId' | 'status' | 'walkIn'>,
		name: string,
		email: string | null
	): Entry {
		return {
			personId: base.personId,
			registrationId: base.registrationId,
			status: base.status,
			walkIn: base.walkIn,
			name,
			email,
			nameKey: sortNameOf(name),
			emailWords: email ? ` ${searchWords(email).join(' ')}` : '',
			emailKey: email ? foldText(email) : ''
		};
	}

	#dropRegistration(id: string): void {
		const personId = this.#byRegistration.get(id);
		if (personId === undefined) return;
		this.#byRegistration.delete(id);
		this.#sorted = null;
		if (this.#entries.get(personId)?.registrationId === id) this.#entries.delete(personId);
	}

	/** The names of whoever recorded these check-ins and is not an attendee. */
	async #readRecorders(checkIns: CheckIn[]): Promise<void> {
		const ids = new Set<string>();
		for (const checkIn of checkIns)
			for (const admission of checkIn.admissions)
				if (!this.#entries.has(admission.recordedBy) && !this.#names.has(admission.recordedBy))
					ids.add(admission.recordedBy);
		if (ids.size === 0) return;
		const list = [...ids];
		const people = await this.#db.people.bulkGet(list);
		list.forEach((id, index) => this.#names.set(id, people[index]?.displayName ?? ''));
	}

	async #decide(entry: Entry, method: 'scan' | 'search', anyway: boolean): Promise<Verdict> {
		const attendee = this.#view(entry);
		if (entry.status === 'revoked' || entry.status === 'cancelled')
			return { kind: entry.status, attendee };
		const checkIn = this.#checkIns.get(entry.personId);
		if (checkIn) return this.#already(attendee, checkIn);
		if (entry.status === 'waitlisted' && !anyway) return { kind: 'waitlisted', attendee };
		await this.#record(entry.personId, method);
		return {
			kind: 'welcome',
			attendee: this.#view(this.#entries.get(entry.personId) ?? entry),
			unsynced: false
		};
	}

	async #admitUnsynced(personId: string, registrationId: string): Promise<Verdict> {
		const person = await this.#db.people.get(personId);
		const attendee: Attendee = {
			personId,
			registrationId,
			name: person?.displayName ?? '',
			email: person?.email ?? null,
			status: 'registered',
			walkIn: false,
			checkIn: this.#checkIns.get(personId) ?? null
		};
		if (attendee.checkIn) return this.#already(attendee, attendee.checkIn);
		await this.#record(personId, 'scan');
		return {
			kind: 'welcome',
			attendee: { ...attendee, checkIn: this.#checkIns.get(personId) ?? null },
			unsynced: true
		};
	}

	async #already(attendee: Attendee, checkIn: CheckIn): Promise<Verdict> {
		const [admission] = checkIn.admissions;
		let recorderName =
			this.#entries.get(admission.recordedBy)?.name ?? this.#names.get(admission.recordedBy);
		if (recorderName === undefined) {
			recorderName = (await this.#db.people.get(admission.recordedBy))?.displayName ?? '';
			this.#names.set(admission.recordedBy, recorderName);
		}
		return { kind: 'already', attendee, admission, recorderName };
	}

	async #record(personId: string, method: 'scan' | 'search'): Promise<void> {
		await this.#options.mutate('checkin.record', {
			eventId: this.#eventId,
			personId,
			checkedInAt: this.#checkedInAt(),
			deviceName: this.#options.deviceName(),
			method
		});
		await this.#reload(personId);
	}

	/** Now, never after the write's own clock (the mutation refuses a check-in from the future). */
	#checkedInAt(): string {
		return new Date(Math.min(this.#now(), Date.now())).toISOString();
	}

	#now(): number {
		return this.#options.now?.() ?? Date.now();
	}

	#view(entry: Entry): Attendee {
		return {
			personId: entry.personId,
			registrationId: entry.registrationId,
			name: entry.name,
			email: entry.email,
			status: entry.status,
			walkIn: entry.walkIn,
			checkIn: this.#checkIns.get(entry.personId) ?? null
		};
	}

	#ordered(): Entry[] {
		this.#sorted ??= [...this.#entries.values()].sort((a, b) =>
			a.nameKey !== b.nameKey ? (a.nameKey < b.nameKey ? -1 : 1) : a.personId < b.personId ? -1 : 1
		);
		return this.#sorted;
	}

	/** Counts and listeners after any change; the search order is dropped where names change. */
	#changed(): void {
		this.#counts = null;
		for (const listener of this.#listeners) listener();
	}

	#serially<T>(work: () => Promise<T>): Promise<T> {
		const result = this.#queue.then(work);
		this.#queue = result.catch(() => undefined);
		return result;
	}
}
