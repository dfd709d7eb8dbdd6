/**
 * Editing, deleting and verifying contributions and saving taxonomy terms on the device
 * (fake-indexeddb, real Dexie): what each writes, what it refuses with nothing written, and
 * what discarding a refused one takes away.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { Contribution } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { MutationRejected } from '$lib/domain/rejection';
import type { GatherDatabase } from './db';
import { discardEntry, runMutation } from './mutations';
import { device } from './testing/harness';

let db: GatherDatabase;
let author: Actor;
let mentor: Actor;
let admin: Actor;
const DAY = 86_400_000;

beforeEach(() => {
	db = device();
	author = { personId: newId(), roles: ['member'] };
	mentor = { personId: newId(), roles: ['member', 'mentor'] };
	admin = { personId: newId(), roles: ['member', 'admin'] };
});

function run<Name extends MutationName>(as: Actor, name: Name, args: MutationInput<Name>) {
	return runMutation(db, as, name, args);
}

async function stored(values: Partial<Contribution> = {}): Promise<Contribution> {
	const row: Contribution = {
		id: newId(),
		personId: author.personId,
		area: 'community',
		activityType: 'other',
		description: 'Helped at the stand',
		happenedOn: '2026-01-05',
		link: null,
		eventId: null,
		durationMinutes: null,
		location: null,
		createdAt: new Date(Date.now() - DAY).toISOString(),
		editedAt: null,
		verifiedBy: null,
		verifiedAt: null,
		version: 3,
		...values
	};
	await db.contributions.put(row);
	return row;
}

const edit = (id: string, overrides: Record<string, unknown> = {}) => ({
	id,
	area: 'documentation',
	activityType: 'wrote_docs',
	description: 'Wrote the guide',
	happenedOn: '2026-01-06',
	link: null,
	durationMinutes: 45,
	location: 'Online',
	...overrides
});

async function refusal(work: Promise<unknown>): Promise<string | undefined> {
	try {
		await work;
		return undefined;
	} catch (error) {
		if (error instanceof MutationRejected) return error.reason;
		throw error;
	}
}

describe('contribution.edit on the device', () => {
	it('changes the fields and stamps editedAt, keeping the version until pulled', async () => {
		const row = await stored();
		await run(author, 'contribution.edit', edit(row.id));
		expect(await db.contributions.get(row.id)).toMatchObject({
			area: 'documentation',
			durationMinutes: 45,
			location: 'Online',
			version: 3,
			editedAt: expect.any(String)
		});
	});

	it('refuses what the server refuses, writing nothing', async () => {
		const verified = await stored({ verifiedBy: mentor.personId, verifiedAt: '2026-01-07' });
		expect(await refusal(run(author, 'contribution.edit', edit(verified.id)))).toBe('verified');
		const old = await stored({ createdAt: new Date(Date.now() - 40 * DAY).toISOString() });
		expect(await refusal(run(author, 'contribution.edit', edit(old.id)))).toBe('too_late');
		const mine = await stored();
		expect(await refusal(run(admin, 'contribution.edit', edit(mine.id)))).toBe('forbidden');
		await db.taxonomyTerms.put({
			kind: 'activity',
			slug: 'wrote_docs',
			names: {},
			weight: null,
			archived: true,
			position: 40,
			version: 1
		});
		expect(await refusal(run(author, 'contribution.edit', edit(mine.id)))).toBe('invalid');
		expect(await db.contributions.get(mine.id)).toEqual(mine);
		expect(await db.outbox.count()).toBe(0);
	});
});

describe('contribution.delete on the device', () => {
	it('removes the author’s row; an admin may remove anyone’s', async () => {
		const row = await stored();
		await run(author, 'contribution.delete', { id: row.id });
		expect(await db.contributions.get(row.id)).toBeUndefined();
		const other = await stored();
		await run(admin, 'contribution.delete', { id: other.id });
		expect(await db.contributions.get(other.id)).toBeUndefined();
		const attended = await stored({ activityType: 'attended' });
		expect(await refusal(run(author, 'contribution.delete', { id: attended.id }))).toBe(
			'forbidden'
		);
	});
});

describe('contribution.verify on the device', () => {
	it('marks a held row verified by a mentor, and leaves absent rows to the server', async () => {
		const row = await stored();
		expect(await refusal(run(author, 'contribution.verify', { id: row.id, verified: true }))).toBe(
			'forbidden'
		);
		await run(mentor, 'contribution.verify', { id: row.id, verified: true });
		expect(await db.contributions.get(row.id)).toMatchObject({ verifiedBy: mentor.personId });
		await run(mentor, 'contribution.verify', { id: row.id, verified: false });
		expect(await db.contributions.get(row.id)).toMatchObject({
			verifiedBy: null,
			verifiedAt: null
		});
		await run(mentor, 'contribution.verify', { id: newId(), verified: true });
		expect(await db.outbox.count()).toBe(3);
	});
});

describe('taxonomy.save on the device', () => {
	const term = {
		kind: 'activity' as const,
		slug: 'recorded_podcast',
		names: { en: 'Recorded a podcast' },
		weight: 2,
		archived: false,
		position: 500
	};

	it('adds the term to the taxonomy in force at once, admins only', async () => {
		expect(await refusal(run(mentor, 'taxonomy.save', term))).toBe('forbidden');
		await run(admin, 'taxonomy.save', term);
		const taxonomy = await db.taxonomy();
		expect(taxonomy.activities.find((t) => t.slug === 'recorded_podcast')).toMatchObject({
			weight: 2,
			builtIn: false
		});
	});

	it('discards a refused new term, but keeps one the server had', async () => {
		const entry = await run(admin, 'taxonomy.save', term);
		await discardEntry(db, admin, entry);
		expect(await db.taxonomyTerms.get(['activity', 'recorded_podcast'])).toBeUndefined();
		await db.taxonomyTerms.put({ ...term, version: 4 });
		const rename = await run(admin, 'taxonomy.save', { ...term, names: { en: 'Podcast' } });
		await discardEntry(db, admin, rename);
		expect(await db.taxonomyTerms.get(['activity', 'recorded_podcast'])).toMatchObject({
			version: 4
		});
	});
});
