/**
 * The community directory on the device: search the people this device holds (each already
 * emptied by the server of what this person may not see), offline, by name, skill, interest or
 * city, with filters, in the same tiers and order as the server (domain/directory.ts).
 *
 * Why an index in memory: measured in Chromium with 20,000 people (docs/benchmarks.md), any
 * search that reads IndexedDB per query is too slow — IndexedDB hands over about 2 µs per key,
 * so listing everyone in name order (20,000 keys) costs ~40 ms, and a common filter (a
 * language half the community speaks) 20 ms more, before a single row is read. So the device
 * keeps one small entry per active person (folded name, words, filter values; no avatars), and
 * a search is a scan of those entries plus reading the page's rows.
 *
 * Kept fresh by Dexie's `storagemutated` event, the one liveQuery itself is built on: it names
 * the keys every committed write touched, in this tab or another, so after a pulled page only
 * those rows are read again; the first search after opening reads everyone once. A multiEntry
 * index of search terms in IndexedDB (maintained on every write) was tried first and measured
 * at 30–45 ms per search for the reasons above.
 */
import Dexie, { type ObservabilitySet } from 'dexie';
import {
	foldText,
	languageKeys,
	queryWords,
	searchWords,
	type DirectoryFilters
} from '$lib/domain/directory';
import type { Group, Person } from '$lib/domain/entities';
import { isListed } from '$lib/domain/privacy';
import type { GatherDatabase } from './db';
import { touchedKeys } from './storage-changes';

/** The page size of the directory screen; "show more" asks for this many more. */
export const DIRECTORY_PAGE = 30;

/** What the index keeps of one active person. */
export interface DirectoryEntry {
	id: string;
	/** The folded name's words, ' maria garcia': the order, and "name begins with". */
	name: string;
	/** The folded words of the city, skills and interests, each after a space. */
	words: string;
	/** The filter values, each after a space and before one: ' skill:qa language:es '. */
	facets: string;
	/** As stored, for the filter choices. */
	skills: readonly string[];
	languages: readonly string[];
	country: string | null;
}

/** The folded name as the order knows it: ' maria garcia' (as the server's search_name). */
export function sortNameOf(displayName: string): string {
	return ` ${searchWords(displayName).join(' ')}`;
}

/** A person's entry, or null when they are not listed (merged, deleted). */
export function entryOf(person: Person): DirectoryEntry | null {
	if (!isListed(person)) return null;
	const words = searchWords([person.city ?? '', ...person.skills, ...person.interests].join(' '));
	const facets = [
		...person.skills.map((skill) => `skill:${foldText(skill)}`),
		...languageKeys(person.languages).map((language) => `language:${language}`),
		...(person.country ? [`country:${person.country}`] : []),
		...person.areas.map((area) => `area:${area}`)
	];
	return {
		id: person.id,
		name: sortNameOf(person.displayName),
		words: words.map((word) => ` ${word}`).join(''),
		facets: ` ${facets.join(' ')} `,
		skills: person.skills,
		languages: person.languages,
		country: person.country
	};
}

/** The groups the group filter offers (the screen leaves out archived ones not chosen). */
export function directoryGroups(db: GatherDatabase): Promise<Group[]> {
	return db.groups.toArray();
}

/** The filters' possible values on this device (labels are the screen's to translate). */
export interface DirectoryChoices {
	languages: string[];
	countries: string[];
	/** The most common skills, as first written. */
	skills: string[];
}

/** How many skills the filter offers: the most common ones. */
const SKILL_CHOICES = 60;

