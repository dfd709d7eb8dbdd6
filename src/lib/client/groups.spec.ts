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
import { MutationRejected } from '$lib/domain/rejection';
import type { DatabaseHandle } from '$lib/server/db';
import { groups, memberships } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { createTestDatabase } from '$lib/server/testing/database';
import { addGroup, addMembership, addPerson, groupSaveArgs } from '$lib/server/testing/fixtures';
import type { GatherDatabase } from './db';
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
