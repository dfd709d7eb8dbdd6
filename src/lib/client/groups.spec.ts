/**
 * Groups and roles on the device: the local appliers of group.join, group.leave,
 * membership.set, group.save and person.setRoles show their effect at once, keep it when the
 * server agrees, undo it when the server refuses, and deletions pulled from the server remove
 * rows. Dexie on fake-indexeddb against the real push/pull handlers on PGlite.
 */
import 'fake-indexeddb/auto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { MutationRejected } from '$lib/domain/rejection';
import type { DatabaseHandle } from '$lib/server/db';
import { groups, memberships } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addGroup,
	addMembership,
	addPerson,
	addPersonWithProfile,
	groupSaveArgs
} from '$lib/server/testing/fixtures';
import type { GatherDatabase } from './db';
import { groupDetail, groupSummaries, groupsByKind, peopleNamed } from './group-queries';
import { runMutation } from './mutations';
import { device, serverTransport, sync } from './testing/harness';

let server: DatabaseHandle;
let admin: Actor;

beforeAll(async () => {
	server = await createTestDatabase();
	admin = await addPerson(server.db, ['member', 'admin']);
});
afterAll(() => server.close());

/** Sync `db` as `as`; the server may see someone else (`session`: roles changed meanwhile). */
const syncAs = (db: GatherDatabase, as: Actor, session: Actor = as) =>
	sync(db, as, serverTransport(server.db, session).transport);

async function refusalsOf(db: GatherDatabase, name: string) {
	return (await db.rejectedMutations.toArray()).filter((row) => row.name === name);
}

/** Change a group on the server behind the devices' backs (as another admin would). */
async function setPolicy(groupId: string, policy: 'open' | 'request' | 'closed') {
	await server.db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.update(groups).set({ policy, version }).where(eq(groups.id, groupId));
	});
}

describe('group.join and group.leave on the device', () => {
	it('joins an open group and asks to join a request group at once, then keeps the server rows', async () => {
		const person = await addPerson(server.db);
		const open = await addGroup(server.db, { policy: 'open' });
		const request = await addGroup(server.db, { policy: 'request' });
		const phone = device();
		await syncAs(phone, person);

		await runMutation(phone, person, 'group.join', { groupId: open });
		await runMutation(phone, person, 'group.join', { groupId: request });
		expect(await phone.memberships.get([open, person.personId])).toMatchObject({
			status: 'member',
			version: 0
		});
		expect(await phone.memberships.get([request, person.personId])).toMatchObject({
			status: 'pending',
			version: 0
		});

		await syncAs(phone, person);
		expect(await phone.outbox.count()).toBe(0);
		expect((await phone.memberships.get([open, person.personId]))?.version).toBeGreaterThan(0);
		expect(await phone.memberships.get([request, person.personId])).toMatchObject({
			status: 'pending'
		});
		expect((await phone.memberships.get([request, person.personId]))?.version).toBeGreaterThan(0);
	});

	it('refuses a closed group on the device, writing nothing', async () => {
		const person = await addPerson(server.db);
		const closed = await addGroup(server.db, { policy: 'closed' });
		const phone = device();
		await syncAs(phone, person);
		await expect(
			runMutation(phone, person, 'group.join', { groupId: closed })
		).rejects.toBeInstanceOf(MutationRejected);
		expect(await phone.memberships.get([closed, person.personId])).toBeUndefined();
		expect(await phone.outbox.count()).toBe(0);
	});

	it('discards a join the server refused (the group closed meanwhile) and says why', async () => {
		const person = await addPerson(server.db);
		const groupId = await addGroup(server.db, { policy: 'open' });
		const phone = device();
		await syncAs(phone, person);
		await runMutation(phone, person, 'group.join', { groupId });
		expect(await phone.memberships.get([groupId, person.personId])).toBeDefined();

		await setPolicy(groupId, 'closed');
		await syncAs(phone, person);
		expect(await phone.memberships.get([groupId, person.personId])).toBeUndefined();
		expect(await refusalsOf(phone, 'group.join')).toEqual([
			expect.objectContaining({ reason: 'forbidden', args: { groupId } })
		]);
		expect((await phone.groups.get(groupId))?.policy).toBe('closed');
	});

	it('leaves at once; the deletion reaches another person’s device', async () => {
		const person = await addPerson(server.db);
		const watcher = await addPerson(server.db);
		const groupId = await addGroup(server.db, { policy: 'open' });
		const phone = device();
		const other = device();
		await syncAs(phone, person);
		await runMutation(phone, person, 'group.join', { groupId });
		await syncAs(phone, person);
		await syncAs(other, watcher);
		expect(await other.memberships.get([groupId, person.personId])).toBeDefined();

		await runMutation(phone, person, 'group.leave', { groupId });
		expect(await phone.memberships.get([groupId, person.personId])).toBeUndefined();
		await syncAs(phone, person);
		expect(await phone.memberships.get([groupId, person.personId])).toBeUndefined();
		await syncAs(other, watcher);
		expect(await other.memberships.get([groupId, person.personId])).toBeUndefined();
	});

	it('a request declined before the requester syncs disappears from their device', async () => {
		const person = await addPerson(server.db);
		const curator = await addPerson(server.db);
		const groupId = await addGroup(server.db, { policy: 'request' });
		await addMembership(server.db, groupId, curator.personId, { curator: true });
		const phone = device();
		const desk = device();
		await syncAs(phone, person);
		await runMutation(phone, person, 'group.join', { groupId });
		await syncAs(phone, person);

		await syncAs(desk, curator);
		expect(await desk.memberships.get([groupId, person.personId])).toMatchObject({
			status: 'pending'
		});
		await runMutation(desk, curator, 'membership.set', {
			groupId,
			personId: person.personId,
			status: 'removed',
			curator: false
		});
		expect(await desk.memberships.get([groupId, person.personId])).toBeUndefined();
		await syncAs(desk, curator);
		await syncAs(phone, person);
		expect(await phone.memberships.get([groupId, person.personId])).toBeUndefined();
	});
});

