/**
 * The device's database: a mirror of what the server lets this person see, the outbox of
 * writes not yet acknowledged, and sync metadata. One database per signed-in person, so
 * signing in as someone else on a shared phone never mixes (or loses) anyone's pending writes.
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type {
	Award,
	Badge,
	CheckIn,
	Contribution,
	GatherEvent,
	Group,
	Membership,
	Nomination,
	Person,
	Registration,
	RejectedMutation,
	TaxonomyTerm
} from '$lib/domain/entities';
import { mutations, type MutationName } from '$lib/domain/mutations';
import { effectiveTaxonomy, type Taxonomy } from '$lib/domain/taxonomy';

const MUTATION_NAMES = Object.keys(mutations) as MutationName[];

/** A local write waiting for the server. `mutationId` increases by exactly 1 per device. */
export interface OutboxEntry {
	mutationId: number;
	name: MutationName;
	args: unknown;
	hlc: string;
	createdAt: string;
}

export interface MetaValues {
	/** This browser profile's id for this person, registered with the server on first push. */
	deviceId: string;
	/** The last mutationId handed out; the next write takes this + 1. */
	mutationCounter: number;
	/** The highest mutationId the server said it processed (pushes resume after it). */
	pushedThrough: number;
	/** The server version this device has every visible row up to. */
	cursor: number;
	/** The last hybrid logical clock value used on this device. */
	hlc: string;
	/** When the last full sync (push + pull) finished, ISO. */
	lastSyncedAt: string;
	/** The name the door gave this device ("Door 2"), recorded with each check-in it makes. */
	deviceName: string;
}
export type MetaKey = keyof MetaValues;

interface MetaRow {
	key: MetaKey;
	value: MetaValues[MetaKey];
}

export class GatherDatabase extends Dexie {
	people!: EntityTable<Person, 'id'>;
	events!: EntityTable<GatherEvent, 'id'>;
	registrations!: EntityTable<Registration, 'id'>;
	checkIns!: Table<CheckIn, [string, string]>;
	contributions!: EntityTable<Contribution, 'id'>;
	badges!: EntityTable<Badge, 'id'>;
	awards!: Table<Award, [string, string]>;
	rejectedMutations!: EntityTable<RejectedMutation, 'id'>;
	groups!: EntityTable<Group, 'id'>;
	memberships!: Table<Membership, [string, string]>;
	taxonomyTerms!: Table<TaxonomyTerm, [string, string]>;
	nominations!: EntityTable<Nomination, 'id'>;
	outbox!: EntityTable<OutboxEntry, 'mutationId'>;
	meta!: Table<MetaRow, MetaKey>;

	constructor(name: string) {
		super(name);
		this.version(1).stores({
			people: 'id',
			events: 'id, startsAt',
			registrations: 'id, eventId, personId',
			checkIns: '[eventId+personId], personId',
			contributions: 'id, [personId+happenedOn], version',
			badges: 'id, slug',
			awards: '[badgeId+personId], personId',
			rejectedMutations: 'id, personId',
			outbox: 'mutationId',
			meta: 'key'
		});
		// The outbox by mutation name: Settings counts what waits, per kind, without reading it all.
		this.version(2).stores({ outbox: 'mutationId, name' });
		// Groups and their memberships; every person now arrives (the directory).
		this.version(3).stores({
			groups: 'id, slug, kind',
			memberships: '[groupId+personId], personId, groupId'
		});
		// Events: the door's lookups (an event's registrations and check-ins, by event).
		this.version(4).stores({
			registrations: 'id, eventId, personId, [eventId+personId], [eventId+status]',
			checkIns: '[eventId+personId], personId, eventId'
		});
		// Contributions, recognition: the taxonomy, nominations; awards by id and by badge.
		this.version(5).stores({
			taxonomyTerms: '[kind+slug]',
			nominations: 'id, status, personId',
			awards: '[badgeId+personId], personId, id, badgeId',
			contributions: 'id, [personId+happenedOn], version, eventId'
		});
		// Another tab deleted this database (its person signed out there): stay closed, so no
		// query here silently creates an empty one again. That tab's sign-out reaches this one
		// through onAccountChange.
		this.on('versionchange', (event) => {
			if (event.newVersion !== null) return; // an upgrade: Dexie closes and reopens
			this.close({ disableAutoOpen: true });
			// Later subscribers run first; false keeps Dexie's own handler from re-enabling
			// auto-open.
			return false;
		});
	}

