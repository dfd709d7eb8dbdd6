/**
 * The badge mutations as the server applies them, pushed through handlePush on a real
 * database: badge classes (image bytes, rules, slugs), grants, revocations and nominations.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { BADGE_IMAGE_MAX_CHARS } from '$lib/domain/entities';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { awards, badges, nominations, rejectedMutations } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addBadge, addPerson, badgeSaveArgs } from '$lib/server/testing/fixtures';
import { handlePush } from '$lib/server/sync/push';

const PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let handle: DatabaseHandle;
let admin: Actor;
let organizer: Actor;
let member: Actor;
let other: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	admin = await addPerson(handle.db, ['member', 'admin']);
	organizer = await addPerson(handle.db, ['member', 'organizer']);
	member = await addPerson(handle.db);
	other = await addPerson(handle.db);
});
afterAll(() => handle?.close());

/** A device pushing one mutation at a time; each push answers the refusal's reason, or null. */
function device(actor: Actor) {
	const deviceId = newId();
	let mutationId = 0;
	return async (name: string, args: unknown): Promise<string | null> => {
		const mutation: PushedMutation = {
			mutationId: ++mutationId,
			name,
			args,
			hlc: encodeHlc({ millis: Date.now(), counter: 0, node: 'spec' })
		};
		const response = await handlePush(handle.db, actor, { deviceId, mutations: [mutation] });
		if (response.rejected === 0) return null;
		const [row] = await handle.db
			.select({ reason: rejectedMutations.reason, detail: rejectedMutations.detail })
			.from(rejectedMutations)
			.where(
				and(
					eq(rejectedMutations.deviceId, deviceId),
					eq(rejectedMutations.mutationId, mutation.mutationId)
				)
			);
		return row ? (row.detail ? `${row.reason}: ${row.detail}` : row.reason) : 'unknown';
	};
}

async function awardOf(badgeId: string, personId: string) {
	const rows = await handle.db
		.select()
		.from(awards)
		.where(and(eq(awards.badgeId, badgeId), eq(awards.personId, personId)));
	return rows;
}

describe('badge.save', () => {
	it('saves a badge with a real PNG and a rule, then edits it', async () => {
		const push = device(admin);
		const args = badgeSaveArgs({
			image: `data:image/png;base64,${PNG}`,
			rule: {
				kind: 'contributions',
				count: 3,
				area: 'localization',
				activityType: null,
				withinDays: 90
			}
		});
		expect(await push('badge.save', args)).toBeNull();
		expect(await push('badge.save', { ...args, name: 'Translator II' })).toBeNull();
		const [row] = await handle.db.select().from(badges).where(eq(badges.id, args.id));
		expect(row.name).toBe('Translator II');
		expect(row.rule).toEqual(args.rule);
	});

	it('refuses bytes that are not an image, or not the declared type', async () => {
		const push = device(admin);
		const text = Buffer.from('hello, not a picture at all').toString('base64');
		expect(
			await push('badge.save', badgeSaveArgs({ image: `data:image/png;base64,${text}` }))
		).toBe('invalid: not_image');
		expect(
			await push('badge.save', badgeSaveArgs({ image: `data:image/jpeg;base64,${PNG}` }))
		).toBe('invalid: not_image');
	});

	it('refuses an image over the size limit', async () => {
		const push = device(admin);
		const huge = `data:image/png;base64,${PNG}${'A'.repeat(BADGE_IMAGE_MAX_CHARS)}`;
		expect(await push('badge.save', badgeSaveArgs({ image: huge }))).toMatch(/^invalid/);
	});

	it('refuses a rule naming an unknown area or the attended activity', async () => {
		const push = device(admin);
		const rule = { kind: 'contributions' as const, count: 1, activityType: null, withinDays: null };
		expect(await push('badge.save', badgeSaveArgs({ rule: { ...rule, area: 'astrology' } }))).toBe(
			'invalid: unknown_area'
		);
		expect(
			await push(
				'badge.save',
				badgeSaveArgs({ rule: { ...rule, area: null, activityType: 'attended' } })
			)
		).toBe('invalid: attended_activity');
	});

	it('refuses a slug another badge has', async () => {
		const push = device(admin);
		const first = badgeSaveArgs();
		expect(await push('badge.save', first)).toBeNull();
		expect(await push('badge.save', badgeSaveArgs({ slug: first.slug }))).toBe('conflict: slug');
	});

	it('is for admins only', async () => {
		expect(await device(organizer)('badge.save', badgeSaveArgs())).toBe('forbidden');
	});
});

