/**
 * Offline directory search on a device holding many people, in Chromium with real IndexedDB:
 * searchDirectory (client/directory.ts) over the query mix of ../directory-data.ts, beside the
 * least any answer costs (reading the page's rows by id).
 */
import Dexie from 'dexie';
import { GatherDatabase } from '$lib/client/db';
import { DIRECTORY_PAGE, searchDirectory } from '$lib/client/directory';
import type { DirectoryFilters } from '$lib/domain/directory';
import { DEFAULT_PRIVACY, type Membership, type Person } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { AREAS } from '$lib/domain/taxonomy';
import {
	CITIES,
	FIRST_NAMES,
	GROUPS,
	INTERESTS,
	LANGUAGES,
	LAST_NAMES,
	QUERY_MIX,
	SKILLS,
	type DirectoryQuery
} from '../directory-data';

export interface DirectoryDeviceResult {
	people: number;
	/** Storing them: bulkPut in pages of 1000, as a pull would. */
	storeMs: number;
	/** The first search after opening: the index reads every person once. */
	coldMs: number;
	/**
	 * The first search after a pull changed 20 people: only they are read again. (Dexie reports
	 * a write of 50 rows or more as "the whole table": after such a page everyone is read, as cold.)
	 */
	afterPageMs: number;
	samples: { kind: string; label: string; ms: number; found: number }[];
	/** db.people.bulkGet of one page of ids. */
	floor: number[];
}

/** A small deterministic generator, so every run holds the same community. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

/** A few kilobytes of base64, the size of a resized 160 px WebP avatar. */
function avatar(draw: () => number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	let body = '';
	const length = 4 * Math.floor((6000 + draw() * 6000) / 4);
	for (let index = 0; index < length; index += 1) body += alphabet[Math.floor(draw() * 64)];
	return `data:image/webp;base64,${body}`;
}

function pick<T>(list: readonly T[], draw: () => number, exponent = 2): T {
	return list[Math.floor(Math.pow(draw(), exponent) * list.length)];
}

function some<T>(list: readonly T[], draw: () => number, count: number): T[] {
	return [...new Set(Array.from({ length: count }, () => pick(list, draw)))];
}

/**
 * `count` people as a pull leaves them on a device: what the viewer may not see already
 * emptied (a private city arrives as null), 2 % merged, 1 % deleted, a third with an avatar.
 */
export function community(count: number): Person[] {
	const draw = random(42);
	const createdAt = new Date().toISOString();
	return Array.from({ length: count }, (_, index) => {
		const [city, country] = pick(CITIES, draw);
		const hidden = draw();
		return {
			id: newId(),
			displayName: `${pick(FIRST_NAMES, draw, 1.5)} ${pick(LAST_NAMES, draw, 1.5)}`,
			email: null,
			pronouns: index % 3 === 0 ? 'she/her' : index % 3 === 1 ? 'he/him' : null,
			bio: index % 2 === 0 ? `Volunteer since ${2008 + (index % 17)}. Happy to help.` : null,
			avatar: index % 3 === 0 ? avatar(draw) : null,
			city: hidden < 0.15 ? null : city,
			country: hidden < 0.08 ? null : country,
			timezone: 'UTC',
			languages: some(LANGUAGES, draw, 1 + (index % 3)),
			skills: hidden > 0.9 ? [] : some(SKILLS, draw, (index * 7) % 5),
			interests: some(INTERESTS, draw, (index * 3) % 4),
			links: [],
			areas: some(AREAS, draw, (index * 5) % 3),
			privacy: DEFAULT_PRIVACY,
			roles: ['member'],
			status: index % 50 === 49 ? 'merged' : index % 97 === 96 ? 'deleted' : 'active',
			mergedInto: null,
			fieldClocks: {},
			createdAt,
			version: 1 + Math.floor(index / 1000)
		};
	});
}

function filtersOf(query: DirectoryQuery, groupIds: string[]): DirectoryFilters {
	return {
		q: query.q,
		skill: query.skill,
		language: query.language,
		country: query.country,
		area: query.area as DirectoryFilters['area'],
		group: query.groupIndex === undefined ? undefined : groupIds[query.groupIndex]
	};
}

function label(query: DirectoryQuery): string {
	const parts = (['q', 'skill', 'language', 'country', 'area'] as const)
		.filter((key) => query[key] !== undefined)
		.map((key) => `${key}=${query[key]}`);
	if (query.groupIndex !== undefined) parts.push(`group=#${query.groupIndex}`);
	if (query.secondPage) parts.push('page 2');
	return parts.join(' ');
}

export async function directorySearch(
	count: number,
	rounds: number
): Promise<DirectoryDeviceResult> {
	const name = `bench-directory-${crypto.randomUUID()}`;
	const db = new GatherDatabase(name);
	await db.open();
	try {
		const people = community(count);
		const groupIds = GROUPS.map(() => newId());
		const draw = random(7);
		const memberships: Membership[] = people.flatMap((person, index) =>
			index % 4 === 0
				? [
						{
							groupId: pick(groupIds, draw),
							personId: person.id,
							status: 'member',
							curator: false,
							createdAt: person.createdAt,
							version: 1
						}
					]
				: []
		);
		const started = performance.now();
		for (let start = 0; start < people.length; start += 1000)
			await db.people.bulkPut(people.slice(start, start + 1000));
		const storeMs = performance.now() - started;
		await db.memberships.bulkPut(memberships);

		const run = async (query: DirectoryQuery) => {
			const filters = filtersOf(query, groupIds);
			// "Show more": the screen asks for a longer list.
			const limit = query.secondPage ? 2 * DIRECTORY_PAGE : DIRECTORY_PAGE;
			const begun = performance.now();
			const result = await searchDirectory(db, filters, limit);
			return { ms: performance.now() - begun, found: result.people.length };
		};
		const cold = await run({ kind: 'cold', q: 'mar' });
		for (const query of QUERY_MIX) await run(query);
		const changed = people.slice(0, 20).map((person) => ({ ...person, city: 'Nairobi' }));
		await db.people.bulkPut(changed);
		const afterPage = await run({ kind: 'after a page', q: 'nairobi' });
		const samples: DirectoryDeviceResult['samples'] = [];
		const floor: number[] = [];
		const draws = random(99);
		for (let round = 0; round < rounds; round += 1) {
			const order = [...QUERY_MIX].sort(() => draws() - 0.5);
			for (const query of order) {
				const { ms, found } = await run(query);
				samples.push({ kind: query.kind, label: label(query), ms, found });
			}
			const page = Array.from(
				{ length: DIRECTORY_PAGE },
				() => people[Math.floor(draws() * people.length)].id
			);
			const begun = performance.now();
			await db.people.bulkGet(page);
			floor.push(performance.now() - begun);
		}
		return {
			people: count,
			storeMs,
			coldMs: cold.ms,
			afterPageMs: afterPage.ms,
			samples,
			floor
		};
	} finally {
		db.close();
		await Dexie.delete(name);
	}
}