	/** The tables mirrored from the server, in the order of the pull contract. */
	get mirroredTables() {
		return [
			this.people,
			this.events,
			this.registrations,
			this.checkIns,
			this.contributions,
			this.badges,
			this.awards,
			this.rejectedMutations,
			this.groups,
			this.memberships,
			this.taxonomyTerms,
			this.nominations
		];
	}

	/** The taxonomy in force: the built-in terms with the admins' rows over them. */
	async taxonomy(): Promise<Taxonomy> {
		return effectiveTaxonomy(await this.taxonomyTerms.toArray());
	}

	async getMeta<Key extends MetaKey>(key: Key): Promise<MetaValues[Key] | undefined> {
		const row = await this.meta.get(key);
		return row?.value as MetaValues[Key] | undefined;
	}

	async setMeta<Key extends MetaKey>(key: Key, value: MetaValues[Key]): Promise<void> {
		await this.meta.put({ key, value });
	}

	/** Writes waiting for the server, counted per mutation name (kinds with none left out). */
	async pendingByMutation(): Promise<{ name: MutationName; count: number }[]> {
		return this.transaction('r', this.outbox, async () => {
			const counts = await Promise.all(
				MUTATION_NAMES.map(async (name) => ({
					name,
					count: await this.outbox.where('name').equals(name).count()
				}))
			);
			return counts.filter((kind) => kind.count > 0);
		});
	}

	/**
	 * A person's latest `limit` contributions, read through the index, limited: a volunteer with
	 * 50,000 contributions must not have every one read and rendered again each time a pulled
	 * page lands.
	 */
	latestContributionsOf(personId: string, limit: number): Promise<Contribution[]> {
		return this.#contributionsOf(personId).reverse().limit(limit).toArray();
	}

	/**
	 * How many contributions a person has. A query of its own: read in one liveQuery with a list,
	 * Dexie runs the pair twice for each write (its cache re-runs the list, the write's change
	 * event the count), which was twice the work for every page pulled on home.
	 */
	contributionCountOf(personId: string): Promise<number> {
		return this.#contributionsOf(personId).count();
	}

	#contributionsOf(personId: string) {
		return this.contributions
			.where('[personId+happenedOn]')
			.between([personId, ''], [personId, '\uffff']);
	}

	/** A person's refused writes not yet dismissed ("Needs attention"). */
	openRejectionsOf(personId: string): Promise<RejectedMutation[]> {
		return this.rejectedMutations
			.where('personId')
			.equals(personId)
			.filter((row) => !row.dismissed)
			.toArray();
	}

	/** Events not cancelled that start after `from` (ISO), the soonest first. */
	eventsFrom(from: string, limit: number): Promise<GatherEvent[]> {
		return this.events
			.where('startsAt')
			.aboveOrEqual(from)
			.filter((event) => !event.cancelled)
			.limit(limit)
			.toArray();
	}

	/** Writes not yet sent to the server (above what it said it processed). */
	async unpushedCount(): Promise<number> {
		const pushedThrough = (await this.getMeta('pushedThrough')) ?? 0;
		return this.outbox.where('mutationId').above(pushedThrough).count();
	}

	/**
	 * The server no longer knows this device's history (its database was restored or replaced)
	 * and waits for mutationIds this device acknowledged and dropped long ago. Go on as a new
	 * device: a new id, the waiting writes renumbered from 1 in their order, everything pulled
	 * again. One transaction: the writes are never out of the outbox.
	 */
	async startAsNewDevice(): Promise<string> {
		return this.transaction('rw', this.outbox, this.meta, async () => {
			const waiting = await this.outbox.orderBy('mutationId').toArray();
			await this.outbox.clear();
			await this.outbox.bulkAdd(
				waiting.map((entry, index) => ({ ...entry, mutationId: index + 1 }))
			);
			const deviceId = crypto.randomUUID();
			await this.meta.bulkPut([
				{ key: 'deviceId', value: deviceId },
				{ key: 'mutationCounter', value: waiting.length },
				{ key: 'pushedThrough', value: 0 },
				{ key: 'cursor', value: 0 }
			]);
			return deviceId;
		});
	}

	/** The device id, made on first use (inside the running transaction, if it covers meta). */
	deviceId(): Promise<string> {
		return this.transaction('rw', this.meta, async () => {
			const existing = await this.getMeta('deviceId');
			if (existing) return existing;
			const created = crypto.randomUUID();
			await this.setMeta('deviceId', created);
			return created;
		});
	}
}

export function databaseName(personId: string): string {
	return `gather-${personId}`;
}