describe('membership.set on the device', () => {
	let groupId: string;
	let curator: Actor;

	beforeAll(async () => {
		groupId = await addGroup(server.db, { policy: 'request' });
		curator = await addPerson(server.db);
		await addMembership(server.db, groupId, curator.personId, { curator: true });
	});

	it('approves a request and names a curator at once; the server agrees', async () => {
		const requester = await addPerson(server.db);
		await addMembership(server.db, groupId, requester.personId, { status: 'pending' });
		const desk = device();
		await syncAs(desk, curator);
		await runMutation(desk, curator, 'membership.set', {
			groupId,
			personId: requester.personId,
			status: 'member',
			curator: true
		});
		expect(await desk.memberships.get([groupId, requester.personId])).toMatchObject({
			status: 'member',
			curator: true
		});
		await syncAs(desk, curator);
		const [row] = await server.db
			.select()
			.from(memberships)
			.where(eq(memberships.personId, requester.personId));
		expect(row).toMatchObject({ status: 'member', curator: true });
		expect(await desk.memberships.get([groupId, requester.personId])).toMatchObject({
			status: 'member',
			curator: true,
			version: row.version
		});
	});

	it('refuses someone who does not curate the group, on the device', async () => {
		const member = await addPerson(server.db);
		await addMembership(server.db, groupId, member.personId);
		const phone = device();
		await syncAs(phone, member);
		await expect(
			runMutation(phone, member, 'membership.set', {
				groupId,
				personId: member.personId,
				status: 'member',
				curator: true
			})
		).rejects.toBeInstanceOf(MutationRejected);
		expect(await phone.memberships.get([groupId, member.personId])).toMatchObject({
			curator: false
		});
	});

	it('undoes an addition and a removal the server refused (the curator was removed meanwhile)', async () => {
		const former = await addPerson(server.db);
		const member = await addPerson(server.db);
		const newcomer = await addPerson(server.db);
		await addMembership(server.db, groupId, former.personId, { curator: true });
		await addMembership(server.db, groupId, member.personId);
		const desk = device();
		await syncAs(desk, former);

		await runMutation(desk, former, 'membership.set', {
			groupId,
			personId: newcomer.personId,
			status: 'member',
			curator: false
		});
		await runMutation(desk, former, 'membership.set', {
			groupId,
			personId: member.personId,
			status: 'removed',
			curator: false
		});
		expect(await desk.memberships.get([groupId, newcomer.personId])).toBeDefined();
		expect(await desk.memberships.get([groupId, member.personId])).toBeUndefined();

		// Another curator takes the curator role away before the desk syncs.
		const other = device();
		await syncAs(other, curator);
		await runMutation(other, curator, 'membership.set', {
			groupId,
			personId: former.personId,
			status: 'member',
			curator: false
		});
		await syncAs(other, curator);

		await syncAs(desk, former);
		expect(await desk.outbox.count()).toBe(0);
		expect(await refusalsOf(desk, 'membership.set')).toHaveLength(2);
		expect(await desk.memberships.get([groupId, newcomer.personId])).toBeUndefined();
		expect(await desk.memberships.get([groupId, member.personId])).toMatchObject({
			status: 'member'
		});
		expect(await desk.memberships.get([groupId, former.personId])).toMatchObject({
			curator: false
		});
	});
});