describe('award.grant and award.revoke', () => {
	it('granting twice gives one award', async () => {
		const badgeId = await addBadge(handle.db);
		const push = device(organizer);
		const id = newId();
		expect(
			await push('award.grant', { id, badgeId, personId: member.personId, evidence: 'a' })
		).toBeNull();
		expect(
			await push('award.grant', { id: newId(), badgeId, personId: member.personId, evidence: 'b' })
		).toBeNull();
		const rows = await awardOf(badgeId, member.personId);
		expect(rows).toHaveLength(1);
		expect(rows[0].id).toBe(id);
	});

	it('revokes with a reason, refuses a second revocation, and a new grant reinstates it', async () => {
		const badgeId = await addBadge(handle.db);
		expect(
			await device(organizer)('award.grant', { badgeId, personId: member.personId, evidence: null })
		).toBeNull();
		const revoke = device(admin);
		const args = { badgeId, personId: member.personId, reason: 'Given by mistake' };
		expect(await device(organizer)('award.revoke', args)).toBe('forbidden');
		expect(await revoke('award.revoke', args)).toBeNull();
		let [row] = await awardOf(badgeId, member.personId);
		expect(row.revokedBy).toBe(admin.personId);
		expect(row.revocationReason).toBe('Given by mistake');
		expect(row.revokedAt).not.toBeNull();
		expect(await revoke('award.revoke', args)).toBe('not_found: award');
		expect(await revoke('award.revoke', { ...args, personId: other.personId })).toBe(
			'not_found: award'
		);
		expect(
			await device(organizer)('award.grant', { badgeId, personId: member.personId, evidence: 'ok' })
		).toBeNull();
		[row] = await awardOf(badgeId, member.personId);
		expect(row.revokedAt).toBeNull();
		expect(row.revocationReason).toBeNull();
	});

	it('refuses to grant an archived badge', async () => {
		const args = badgeSaveArgs({ archived: true });
		expect(await device(admin)('badge.save', args)).toBeNull();
		expect(
			await device(organizer)('award.grant', {
				badgeId: args.id,
				personId: member.personId,
				evidence: null
			})
		).toBe('closed: badge archived');
	});
});

