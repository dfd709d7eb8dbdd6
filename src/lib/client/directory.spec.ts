/** The directory on the device (fake-indexeddb): matching, order, filters, and fields kept right. */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { DirectoryFilters } from '$lib/domain/directory';
import { DEFAULT_PRIVACY, type Membership, type Person } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { emptyChanges } from '$lib/domain/sync-protocol';
import { GatherDatabase } from './db';
import { searchDirectory } from './directory';
import { runMutation } from './mutations';
import { applyPage } from './sync/pull';
import { device } from './testing/harness';

const ids = {
	elodie: newId(),
	marta: newId(),
	ana: newId(),
	bob: newId(),
	merged: newId(),
	deleted: newId()
};
const groupId = newId();

function person(id: string, fields: Partial<Person>): Person {
	return {
		id,
		displayName: 'Someone',
		email: null,
		pronouns: null,
		bio: null,
		avatar: null,
		city: null,
		country: null,
		timezone: null,
		languages: [],
		skills: [],
		interests: [],
		links: [],
		areas: [],
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

const community: Person[] = [
	person(ids.elodie, {
		displayName: 'Élodie Marchand',
		city: 'Lyon',
		country: 'FR',
		skills: ['Translation', 'Code Review'],
		interests: ['Open Data'],
		languages: ['fr', 'pt-BR'],
		areas: ['localization']
	}),
	person(ids.marta, {
		displayName: 'Marta Ngata',
		city: 'Wellington',
		country: 'NZ',
		skills: ['Design'],
		languages: ['en'],
		areas: ['design']
	}),
	person(ids.ana, {
		displayName: 'Ana Martínez',
		city: 'Bogotá',
		country: 'CO',
		languages: ['es']
	}),
	person(ids.bob, {
		displayName: 'Bob Stone',
		city: 'Marseille',
		country: 'FR',
		skills: ['Marketing', 'translation'],
		languages: ['en']
	}),
	person(ids.merged, { displayName: 'Marta Merged', status: 'merged', mergedInto: ids.marta }),
	person(ids.deleted, { displayName: 'Marta Deleted', status: 'deleted' })
];

function membership(personId: string, status: Membership['status']): Membership {
	return {
		groupId,
		personId,
		status,
		curator: false,
		createdAt: new Date().toISOString(),
		version: 1
	};
}

let db: GatherDatabase;

beforeEach(async () => {
	db = device();
	await db.people.bulkPut(community);
	await db.memberships.bulkPut([membership(ids.elodie, 'member'), membership(ids.bob, 'pending')]);
});

afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

const names = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]));

async function found(filters: DirectoryFilters): Promise<string[]> {
	const result = await searchDirectory(db, filters, 50);
	expect(result.total).toBe(result.people.length);
	return result.people.map((one) => names[one.id] ?? one.id);
}

