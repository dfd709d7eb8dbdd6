/** The directory on the server: what matches, in which order, and what privacy keeps out. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY, type Privacy } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { DIRECTORY_CASES, DIRECTORY_PEOPLE } from '$lib/domain/testing/directory-cases';
import type { DatabaseHandle } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addGroup, addMembership, addPerson } from '$lib/server/testing/fixtures';
import { callRoute } from '$lib/server/testing/routes';
import { GET } from '../../routes/api/directory/+server';
import { directoryRequestSchema, searchDirectory, type DirectoryPage } from './directory';

let handle: DatabaseHandle;
let viewer: Actor;
const ids: Record<string, string> = {};
let localization: string;

type Fields = Partial<Omit<typeof people.$inferInsert, 'privacy'>> & { privacy?: Partial<Privacy> };

/** A person as a profile edit would leave them. */
async function person(key: string, fields: Fields): Promise<void> {
	const { personId } = await addPerson(handle.db);
	await handle.db
		.update(people)
		.set({ ...fields, privacy: { ...DEFAULT_PRIVACY, ...fields.privacy } })
		.where(eq(people.id, personId));
	ids[key] = personId;
}

function search(query: Record<string, unknown>, options?: { walkEntries?: number }) {
	return searchDirectory(handle.db, viewer, directoryRequestSchema.parse(query), options);
}

/** The keys of the people found, in order. */
async function found(query: Record<string, unknown>): Promise<string[]> {
	const page = await search({ limit: 50, ...query });
	return page.people.map((one) => Object.keys(ids).find((key) => ids[key] === one.id) ?? one.id);
}

beforeAll(async () => {
	handle = await createTestDatabase();
	viewer = await addPerson(handle.db);
	await handle.db
		.update(people)
		.set({ displayName: 'Viewer Person' })
		.where(eq(people.id, viewer.personId));
	for (const [key, profile] of Object.entries(DIRECTORY_PEOPLE))
		await person(key, { ...profile, mergedInto: profile.status === 'merged' ? newId() : null });
	await person('secret', {
		displayName: 'Sam Quiet',
		email: 'sam.quiet@example.org',
		city: 'Lyon',
		country: 'BE',
		skills: ['Rust'],
		interests: ['Chess'],
		languages: ['de'],
		areas: ['development'],
		privacy: {
			city: 'private',
			country: 'private',
			skills: 'private',
			interests: 'private',
			languages: 'private',
			areas: 'private'
		}
	});
	localization = await addGroup(handle.db, { kind: 'area' });
	await addMembership(handle.db, localization, ids.elodie);
	await addMembership(handle.db, localization, ids.bob, { status: 'pending' });
});

afterAll(async () => {
	await handle.close();
});

describe('searchDirectory', () => {
	it.each(DIRECTORY_CASES)(
		'finds $title, as the device does',
		async ({ filters, found: expected }) => {
			const withGroup = filters.group ? { ...filters, group: localization } : filters;
			expect(await found(withGroup)).toEqual(expected);
		}
	);

	it('never matches a field its owner keeps private, and never returns it', async () => {
		expect(await found({ q: 'sam' })).toEqual(['secret']);
		expect(await found({ q: 'lyon' })).toEqual(['elodie']);
		expect(await found({ q: 'rust' })).toEqual([]);
		expect(await found({ q: 'chess' })).toEqual([]);
		expect(await found({ skill: 'rust' })).toEqual([]);
		expect(await found({ language: 'de' })).toEqual([]);
		expect(await found({ country: 'BE' })).toEqual([]);
		expect(await found({ area: 'development' })).toEqual([]);
		const [sam] = (await search({ q: 'sam quiet' })).people;
		expect(sam).toMatchObject({
			displayName: 'Sam Quiet',
			email: null,
			city: null,
			country: null,
			skills: [],
			interests: [],
			languages: [],
			areas: []
		});
		const everyone = await search({ limit: 50 });
		expect(JSON.stringify(everyone)).not.toContain('sam.quiet@example.org');
		expect(JSON.stringify(everyone)).not.toContain('Chess');
	});

	it('leaves merged and deleted people out', async () => {
		const everyone = await found({});
		expect(everyone).not.toContain('merged');
		expect(everyone).not.toContain('deleted');
		expect(everyone).toEqual(['ana', 'bob', 'elodie', 'marta', 'secret', viewer.personId]);
	});

	it('pages through every tier with the cursor, each person once', async () => {
		const seen: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const page: DirectoryPage = await search({ q: 'mar', limit: 1, cursor });
			seen.push(...page.people.map((one) => one.id));
			cursor = page.nextCursor ?? undefined;
			pages += 1;
		} while (cursor);
		expect(seen).toEqual([ids.marta, ids.ana, ids.elodie, ids.bob]);
		expect(pages).toBe(4);
	});

	it('answers the same whether it walks the order or looks matches up in the indexes', async () => {
		for (const query of [{ q: 'mar' }, { language: 'en' }, { q: 'tr', country: 'FR' }, {}]) {
			const walked = await search({ ...query, limit: 2 });
			const looked = await search({ ...query, limit: 2 }, { walkEntries: 1 });
			expect(looked).toEqual(walked);
		}
	});
});

describe('GET /api/directory', () => {
	const signedIn: App.Locals = {
		person: { id: newId(), displayName: 'Ana', email: 'ana@example.org', roles: ['member'] },
		sessionId: 'session'
	};

	async function statusOf(query: string, locals: App.Locals): Promise<number> {
		return (await callRoute(GET, { url: `/api/directory?${query}`, locals })).status;
	}

	it('answers 401 without a session', async () => {
		expect(await statusOf('q=ana', { person: null, sessionId: null })).toBe(401);
	});

	it.each([
		'limit=0',
		'limit=51',
		'limit=ten',
		'country=fr',
		'language=Portuguese',
		'group=not-a-uuid',
		'area=gardening',
		`q=${'a'.repeat(101)}`,
		'cursor=bm90IGEgY3Vyc29y',
		'cursor=%%%'
	])('answers 400 to %s', async (query) => {
		expect(await statusOf(query, signedIn)).toBe(400);
	});
});
