/**
 * Editing, deleting and verifying contributions, and the admins' taxonomy, as the server
 * applies them on real PGlite: who may, until when, and what reaches the devices.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { contributions, rejectedMutations, taxonomyTerms } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson, deviceMirror } from '$lib/server/testing/fixtures';

let handle: DatabaseHandle;
let author: Actor;
let mentor: Actor;
let organizer: Actor;
let admin: Actor;
let member: Actor;
const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
	handle = await createTestDatabase();
	author = await addPerson(handle.db);
	member = await addPerson(handle.db);
	mentor = await addPerson(handle.db, ['member', 'mentor']);
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	admin = await addPerson(handle.db, ['member', 'admin']);
});
afterAll(() => handle?.close());

/** A device pushing one mutation at a time; answers the refusal's reason and detail, or null. */
function device(actor: Actor) {
	const deviceId = newId();
	let mutationId = 0;
	return async (name: string, args: unknown, millis = Date.now()) => {
		const mutation: PushedMutation = {
			mutationId: ++mutationId,
			name,
			args,
			hlc: encodeHlc({ millis, counter: 0, node: 'spec' })
		};
		const response = await handlePush(handle.db, actor, { deviceId, mutations: [mutation] });
		if (response.applied === 1) return null;
		const [refusal] = await handle.db
			.select()
			.from(rejectedMutations)
			.where(
				and(eq(rejectedMutations.deviceId, deviceId), eq(rejectedMutations.mutationId, mutationId))
			);
		return `${refusal?.reason}${refusal?.detail ? `: ${refusal.detail}` : ''}`;
	};
}

/** A contribution of `person` stored `ageDays` ago (and verified, or `attended`, if told). */
async function addContribution(
	person: Actor,
	values: Partial<typeof contributions.$inferInsert> = {},
	ageDays = 0
): Promise<string> {
	const id = newId();
	await handle.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(contributions).values({
			id,
			personId: person.personId,
			area: 'community',
			activityType: 'other',
			description: 'Helped at the stand',
			happenedOn: '2026-01-05',
			createdAt: new Date(Date.now() - ageDays * DAY),
			...values,
			version
		});
	});
	return id;
}

async function contribution(id: string) {
	const [row] = await handle.db.select().from(contributions).where(eq(contributions.id, id));
	return row;
}

const fields = (id: string, overrides: Record<string, unknown> = {}) => ({
	id,
	area: 'documentation',
	activityType: 'wrote_docs',
	description: 'Wrote the getting started guide',
	happenedOn: today(),
	link: 'https://example.org/guide',
	eventId: null,
	durationMinutes: 90,
	location: 'Lagos',
	...overrides
});

describe('contribution.edit', () => {
	it('lets the author change every field within the window, stamping editedAt', async () => {
		const id = await addContribution(author, {}, 2);
		expect(await device(author)('contribution.edit', fields(id))).toBeNull();
		const row = await contribution(id);
		expect(row).toMatchObject({
			area: 'documentation',
			activityType: 'wrote_docs',
			durationMinutes: 90,
			location: 'Lagos',
			link: 'https://example.org/guide'
		});
		expect(row?.editedAt).toBeInstanceOf(Date);
	});

	it('refuses after the edit window, once verified, and to anyone but the author', async () => {
		const old = await addContribution(author, {}, 31);
		expect(await device(author)('contribution.edit', fields(old))).toBe('too_late');
		const verified = await addContribution(author, {
			verifiedBy: mentor.personId,
			verifiedAt: new Date()
		});
		expect(await device(author)('contribution.edit', fields(verified))).toBe('verified');
		const mine = await addContribution(author);
		expect(await device(admin)('contribution.edit', fields(mine))).toBe('forbidden');
		expect(await device(member)('contribution.edit', fields(mine))).toBe('forbidden');
		expect((await contribution(mine))?.editedAt).toBeNull();
		expect(await device(author)('contribution.edit', fields(newId()))).toBe(
			'not_found: contribution'
		);
	});

	it('never edits an attended contribution (the door recorded it)', async () => {
		const attended = await addContribution(author, { activityType: 'attended' });
		const push = device(author);
		expect(await push('contribution.edit', fields(attended))).toBe('forbidden');
	});

	it('refuses an archived term, but keeps one the contribution already had', async () => {
		await device(admin)('taxonomy.save', {
			kind: 'activity',
			slug: 'designed',
			names: {},
			weight: null,
			archived: true,
			position: 100
		});
		const id = await addContribution(author, { area: 'design', activityType: 'designed' });
		const push = device(author);
		expect(await push('contribution.edit', fields(id))).toBeNull();
		expect(
			await push('contribution.edit', fields(id, { area: 'design', activityType: 'designed' }))
		).toBe('invalid: archived');
		const untouched = await addContribution(author, { area: 'design', activityType: 'designed' });
		expect(
			await push(
				'contribution.edit',
				fields(untouched, { area: 'design', activityType: 'designed', description: 'Logo v2' })
			)
		).toBeNull();
		expect(
			await push(
				'contribution.log',
				fields(newId(), { area: 'design', activityType: 'designed', durationMinutes: null })
			)
		).toBe('invalid: archived');
		await device(admin)('taxonomy.save', {
			kind: 'activity',
			slug: 'designed',
			names: {},
			weight: null,
			archived: false,
			position: 100
		});
	});
});