describe('group.save and person.setRoles on the device', () => {
	it('creates a group at once; the server confirms it', async () => {
		const laptop = device();
		await syncAs(laptop, admin);
		const args = groupSaveArgs();
		await runMutation(laptop, admin, 'group.save', args);
		expect(await laptop.groups.get(args.id)).toMatchObject({ name: args.name, version: 0 });
		await syncAs(laptop, admin);
		expect((await laptop.groups.get(args.id))?.version).toBeGreaterThan(0);
	});

	it('discards a new group whose slug another group took, and restores an edit refused', async () => {
		const laptop = device();
		const [first, second] = [groupSaveArgs(), groupSaveArgs()];
		await runMutation(laptop, admin, 'group.save', first);
		await runMutation(laptop, admin, 'group.save', second);
		await syncAs(laptop, admin);

		const clash = groupSaveArgs({ slug: first.slug });
		await runMutation(laptop, admin, 'group.save', clash);
		// An edit that takes another group's slug is refused as a whole.
		await runMutation(laptop, admin, 'group.save', {
			...second,
			name: 'Renamed offline',
			slug: first.slug
		});
		expect(await laptop.groups.get(clash.id)).toBeDefined();
		expect((await laptop.groups.get(second.id))?.name).toBe('Renamed offline');

		await syncAs(laptop, admin);
		expect(await laptop.groups.get(clash.id)).toBeUndefined();
		expect(await laptop.groups.get(second.id)).toMatchObject({
			name: second.name,
			slug: second.slug
		});
		expect((await refusalsOf(laptop, 'group.save')).map((row) => row.reason)).toEqual([
			'invalid',
			'invalid'
		]);
	});

	it('shows new roles at once; restores them when the server refuses (no longer an admin)', async () => {
		const target = await addPerson(server.db);
		const laptop = device();
		await syncAs(laptop, admin);
		await runMutation(laptop, admin, 'person.setRoles', {
			personId: target.personId,
			roles: ['mentor']
		});
		expect((await laptop.people.get(target.personId))?.roles).toEqual(['member', 'mentor']);
		await syncAs(laptop, admin);
		expect((await laptop.people.get(target.personId))?.roles).toEqual(['member', 'mentor']);

		// The device still thinks it is an admin; the server's session no longer says so.
		await runMutation(laptop, admin, 'person.setRoles', {
			personId: target.personId,
			roles: ['mentor', 'moderator']
		});
		expect((await laptop.people.get(target.personId))?.roles).toEqual([
			'member',
			'mentor',
			'moderator'
		]);
		await syncAs(laptop, admin, { ...admin, roles: ['member'] });
		expect((await laptop.people.get(target.personId))?.roles).toEqual(['member', 'mentor']);
		expect(await refusalsOf(laptop, 'person.setRoles')).toEqual([
			expect.objectContaining({ reason: 'forbidden' })
		]);
	});

	it('refuses an admin dropping their own admin role, on the device', async () => {
		const laptop = device();
		await syncAs(laptop, admin);
		await expect(
			runMutation(laptop, admin, 'person.setRoles', {
				personId: admin.personId,
				roles: ['member']
			})
		).rejects.toMatchObject({ reason: 'invalid' });
		expect(await laptop.outbox.count()).toBe(0);
	});
});

