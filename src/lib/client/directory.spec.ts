/** The directory on the device (fake-indexeddb): matching, order, filters, and fields kept right. */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { DirectoryFilters } from '$lib/domain/directory';
import type { Membership, Person } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import {
	DIRECTORY_CASES,
	DIRECTORY_PEOPLE,
	type DirectoryKey
} from '$lib/domain/testing/directory-cases';
import { emptyChanges } from '$lib/domain/sync-protocol';
import { GatherDatabase } from './db';
import { searchDirectory } from './directory';
import { runMutation } from './mutations';
import { applyPage } from './sync/pull';
import { personRow } from './testing/events';
import { device } from './testing/harness';

const ids: Record<DirectoryKey, string> = {
	elodie: newId(),
	marta: newId(),
	ana: newId(),
	bob: newId(),
	merged: newId(),
	deleted: newId()
};
const groupId = newId();

const community: Person[] = Object.entries(DIRECTORY_PEOPLE).map(([key, profile]) =>
	personRow({
		id: ids[key as DirectoryKey],
		...profile,
		mergedInto: profile.status === 'merged' ? ids.marta : null
	})
);

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
	it.each(DIRECTORY_CASES)(
		'finds $title, as the server does',
		async ({ filters, found: expected }) => {
			const withGroup = filters.group ? { ...filters, group: groupId } : filters;
			expect(await found(withGroup)).toEqual(expected);
		}
	);

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
