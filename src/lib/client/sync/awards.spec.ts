/**
 * Automatic awarding seen from a device: contributions logged offline reach the server with
 * the next sync, the server awards the rule badges they earn in the same push, and the award
 * comes down with the pull into the device's Dexie. Real device code on fake-indexeddb, real
 * server handlers on PGlite.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import type { BadgeRule } from '$lib/domain/badge-rules';
import { newId } from '$lib/domain/ids';
import type { DatabaseHandle } from '$lib/server/db';
import { badges } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPerson } from '$lib/server/testing/fixtures';
import { runMutation } from '../mutations';
import { atTime, contribution, device, serverTransport, sync } from '../testing/harness';

let server: DatabaseHandle;
let actor: Actor;

beforeAll(async () => {
	server = await createTestDatabase();
	actor = await addPerson(server.db);
});
afterAll(() => server.close());

async function addRuleBadge(rule: BadgeRule): Promise<string> {
	const id = newId();
	await server.db.transaction(async (tx) => {
		await tx.insert(badges).values({
			id,
			slug: `rule-${id.replaceAll('-', '')}`,
			name: 'Rule badge',
			rule,
			version: await nextVersion(tx)
		});
	});
	return id;
}

describe('automatic awarding after offline contributions sync', () => {
	it('brings the rule award into the device, stamped with the last write', async () => {
		const three = await addRuleBadge({
			kind: 'contributions',
			count: 3,
			area: 'events',
			activityType: null,
			withinDays: 30
		});
		const four = await addRuleBadge({
			kind: 'contributions',
			count: 4,
			area: null,
			activityType: null,
			withinDays: null
		});
		const db = device();
		const { transport } = serverTransport(server.db, actor);
		await sync(db, actor, transport);
		expect(await db.awards.count()).toBe(0);

		// Offline since yesterday: three contributions wait in the outbox.
		const yesterday = Date.now() - 26 * 3600 * 1000;
		const written: number[] = [];
		for (const [index, hoursLater] of [0, 1, 2].entries()) {
			const at = yesterday + hoursLater * 3600 * 1000;
			written.push(at);
			await atTime(at, () =>
				runMutation(db, actor, 'contribution.log', {
					...contribution(`Set up the venue, part ${index + 1}`),
					happenedOn: new Date(at).toISOString().slice(0, 10)
				})
			);
		}
		expect(await db.outbox.count()).toBe(3);
		expect(await db.awards.count()).toBe(0);

		// Back online.
		await sync(db, actor, transport);
		expect(await db.outbox.count()).toBe(0);
		const awards = await db.awards.toArray();
		expect(awards).toHaveLength(1);
		expect(awards[0]).toMatchObject({
			badgeId: three,
			personId: actor.personId,
			source: 'rule',
			awardedBy: null,
			evidence: null,
			revokedAt: null,
			awardedAt: new Date(Math.max(...written)).toISOString()
		});
		expect(await db.awards.where('badgeId').equals(four).count()).toBe(0);

		// One more, logged offline today: the second rule is met at the next sync, once.
		await runMutation(db, actor, 'contribution.log', contribution('Packed up the banners'));
		await sync(db, actor, transport);
		await sync(db, actor, transport);
		expect((await db.awards.toArray()).map((award) => award.badgeId).sort()).toEqual(
			[three, four].sort()
		);
	});
});