function byOrder(a: DirectoryEntry, b: DirectoryEntry): number {
	if (a.name !== b.name) return a.name < b.name ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The people of one database, as directory entries, following every change to them. */
export class DirectoryIndex {
	readonly #db: GatherDatabase;
	#entries = new Map<string, DirectoryEntry>();
	#sorted: DirectoryEntry[] | null = null;
	#choices: DirectoryChoices | null = null;
	/** Members (not pending) per group, read when a search first filters by the group. */
	#members = new Map<string, Set<string>>();
	/** People changed since the last refresh: their ids, or everyone. */
	#stale: Set<string> | 'all' = 'all';
	#refreshing: Promise<void> | null = null;

	constructor(db: GatherDatabase) {
		this.#db = db;
	}

	get database(): GatherDatabase {
		return this.#db;
	}

	/** Take note of a committed write (storagemutated); the next search reads what it touched. */
	noteChanges(parts: ObservabilitySet): void {
		const prefix = `idb://${this.#db.name}/`;
		if (parts[`${prefix}memberships/`] || parts[`${prefix}memberships/:dels`])
			this.#members.clear();
		if (this.#stale === 'all') return;
		const touched = touchedKeys(parts, this.#db.name, 'people');
		if (touched === 'all') this.#stale = 'all';
		else for (const id of touched) this.#stale.add(id as string);
	}

	/** Read what changed since the last call (everyone, the first time). */
	async refresh(): Promise<void> {
		while (this.#refreshing) await this.#refreshing;
		if (this.#stale !== 'all' && this.#stale.size === 0) return;
		this.#refreshing = this.#readStale();
		try {
			await this.#refreshing;
		} finally {
			this.#refreshing = null;
		}
	}

	async #readStale(): Promise<void> {
		// Writes committed meanwhile are noted again and read by the next turn.
		for (let stale = this.#stale; stale === 'all' || stale.size > 0; stale = this.#stale) {
			this.#stale = new Set();
			if (stale === 'all') {
				const people = await this.#db.people.toArray();
				this.#entries = new Map();
				for (const person of people) this.#put(person.id, entryOf(person));
			} else {
				const ids = [...stale];
				const people = await this.#db.people.bulkGet(ids);
				ids.forEach((id, index) => {
					const person = people[index];
					this.#put(id, person ? entryOf(person) : null);
				});
			}
			this.#sorted = null;
			this.#choices = null;
		}
	}

	#put(id: string, entry: DirectoryEntry | null): void {
		if (entry) this.#entries.set(id, entry);
		else this.#entries.delete(id);
	}

	/** Every listed person, in directory order. */
	get entries(): readonly DirectoryEntry[] {
		this.#sorted ??= [...this.#entries.values()].sort(byOrder);
		return this.#sorted;
	}

	/** The values the filters can take: those some listed person has (skills by frequency). */
	get choices(): DirectoryChoices {
		if (this.#choices) return this.#choices;
		const languages = new Set<string>();
		const countries = new Set<string>();
		const skills = new Map<string, { label: string; count: number }>();
		for (const entry of this.#entries.values()) {
			for (const language of entry.languages) languages.add(language);
			if (entry.country) countries.add(entry.country);
			for (const skill of entry.skills) {
				const key = foldText(skill);
				const known = skills.get(key);
				if (known) known.count += 1;
				else skills.set(key, { label: skill, count: 1 });
			}
		}
		this.#choices = {
			languages: [...languages],
			countries: [...countries],
			skills: [...skills.values()]
				.sort((a, b) => b.count - a.count)
				.slice(0, SKILL_CHOICES)
				.map((skill) => skill.label)
		};
		return this.#choices;
	}

	async membersOf(groupId: string): Promise<Set<string>> {
		let members = this.#members.get(groupId);
		if (!members) {
			const rows = await this.#db.memberships.where('groupId').equals(groupId).toArray();
			members = new Set(rows.filter((row) => row.status === 'member').map((row) => row.personId));
			this.#members.set(groupId, members);
		}
		return members;
	}
}

const indexes = new Map<GatherDatabase, DirectoryIndex>();

Dexie.on('storagemutated', (parts) => {
	for (const index of indexes.values()) index.noteChanges(parts);
});

/** The index of this database (made on first use, kept while the database is open). */
export function directoryIndex(db: GatherDatabase): DirectoryIndex {
	for (const [other] of indexes) if (other !== db && other.hasBeenClosed()) indexes.delete(other);
	let index = indexes.get(db);
	if (!index) {
		index = new DirectoryIndex(db);
		indexes.set(db, index);
	}
	return index;
}

/**
 * The ids of everyone matching, best first: the name begins with the query, then names with
 * the words elsewhere, then other fields; alphabetical (by folded name, then id) within each.
 */
export async function directoryIds(
	db: GatherDatabase,
	filters: DirectoryFilters
): Promise<string[]> {
	const index = directoryIndex(db);
	await index.refresh();
	const facets: string[] = [];
	if (filters.skill) facets.push(` skill:${foldText(filters.skill)} `);
	if (filters.language) facets.push(` language:${filters.language} `);
	if (filters.country) facets.push(` country:${filters.country} `);
	if (filters.area) facets.push(` area:${filters.area} `);
	const members = filters.group ? await index.membersOf(filters.group) : null;
	const words = queryWords(filters.q).map((word) => ` ${word}`);
	const begins = ` ${queryWords(filters.q).join(' ')}`;
	const tiers: [string[], string[], string[]] = [[], [], []];
	for (const entry of index.entries) {
		if (members && !members.has(entry.id)) continue;
		if (!facets.every((facet) => entry.facets.includes(facet))) continue;
		if (words.length === 0 || entry.name.startsWith(begins)) tiers[0].push(entry.id);
		else if (words.every((word) => entry.name.includes(word))) tiers[1].push(entry.id);
		else if (words.every((word) => entry.name.includes(word) || entry.words.includes(word)))
			tiers[2].push(entry.id);
	}
	return tiers.flat();
}

export interface DirectoryResult {
	/** The first people matching, in order (their rows as stored, avatars included). */
	people: Person[];
	/** How many match in all. */
	total: number;
}

/**
 * For the directory screen, in a liveQuery: the page and the filter choices. It also counts
 * both tables, so that Dexie runs it again after any change to people or memberships (the
 * index, not the liveQuery, decides which rows are read again).
 */
export async function watchDirectory(
	db: GatherDatabase,
	filters: DirectoryFilters,
	limit: number
): Promise<DirectoryResult & { choices: DirectoryChoices }> {
	await Promise.all([db.people.count(), db.memberships.count()]);
	const result = await searchDirectory(db, filters, limit);
	return { ...result, choices: directoryIndex(db).choices };
}

/** The first `limit` people matching, in order, and how many match in all. */
export async function searchDirectory(
	db: GatherDatabase,
	filters: DirectoryFilters,
	limit = DIRECTORY_PAGE
): Promise<DirectoryResult> {
	const ids = await directoryIds(db, filters);
	const people = await db.people.bulkGet(ids.slice(0, limit));
	return {
		people: people.filter((person): person is Person => person !== undefined),
		total: ids.length
	};
}

/**
 * People to pick (for a group, an event, a form's organizers): those matching `query` in the
 * directory's order, leaving out `except` before the limit, at most `limit` rows read.
 */
export async function peopleMatching(
	db: GatherDatabase,
	query: string,
	limit: number,
	except: ReadonlySet<string> = new Set()
): Promise<Person[]> {
	if (query.trim() === '') return [];
	const ids = (await directoryIds(db, { q: query })).filter((id) => !except.has(id));
	const people = await db.people.bulkGet(ids.slice(0, limit));
	return people.filter((person): person is Person => person !== undefined);
}