describe('nominations', () => {
	async function nominate(badgeId: string, by: Actor = member, personId = other.personId) {
		const id = newId();
		const refusal = await device(by)('nomination.create', {
			id,
			badgeId,
			personId,
			reason: 'Ran the translation sprint'
		});
		expect(refusal).toBeNull();
		return id;
	}

	it('an approval awards the badge with the nomination as evidence', async () => {
		const badgeId = await addBadge(handle.db);
		const id = await nominate(badgeId);
		const awardId = newId();
		expect(await device(organizer)('nomination.decide', { id, approve: true, awardId })).toBeNull();
		const [nomination] = await handle.db.select().from(nominations).where(eq(nominations.id, id));
		expect(nomination.status).toBe('approved');
		expect(nomination.decidedBy).toBe(organizer.personId);
		const [award] = await awardOf(badgeId, other.personId);
		expect(award).toMatchObject({
			id: awardId,
			source: 'nomination',
			awardedBy: organizer.personId,
			evidence: 'Ran the translation sprint'
		});
		expect(await device(admin)('nomination.decide', { id, approve: false, awardId })).toBe(
			'already_decided'
		);
	});

	it('a decline changes only the status', async () => {
		const badgeId = await addBadge(handle.db);
		const id = await nominate(badgeId);
		expect(
			await device(organizer)('nomination.decide', { id, approve: false, awardId: newId() })
		).toBeNull();
		const [nomination] = await handle.db.select().from(nominations).where(eq(nominations.id, id));
		expect(nomination.status).toBe('declined');
		expect(await awardOf(badgeId, other.personId)).toHaveLength(0);
	});

	it('neither the nominee nor the nominator may decide, nor a plain member', async () => {
		const badgeId = await addBadge(handle.db);
		const nominee = await addPerson(handle.db, ['member', 'organizer']);
		const id = await nominate(badgeId, organizer, nominee.personId);
		const decide = { id, approve: true, awardId: newId() };
		expect(await device(nominee)('nomination.decide', decide)).toBe('forbidden');
		expect(await device(organizer)('nomination.decide', decide)).toBe('forbidden');
		expect(await device(member)('nomination.decide', decide)).toBe('forbidden');
		expect(await device(admin)('nomination.decide', decide)).toBeNull();
	});

	it('an approval reinstates a revoked award', async () => {
		const badgeId = await addBadge(handle.db);
		const grant = { badgeId, personId: other.personId, evidence: null };
		expect(await device(organizer)('award.grant', grant)).toBeNull();
		expect(
			await device(admin)('award.revoke', { badgeId, personId: other.personId, reason: 'Oops' })
		).toBeNull();
		const [before] = await awardOf(badgeId, other.personId);
		const id = await nominate(badgeId);
		expect(
			await device(organizer)('nomination.decide', { id, approve: true, awardId: newId() })
		).toBeNull();
		const [after] = await awardOf(badgeId, other.personId);
		expect(after).toMatchObject({ id: before.id, revokedAt: null, source: 'nomination' });
	});

	it('refuses approving a nomination for a badge archived since: nothing awarded', async () => {
		const badgeId = await addBadge(handle.db);
		const id = await nominate(badgeId);
		await handle.db.update(badges).set({ archived: true }).where(eq(badges.id, badgeId));
		expect(
			await device(organizer)('nomination.decide', { id, approve: true, awardId: newId() })
		).toBe('closed: badge archived');
		expect(await awardOf(badgeId, other.personId)).toEqual([]);
		const [nomination] = await handle.db.select().from(nominations).where(eq(nominations.id, id));
		expect(nomination.status).toBe('pending');
	});

	it('refuses nominating someone already awarded, oneself, or for an archived badge', async () => {
		const badgeId = await addBadge(handle.db);
		expect(
			await device(organizer)('award.grant', { badgeId, personId: other.personId, evidence: null })
		).toBeNull();
		const args = { id: newId(), badgeId, personId: other.personId, reason: 'Great work' };
		expect(await device(member)('nomination.create', args)).toBe('conflict: awarded');
		expect(
			await device(member)('nomination.create', { ...args, id: newId(), personId: member.personId })
		).toBe('forbidden');
		const archived = badgeSaveArgs({ archived: true });
		expect(await device(admin)('badge.save', archived)).toBeNull();
		expect(
			await device(member)('nomination.create', { ...args, id: newId(), badgeId: archived.id })
		).toBe('closed: badge archived');
	});
});

describe('a new rule', () => {
	it('is awarded at once to everyone already meeting it, by the rule', async () => {
		const push = device(member);
		expect(
			await push('contribution.log', {
				id: newId(),
				area: 'localization',
				activityType: 'translated',
				description: 'Translated the home screen',
				happenedOn: new Date().toISOString().slice(0, 10),
				link: null
			})
		).toBeNull();
		const args = badgeSaveArgs({
			rule: {
				kind: 'contributions',
				count: 1,
				area: 'localization',
				activityType: null,
				withinDays: null
			}
		});
		expect(await device(admin)('badge.save', args)).toBeNull();
		const [award] = await awardOf(args.id, member.personId);
		expect(award).toMatchObject({ source: 'rule', awardedBy: null });
	});
});