describe('contribution.delete', () => {
	it('lets the author delete, and the deletion reaches their other device', async () => {
		const id = await addContribution(author);
		const phone = deviceMirror(handle.db, author);
		await phone.sync();
		expect(phone.rows('contributions').some((row) => row.id === id)).toBe(true);
		expect(await device(author)('contribution.delete', { id })).toBeNull();
		expect(await contribution(id)).toBeUndefined();
		await phone.sync();
		expect(phone.rows('contributions').some((row) => row.id === id)).toBe(false);
	});

	it("lets an admin delete anyone's, refuses others, verified or attended ones", async () => {
		const id = await addContribution(author);
		expect(await device(mentor)('contribution.delete', { id })).toBe('forbidden');
		expect(await device(admin)('contribution.delete', { id })).toBeNull();
		const verified = await addContribution(author, {
			verifiedBy: mentor.personId,
			verifiedAt: new Date()
		});
		expect(await device(author)('contribution.delete', { id: verified })).toBe('verified');
		const attended = await addContribution(author, { activityType: 'attended' });
		expect(await device(author)('contribution.delete', { id: attended })).toBe('forbidden');
		expect(await device(admin)('contribution.delete', { id: attended })).toBe('forbidden');
	});

	it('re-stamps a contribution it kept, so the refused device pulls it back', async () => {
		const id = await addContribution(author, {}, 40);
		const before = (await contribution(id))?.version ?? 0;
		expect(await device(author)('contribution.delete', { id })).toBe('too_late');
		expect((await contribution(id))?.version).toBeGreaterThan(before);
	});
});

describe('contribution.verify', () => {
	it('is for mentors, organizers and admins, never on their own', async () => {
		const id = await addContribution(author);
		expect(await device(member)('contribution.verify', { id, verified: true })).toBe('forbidden');
		expect(await device(author)('contribution.verify', { id, verified: true })).toBe('forbidden');
		expect(await device(mentor)('contribution.verify', { id, verified: true })).toBeNull();
		const first = await contribution(id);
		expect(first?.verifiedBy).toBe(mentor.personId);
		// Verified again by someone else: the first verification stands.
		expect(await device(organizer)('contribution.verify', { id, verified: true })).toBeNull();
		expect(await contribution(id)).toMatchObject({
			verifiedBy: mentor.personId,
			verifiedAt: first?.verifiedAt
		});
		expect(await device(admin)('contribution.verify', { id, verified: false })).toBeNull();
		expect(await contribution(id)).toMatchObject({ verifiedBy: null, verifiedAt: null });
		const attended = await addContribution(author, { activityType: 'attended' });
		expect(await device(mentor)('contribution.verify', { id: attended, verified: true })).toBe(
			'forbidden'
		);
	});
});

describe('taxonomy.save', () => {
	it('upserts a term, admins only, and every device pulls it', async () => {
		const term = {
			kind: 'activity',
			slug: 'podcast_episode',
			names: { en: 'Recorded a podcast', es: 'Grabó un pódcast' },
			weight: 3,
			archived: false,
			position: 500
		};
		expect(await device(organizer)('taxonomy.save', term)).toBe('forbidden');
		expect(await device(admin)('taxonomy.save', term)).toBeNull();
		expect(await device(admin)('taxonomy.save', { ...term, weight: 5 })).toBeNull();
		const rows = await handle.db
			.select()
			.from(taxonomyTerms)
			.where(eq(taxonomyTerms.slug, 'podcast_episode'));
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ weight: 5, names: term.names });
		const phone = deviceMirror(handle.db, member);
		await phone.sync();
		expect(phone.rows('taxonomyTerms').some((row) => row.slug === 'podcast_episode')).toBe(true);
		// Now loggable by anyone.
		expect(
			await device(member)(
				'contribution.log',
				fields(newId(), { area: 'community', activityType: 'podcast_episode' })
			)
		).toBeNull();
	});

	it('refuses a weight on an area and archiving attended', async () => {
		const area = {
			kind: 'area',
			slug: 'outreach',
			names: { en: 'Outreach' },
			weight: 4,
			archived: false,
			position: 5
		};
		expect(await device(admin)('taxonomy.save', area)).toMatch(/^invalid/);
		expect(
			await device(admin)('taxonomy.save', {
				...area,
				kind: 'activity',
				slug: 'attended',
				archived: true
			})
		).toMatch(/^invalid/);
	});
});