describe('searchDirectory on the device', () => {
	it('matches word prefixes of names, ignoring case and accents', async () => {
		expect(await found({ q: 'elodie' })).toEqual(['elodie']);
		expect(await found({ q: 'ÉLO  march' })).toEqual(['elodie']);
		expect(await found({ q: 'martinez' })).toEqual(['ana']);
		expect(await found({ q: 'odie' })).toEqual([]);
	});

	it('lists "name begins with" first, then other names, then other fields', async () => {
		expect(await found({ q: 'mar' })).toEqual(['marta', 'ana', 'elodie', 'bob']);
	});

	it('finds skills, interests and cities typed as text', async () => {
		expect(await found({ q: 'code rev' })).toEqual(['elodie']);
		expect(await found({ q: 'open data' })).toEqual(['elodie']);
		expect(await found({ q: 'bogota' })).toEqual(['ana']);
		expect(await found({ q: 'translation' })).toEqual(['bob', 'elodie']);
	});

	it('filters by skill, language, country, area and group, alone and together', async () => {
		expect(await found({ skill: 'TRANSLATION' })).toEqual(['bob', 'elodie']);
		expect(await found({ language: 'pt' })).toEqual(['elodie']);
		expect(await found({ language: 'pt-BR' })).toEqual(['elodie']);
		expect(await found({ language: 'en' })).toEqual(['bob', 'marta']);
		expect(await found({ country: 'FR' })).toEqual(['bob', 'elodie']);
		expect(await found({ area: 'design' })).toEqual(['marta']);
		expect(await found({ group: groupId })).toEqual(['elodie']);
		expect(await found({ q: 'mar', country: 'FR', skill: 'translation' })).toEqual([
			'elodie',
			'bob'
		]);
	});

	it('lists active people only, alphabetically, and counts them', async () => {
		expect(await found({})).toEqual(['ana', 'bob', 'elodie', 'marta']);
		const firstTwo = await searchDirectory(db, {}, 2);
		expect(firstTwo.people.map((one) => names[one.id])).toEqual(['ana', 'bob']);
		expect(firstTwo.total).toBe(4);
	});

	it('follows a pulled update: new words are found, old ones no longer', async () => {
		const actor: Actor = { personId: ids.ana, roles: ['member'] };
		const deviceId = await db.deviceId();
		const changes = emptyChanges();
		changes.people.push(
			{ ...community[0], city: 'Paris', skills: ['Proofreading'], version: 2 },
			{ ...community[1], status: 'merged', mergedInto: ids.ana, version: 2 }
		);
		await applyPage(db, actor, deviceId, {
			cursor: 2,
			more: false,
			reset: false,
			lastMutationId: 0,
			deletions: [],
			changes
		});
		expect(await found({ q: 'lyon' })).toEqual([]);
		expect(await found({ q: 'paris' })).toEqual(['elodie']);
		expect(await found({ skill: 'translation' })).toEqual(['bob']);
		expect(await found({ skill: 'proofreading' })).toEqual(['elodie']);
		expect(await found({ q: 'marta' })).toEqual([]);
		expect(await found({})).toEqual(['ana', 'bob', 'elodie']);
	});

	it('follows a local edit at once', async () => {
		const actor: Actor = { personId: ids.bob, roles: ['member'] };
		await runMutation(db, actor, 'profile.update', {
			personId: ids.bob,
			changes: { displayName: 'Roberto Stone', city: 'Nantes' }
		});
		expect(await found({ q: 'bob' })).toEqual([]);
		expect(await found({ q: 'rob' })).toEqual(['bob']);
		expect(await found({ q: 'nantes' })).toEqual(['bob']);
		expect(await found({ q: 'marseille' })).toEqual([]);
	});

	it('follows deletions and resets that a pull brings', async () => {
		await found({});
		const actor: Actor = { personId: ids.ana, roles: ['member'] };
		const deviceId = await db.deviceId();
		await applyPage(db, actor, deviceId, {
			cursor: 3,
			more: false,
			reset: false,
			lastMutationId: 0,
			deletions: [{ table: 'people', key: ids.bob }],
			changes: emptyChanges()
		});
		expect(await found({})).toEqual(['ana', 'elodie', 'marta']);
		const changes = emptyChanges();
		changes.people.push(community[2]);
		await applyPage(db, actor, deviceId, {
			cursor: 4,
			more: false,
			reset: true,
			lastMutationId: 0,
			deletions: [],
			changes
		});
		expect(await found({})).toEqual(['ana']);
	});

	it("follows writes made through another tab's connection", async () => {
		await found({});
		const otherTab = new GatherDatabase(db.name);
		try {
			await otherTab.people.put({ ...community[3], displayName: 'Zed Stone' });
			await otherTab.memberships.put(membership(ids.bob, 'member'));
		} finally {
			otherTab.close();
		}
		expect(await found({ q: 'zed' })).toEqual(['bob']);
		expect(await found({ group: groupId })).toEqual(['elodie', 'bob']);
	});
});
