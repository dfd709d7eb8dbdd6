/**
 * The badge mutations on the device (fake-indexeddb, real Dexie): what each writes, what it
 * refuses (with nothing written), that a rebase re-running it changes nothing, and what
 * discarding a refused one takes away.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { Award, Badge } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { badgeSaveArgs } from '$lib/server/testing/fixtures';
import type { GatherDatabase } from './db';
import { discardEntry, reapplyEntry, runMutation } from './mutations';
import { device } from './testing/harness';

let db: GatherDatabase;
const admin: Actor = { personId: newId(), roles: ['member', 'admin'] };
const organizer: Actor = { personId: newId(), roles: ['member', 'organizer'] };
const member: Actor = { personId: newId(), roles: ['member'] };
const nominee: Actor = { personId: newId(), roles: ['member'] };

beforeEach(() => {
	db = device();
});

function run<Name extends MutationName>(as: Actor, name: Name, args: MutationInput<Name>) {
	return runMutation(db, as, name, args);
}

async function rebase(as: Actor) {
	const deviceId = await db.deviceId();
	await db.transaction('rw', [...db.mirroredTables, db.outbox, db.meta], async () => {
		for (const entry of await db.outbox.toArray()) await reapplyEntry(db, as, deviceId, entry);
	});
}

async function storedBadge(overrides: Partial<Badge> = {}): Promise<Badge> {
	const badge: Badge = {
		...badgeSaveArgs(),
		createdAt: new Date().toISOString(),
		version: 3,
		...overrides
	};
	await db.badges.put(badge);
	return badge;
}

function awardRow(badgeId: string, personId: string, overrides: Partial<Award> = {}): Award {
	return {
		id: newId(),
		badgeId,
		personId,
		awardedAt: new Date().toISOString(),
		awardedBy: organizer.personId,
		source: 'manual',
		evidence: null,
		revokedAt: null,
		revokedBy: null,
		revocationReason: null,
		version: 2,
		...overrides
	};
}

describe('badge.save on the device', () => {
	it('saves a new badge unconfirmed, and an edit keeps its creation time and version', async () => {
		const args = badgeSaveArgs();
		await run(admin, 'badge.save', args);
		await rebase(admin);
		expect(await db.badges.get(args.id)).toMatchObject({ name: 'Translator', version: 0 });
		const stored = await storedBadge();
		await run(admin, 'badge.save', {
			...badgeSaveArgs({ id: stored.id, slug: stored.slug }),
			name: 'New'
		});
		expect(await db.badges.get(stored.id)).toMatchObject({
			name: 'New',
			createdAt: stored.createdAt,
			version: 3
		});
	});

	it('refuses a rule over an unknown area, and a slug another badge has', async () => {
		const rule = {
			kind: 'contributions' as const,
			count: 2,
			area: 'astrology',
			activityType: null,
			withinDays: null
		};
		await expect(run(admin, 'badge.save', badgeSaveArgs({ rule }))).rejects.toMatchObject({
			reason: 'invalid',
			detail: 'unknown_area'
		});
		const stored = await storedBadge();
		await expect(
			run(admin, 'badge.save', badgeSaveArgs({ slug: stored.slug }))
		).rejects.toMatchObject({
			reason: 'conflict'
		});
		expect(await db.badges.count()).toBe(1);
		expect(await db.outbox.count()).toBe(0);
	});

	it('refuses a member', async () => {
		await expect(run(member, 'badge.save', badgeSaveArgs())).rejects.toMatchObject({
			reason: 'forbidden'
		});
	});

	it('discarding a refused new badge takes it away', async () => {
		const args = badgeSaveArgs();
		const entry = await run(admin, 'badge.save', args);
		await discardEntry(db, admin, entry);
		expect(await db.badges.get(args.id)).toBeUndefined();
	});
});

describe('award.grant and award.revoke on the device', () => {
	it('refuses granting an archived badge', async () => {
		const badge = await storedBadge({ archived: true });
		await expect(
			run(organizer, 'award.grant', {
				badgeId: badge.id,
				personId: member.personId,
				evidence: null
			})
		).rejects.toMatchObject({ reason: 'closed' });
	});

	it('revokes with a reason, idempotent on rebase; a second revocation is refused', async () => {
		const badge = await storedBadge();
		await db.awards.put(awardRow(badge.id, member.personId));
		const args = { badgeId: badge.id, personId: member.personId, reason: 'Mistake' };
		await run(admin, 'award.revoke', args);
		await rebase(admin);
		expect(await db.awards.get([badge.id, member.personId])).toMatchObject({
			revokedBy: admin.personId,
			revocationReason: 'Mistake'
		});
		await expect(run(admin, 'award.revoke', { ...args, reason: 'Again' })).rejects.toMatchObject({
			reason: 'not_found'
		});
	});

	it('a grant reinstates a revoked award, keeping its id', async () => {
		const badge = await storedBadge();
		const revoked = awardRow(badge.id, member.personId, {
			revokedAt: new Date().toISOString(),
			revokedBy: admin.personId,
			revocationReason: 'Mistake'
		});
		await db.awards.put(revoked);
		await run(organizer, 'award.grant', {
			badgeId: badge.id,
			personId: member.personId,
			evidence: 'ok'
		});
		expect(await db.awards.get([badge.id, member.personId])).toMatchObject({
			id: revoked.id,
			revokedAt: null,
			evidence: 'ok'
		});
	});
});

describe('nominations on the device', () => {
	async function nominate(badgeId: string, by: Actor = member) {
		const id = newId();
		await run(by, 'nomination.create', {
			id,
			badgeId,
			personId: nominee.personId,
			reason: 'Ran the sprint'
		});
		return id;
	}

	it('a nomination is pending; an approval awards with the reason as evidence, once', async () => {
		const badge = await storedBadge();
		const id = await nominate(badge.id);
		expect(await db.nominations.get(id)).toMatchObject({
			status: 'pending',
			nominatedBy: member.personId
		});
		const awardId = newId();
		await run(organizer, 'nomination.decide', { id, approve: true, awardId });
		await rebase(organizer);
		expect(await db.nominations.get(id)).toMatchObject({
			status: 'approved',
			decidedBy: organizer.personId
		});
		expect(await db.awards.get([badge.id, nominee.personId])).toMatchObject({
			id: awardId,
			source: 'nomination',
			evidence: 'Ran the sprint',
			version: 0
		});
		await expect(
			run(admin, 'nomination.decide', { id, approve: false, awardId: newId() })
		).rejects.toMatchObject({ reason: 'already_decided' });
	});

	it('a decline writes only the status; discarding a refused approval takes its award away', async () => {
		const badge = await storedBadge();
		const declined = await nominate(badge.id);
		await run(organizer, 'nomination.decide', { id: declined, approve: false, awardId: newId() });
		expect((await db.nominations.get(declined))?.status).toBe('declined');
		expect(await db.awards.count()).toBe(0);
		const approved = await nominate(badge.id);
		const entry = await run(organizer, 'nomination.decide', {
			id: approved,
			approve: true,
			awardId: newId()
		});
		await discardEntry(db, organizer, entry);
		expect(await db.awards.count()).toBe(0);
	});

	it('neither the nominee nor the nominator may decide', async () => {
		const badge = await storedBadge();
		const id = await nominate(badge.id, organizer);
		const decide = { id, approve: true, awardId: newId() };
		await expect(run(organizer, 'nomination.decide', decide)).rejects.toMatchObject({
			reason: 'forbidden'
		});
		await expect(
			run({ ...nominee, roles: ['member', 'organizer'] }, 'nomination.decide', decide)
		).rejects.toMatchObject({ reason: 'forbidden' });
	});

	it('refuses approving for a badge archived since, writing nothing', async () => {
		const badge = await storedBadge();
		const id = await nominate(badge.id);
		await db.badges.update(badge.id, { archived: true });
		await expect(
			run(organizer, 'nomination.decide', { id, approve: true, awardId: newId() })
		).rejects.toMatchObject({ reason: 'closed' });
		expect(await db.awards.count()).toBe(0);
		expect((await db.nominations.get(id))?.status).toBe('pending');
	});

	it('an approval over a standing award keeps the earlier award', async () => {
		const badge = await storedBadge();
		const id = await nominate(badge.id);
		const standing = awardRow(badge.id, nominee.personId, {
			awardedAt: '2020-01-01T00:00:00.000Z',
			source: 'rule',
			awardedBy: null
		});
		await db.awards.put(standing);
		await run(organizer, 'nomination.decide', { id, approve: true, awardId: newId() });
		expect(await db.awards.get([badge.id, nominee.personId])).toEqual(standing);
		expect((await db.nominations.get(id))?.status).toBe('approved');
	});

	it('refuses nominating someone awarded, or for an archived badge', async () => {
		const badge = await storedBadge();
		await db.awards.put(awardRow(badge.id, nominee.personId));
		await expect(nominate(badge.id)).rejects.toMatchObject({ reason: 'conflict' });
		const archived = await storedBadge({ archived: true });
		await expect(nominate(archived.id)).rejects.toMatchObject({ reason: 'closed' });
		expect(await db.nominations.count()).toBe(0);
	});
});