describe('what the group screens read from the device', () => {
	it('sums up each group: members counted without requests, where I stand, found by kind and name', async () => {
		const me = await addPerson(server.db);
		const [other, asking] = [await addPerson(server.db), await addPerson(server.db)];
		const team = await addGroup(server.db, { slug: `andes-${newId().slice(-8)}` });
		const region = await addGroup(server.db, { kind: 'region', policy: 'request' });
		await server.db.transaction(async (tx) => {
			const version = await nextVersion(tx);
			await tx.update(groups).set({ name: 'Región Andina', version }).where(eq(groups.id, team));
		});
		await addMembership(server.db, team, me.personId, { curator: true });
		await addMembership(server.db, team, other.personId);
		await addMembership(server.db, team, asking.personId, { status: 'pending' });
		await addMembership(server.db, region, me.personId, { status: 'pending' });
		const phone = device();
		await syncAs(phone, me);

		const summaries = await groupSummaries(phone, me.personId);
		const summaryOf = (id: string) => summaries.find((summary) => summary.group.id === id);
		expect(summaryOf(team)).toMatchObject({ members: 2, status: 'curator' });
		expect(summaryOf(region)).toMatchObject({ members: 0, status: 'requested' });

		const found = groupsByKind(summaries, ' REGION andina ', 'en');
		expect(found.team.map((summary) => summary.group.id)).toEqual([team]);
		expect(found.region).toEqual([]);
		expect(groupsByKind(summaries, '', 'en').region.map((row) => row.group.id)).toContain(region);
	});

	it('details a group: curators first, then by name; requests apart, oldest first; my membership', async () => {
		const groupId = await addGroup(server.db, { policy: 'request' });
		const named = async (displayName: string) => {
			const person = await addPersonWithProfile(server.db, { displayName });
			return person.personId;
		};
		const [zara, bea, carl, early, late] = [
			await named('Zara'),
			await named('Bea'),
			await named('Carl'),
			await named('Early'),
			await named('Late')
		];
		await addMembership(server.db, groupId, bea);
		await addMembership(server.db, groupId, zara, { curator: true });
		await addMembership(server.db, groupId, carl);
		await addMembership(server.db, groupId, early, { status: 'pending' });
		await addMembership(server.db, groupId, late, { status: 'pending' });
		const desk = device();
		await syncAs(desk, admin);

		const detail = await groupDetail(desk, groupId, bea, 'en');
		expect(detail?.members.map((row) => row.personId)).toEqual([zara, bea, carl]);
		expect(detail?.pending.map((row) => row.personId)).toEqual([early, late]);
		expect(detail?.curatorIds).toEqual([zara]);
		expect(detail?.mine).toMatchObject({ personId: bea, status: 'member' });
		expect(await groupDetail(desk, newId(), bea, 'en')).toBeNull();
	});

	it('finds active people by name, accents and case aside, leaving out the ones given', async () => {
		const marker = newId().slice(-6);
		const zoe = await addPersonWithProfile(server.db, { displayName: `Zoë Quill ${marker}` });
		const zoey = await addPersonWithProfile(server.db, { displayName: `Zoey Quill ${marker}` });
		await addPersonWithProfile(server.db, {
			displayName: `Zoe Quill ${marker} (merged)`,
			status: 'merged',
			mergedInto: zoe.personId
		});
		const desk = device();
		await syncAs(desk, admin);

		const names = async (query: string, except?: Set<string>) =>
			(await peopleNamed(desk, query, 'en', 10, except)).map((person) => person.id);
		expect(await names(`zoe quill ${marker}`)).toEqual([zoe.personId]);
		expect(await names(`QUILL ${marker}`)).toEqual([zoe.personId, zoey.personId]);
		expect(await names(`quill ${marker}`, new Set([zoe.personId]))).toEqual([zoey.personId]);
		expect(await names('   ')).toEqual([]);
	});
});
