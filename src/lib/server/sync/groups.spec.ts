/**
 * Groups and roles on the server: joining by policy, leaving (a deletion every device
 * receives), curators deciding requests, who receives pending requests in a pull, admins
 * saving groups and setting roles. Real push and pull handlers on PGlite.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { newId } from '$lib/domain/ids';
import { pullResponseSchema, type PullResponse } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import { groups, memberships, people, rejectedMutations } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addGroup,
	addMembership,
	addPerson,
	clock,
	groupSaveArgs
} from '$lib/server/testing/fixtures';
import { handlePull } from './pull';
import { handlePush } from './push';

let handle: DatabaseHandle;
let admin: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	admin = await addPerson(handle.db, ['member', 'admin']);
});
afterAll(() => handle?.close());

/** A device of `actor`: pushes one mutation at a time and pulls from its own cursor. */
function device(initial: Actor) {
	let actor = initial;
	const deviceId = newId();
	let mutationId = 0;
	let cursor = 0;
	return {
		deviceId,
		/** The session now says this (roles changed since): later requests act as it. */
		actAs(next: Actor) {
			actor = next;
		},
		/**
		 * Push one mutation written at `millis` (the device's clock); resolves to its refusal
		 * reason, or null when applied.
		 */
		async push(name: string, args: unknown, millis = Date.now()): Promise<string | null> {
			const id = ++mutationId;
			const answer = await handlePush(handle.db, actor, {
				deviceId,
				mutations: [
					{
						mutationId: id,
						name,
						args,
						hlc: clock(millis)
					}
				]
			});
			expect(answer.lastMutationId).toBe(id);
			if (answer.applied === 1) return null;
			const [refusal] = await handle.db
				.select({ reason: rejectedMutations.reason })
				.from(rejectedMutations)
				.where(and(eq(rejectedMutations.deviceId, deviceId), eq(rejectedMutations.mutationId, id)));
			return refusal?.reason ?? 'missing';
		},
		/** Every page after this device's cursor, merged; the cursor moves on. */
		async pull() {
			const pages: PullResponse[] = [];
			for (;;) {
				const page = pullResponseSchema.parse(
					await handlePull(handle.db, actor, { deviceId, cursor })
				);
				pages.push(page);
				cursor = page.cursor;
				if (!page.more) break;
			}
			return {
				memberships: pages.flatMap((page) => page.changes.memberships),
				groups: pages.flatMap((page) => page.changes.groups),
				people: pages.flatMap((page) => page.changes.people),
				deletions: pages.flatMap((page) => page.deletions)
			};
		}
	};
}

async function membershipOf(groupId: string, personId: string) {
	const [row] = await handle.db
		.select()
		.from(memberships)
		.where(and(eq(memberships.groupId, groupId), eq(memberships.personId, personId)));
	return row;
}

describe('group.join', () => {
	it('makes a member of an open group at once', async () => {
		const person = await addPerson(handle.db);
		const groupId = await addGroup(handle.db, { policy: 'open' });
		expect(await device(person).push('group.join', { groupId })).toBeNull();
		expect(await membershipOf(groupId, person.personId)).toMatchObject({
			status: 'member',
			curator: false
		});
	});

	it('asks to join a by-request group: the membership is pending', async () => {
		const person = await addPerson(handle.db);
		const groupId = await addGroup(handle.db, { policy: 'request' });
		expect(await device(person).push('group.join', { groupId })).toBeNull();
		expect(await membershipOf(groupId, person.personId)).toMatchObject({ status: 'pending' });
	});

	it('refuses a closed group and an archived one, writing nothing', async () => {
		const person = await addPerson(handle.db);
		const closed = await addGroup(handle.db, { policy: 'closed' });
		const archived = await addGroup(handle.db, { policy: 'open', archived: true });
		const phone = device(person);
		expect(await phone.push('group.join', { groupId: closed })).toBe('forbidden');
		expect(await phone.push('group.join', { groupId: archived })).toBe('forbidden');
		expect(await phone.push('group.join', { groupId: newId() })).toBe('not_found');
		expect(await membershipOf(closed, person.personId)).toBeUndefined();
		expect(await membershipOf(archived, person.personId)).toBeUndefined();
	});

	it('joining twice keeps one membership and its status', async () => {
		const person = await addPerson(handle.db);
		const groupId = await addGroup(handle.db, { policy: 'request' });
		const phone = device(person);
		expect(await phone.push('group.join', { groupId })).toBeNull();
		expect(await phone.push('group.join', { groupId })).toBeNull();
		const rows = await handle.db.select().from(memberships).where(eq(memberships.groupId, groupId));
		expect(rows).toHaveLength(1);
		expect(rows[0].status).toBe('pending');
	});
});

describe('group.leave', () => {
	it('records a deletion that another device of another person receives in its next pull', async () => {
		const person = await addPerson(handle.db);
		const watcher = device(await addPerson(handle.db));
		const groupId = await addGroup(handle.db, { policy: 'open' });
		const phone = device(person);
		await phone.push('group.join', { groupId });
		const before = await watcher.pull();
		expect(before.memberships).toContainEqual(
			expect.objectContaining({ groupId, personId: person.personId, status: 'member' })
		);

		expect(await phone.push('group.leave', { groupId })).toBeNull();
		expect(await membershipOf(groupId, person.personId)).toBeUndefined();
		const after = await watcher.pull();
		expect(after.deletions).toContainEqual({
			table: 'memberships',
			key: [groupId, person.personId]
		});
		expect(after.memberships.filter((row) => row.groupId === groupId)).toEqual([]);
	});

	it("a refused leave keeps the membership and sends it back to the author's devices", async () => {
		const person = await addPerson(handle.db);
		const groupId = await addGroup(handle.db, { policy: 'open' });
		const phone = device(person);
		expect(await phone.push('group.join', { groupId })).toBeNull();
		await phone.pull();

		// The phone's clock runs an hour ahead: the server refuses the write.
		expect(await phone.push('group.leave', { groupId }, Date.now() + 3_600_000)).toBe('clock');
		expect(await membershipOf(groupId, person.personId)).toMatchObject({ status: 'member' });
		// The phone deleted its copy when it left: the next pull must restore it.
		expect((await phone.pull()).memberships).toContainEqual(
			expect.objectContaining({ groupId, personId: person.personId, status: 'member' })
		);
	});

	it('leaving a group one is not in changes nothing and records no deletion', async () => {
		const person = await addPerson(handle.db);
		const watcher = device(await addPerson(handle.db));
		const groupId = await addGroup(handle.db);
		await watcher.pull();
		expect(await device(person).push('group.leave', { groupId })).toBeNull();
		expect((await watcher.pull()).deletions).toEqual([]);
	});
});

describe('membership.set', () => {
	let groupId: string;
	let curator: Actor;
	let member: Actor;

	beforeAll(async () => {
		groupId = await addGroup(handle.db, { policy: 'request' });
		curator = await addPerson(handle.db);
		member = await addPerson(handle.db);
		await addMembership(handle.db, groupId, curator.personId, { curator: true });
		await addMembership(handle.db, groupId, member.personId);
	});

	it('is refused to members and outsiders who do not curate the group', async () => {
		const requester = await addPerson(handle.db);
		await device(requester).push('group.join', { groupId });
		const outsider = await addPerson(handle.db);
		for (const actor of [member, outsider, requester]) {
			const phone = device(actor);
			expect(
				await phone.push('membership.set', {
					groupId,
					personId: requester.personId,
					status: 'member',
					curator: false
				})
			).toBe('forbidden');
			expect(
				await phone.push('membership.set', {
					groupId,
					personId: member.personId,
					status: 'removed',
					curator: false
				})
			).toBe('forbidden');
		}
		expect(await membershipOf(groupId, requester.personId)).toMatchObject({ status: 'pending' });
		expect(await membershipOf(groupId, member.personId)).toMatchObject({ status: 'member' });
	});

	it('lets a curator approve one request and decline another', async () => {
		const approved = await addPerson(handle.db);
		const declined = await addPerson(handle.db);
		await device(approved).push('group.join', { groupId });
		await device(declined).push('group.join', { groupId });
		const watcher = device(declined);
		await watcher.pull();

		const desk = device(curator);
		expect(
			await desk.push('membership.set', {
				groupId,
				personId: approved.personId,
				status: 'member',
				curator: false
			})
		).toBeNull();
		expect(
			await desk.push('membership.set', {
				groupId,
				personId: declined.personId,
				status: 'removed',
				curator: false
			})
		).toBeNull();
		expect(await membershipOf(groupId, approved.personId)).toMatchObject({ status: 'member' });
		expect(await membershipOf(groupId, declined.personId)).toBeUndefined();
		// The declined person's device drops its request.
		expect((await watcher.pull()).deletions).toContainEqual({
			table: 'memberships',
			key: [groupId, declined.personId]
		});
	});

	it('lets a curator add someone, make and unmake a curator, and remove a member', async () => {
		const added = await addPerson(handle.db);
		const desk = device(curator);
		const set = (curatorFlag: boolean, status: 'member' | 'removed' = 'member') =>
			desk.push('membership.set', {
				groupId,
				personId: added.personId,
				status,
				curator: curatorFlag
			});
		expect(await set(false)).toBeNull();
		expect(await membershipOf(groupId, added.personId)).toMatchObject({
			status: 'member',
			curator: false
		});
		expect(await set(true)).toBeNull();
		expect(await membershipOf(groupId, added.personId)).toMatchObject({ curator: true });
		expect(await set(false)).toBeNull();
		expect(await membershipOf(groupId, added.personId)).toMatchObject({ curator: false });
		expect(await set(false, 'removed')).toBeNull();
		expect(await membershipOf(groupId, added.personId)).toBeUndefined();
	});

	it('lets an admin decide without curating, and refuses an unknown person or group', async () => {
		const requester = await addPerson(handle.db);
		await device(requester).push('group.join', { groupId });
		const desk = device(admin);
		expect(
			await desk.push('membership.set', {
				groupId,
				personId: requester.personId,
				status: 'member',
				curator: false
			})
		).toBeNull();
		expect(await membershipOf(groupId, requester.personId)).toMatchObject({ status: 'member' });
		expect(
			await desk.push('membership.set', {
				groupId,
				personId: newId(),
				status: 'member',
				curator: false
			})
		).toBe('not_found');
		expect(
			await desk.push('membership.set', {
				groupId: newId(),
				personId: requester.personId,
				status: 'member',
				curator: false
			})
		).toBe('not_found');
	});
});

describe('pending requests in pull', () => {
	it('reach the requester, the curators and admins; never other members or outsiders', async () => {
		const groupId = await addGroup(handle.db, { policy: 'request' });
		const curator = await addPerson(handle.db);
		const member = await addPerson(handle.db);
		const outsider = await addPerson(handle.db);
		const requester = await addPerson(handle.db);
		await addMembership(handle.db, groupId, curator.personId, { curator: true });
		await addMembership(handle.db, groupId, member.personId);
		await device(requester).push('group.join', { groupId });

		const pending = expect.objectContaining({
			groupId,
			personId: requester.personId,
			status: 'pending'
		});
		for (const actor of [requester, curator, admin])
			expect((await device(actor).pull()).memberships).toContainEqual(pending);
		for (const actor of [member, outsider]) {
			const { memberships: seen } = await device(actor).pull();
			expect(seen.filter((row) => row.status === 'pending')).toEqual([]);
			// Members themselves are public to every member.
			expect(seen).toContainEqual(
				expect.objectContaining({ groupId, personId: curator.personId, curator: true })
			);
		}
	});

	it('reach a new curator in their next pull, requests made before included', async () => {
		const groupId = await addGroup(handle.db, { policy: 'request' });
		const requester = await addPerson(handle.db);
		const promoted = await addPerson(handle.db);
		await addMembership(handle.db, groupId, promoted.personId);
		await device(requester).push('group.join', { groupId });
		const phone = device(promoted);
		const before = await phone.pull();
		expect(before.memberships.filter((row) => row.status === 'pending')).toEqual([]);

		expect(
			await device(admin).push('membership.set', {
				groupId,
				personId: promoted.personId,
				status: 'member',
				curator: true
			})
		).toBeNull();
		const after = await phone.pull();
		expect(after.memberships).toContainEqual(
			expect.objectContaining({ groupId, personId: requester.personId, status: 'pending' })
		);
	});

	it('reach a new admin in their next pull, for every group', async () => {
		const groupId = await addGroup(handle.db, { policy: 'request' });
		const requester = await addPerson(handle.db);
		await device(requester).push('group.join', { groupId });
		const future = await addPerson(handle.db);
		const phone = device(future);
		const before = await phone.pull();
		expect(before.memberships.filter((row) => row.status === 'pending')).toEqual([]);
		expect(
			await device(admin).push('person.setRoles', {
				personId: future.personId,
				roles: ['member', 'admin']
			})
		).toBeNull();
		// The session reads roles afresh: the next pull acts as an admin, from the same cursor.
		phone.actAs({ ...future, roles: ['member', 'admin'] });
		const { memberships: seen } = await phone.pull();
		expect(seen).toContainEqual(
			expect.objectContaining({ groupId, personId: requester.personId, status: 'pending' })
		);
	});
	it('leave the devices of a curator unnamed or gone and of an admin no longer one; the others keep them', async () => {
		const groupId = await addGroup(handle.db, { policy: 'request' });
		const requester = await addPerson(handle.db);
		const [unnamed, leaving, staying] = await Promise.all(
			[1, 2, 3].map(() => addPerson(handle.db))
		);
		const demoted = await addPerson(handle.db, ['member', 'admin']);
		for (const curator of [unnamed, leaving, staying])
			await addMembership(handle.db, groupId, curator.personId, { curator: true });
		await device(requester).push('group.join', { groupId });
		const key: [string, string] = [groupId, requester.personId];
		const devices = new Map(
			[requester, unnamed, leaving, staying, demoted].map((actor) => [actor, device(actor)])
		);
		for (const phone of devices.values())
			expect(
				(await phone.pull()).memberships.map((row) => [row.groupId, row.personId])
			).toContainEqual(key);

		const desk = device(admin);
		expect(
			await desk.push('membership.set', {
				groupId,
				personId: unnamed.personId,
				status: 'member',
				curator: false
			})
		).toBeNull();
		expect(await devices.get(leaving)!.push('group.leave', { groupId })).toBeNull();
		expect(
			await desk.push('person.setRoles', { personId: demoted.personId, roles: ['member'] })
		).toBeNull();
		devices.get(demoted)!.actAs({ ...demoted, roles: ['member'] });

		/** Whether the device still holds the request after its pull: deletions go first. */
		async function holds(actor: Actor) {
			const page = await devices.get(actor)!.pull();
			const deleted = page.deletions.some(
				(deletion) => deletion.table === 'memberships' && `${deletion.key}` === `${key}`
			);
			const sent = page.memberships.some(
				(row) => row.groupId === groupId && row.personId === requester.personId
			);
			return sent || !deleted;
		}
		for (const actor of [unnamed, leaving, demoted]) expect(await holds(actor)).toBe(false);
		for (const actor of [requester, staying]) expect(await holds(actor)).toBe(true);
		expect(await membershipOf(groupId, requester.personId)).toMatchObject({ status: 'pending' });
	});
});

describe('group.save', () => {
	it('is refused to everyone but admins', async () => {
		for (const roles of [['member'], ['member', 'organizer', 'moderator', 'mentor']] as const) {
			const actor = await addPerson(handle.db, [...roles]);
			const args = groupSaveArgs();
			expect(await device(actor).push('group.save', args)).toBe('forbidden');
			expect(await handle.db.select().from(groups).where(eq(groups.id, args.id))).toEqual([]);
		}
	});

	it('creates and edits a group; every member receives it', async () => {
		const args = groupSaveArgs({ kind: 'region', country: 'AR', policy: 'request' });
		const desk = device(admin);
		expect(await desk.push('group.save', args)).toBeNull();
		const watcher = device(await addPerson(handle.db));
		expect((await watcher.pull()).groups).toContainEqual(
			expect.objectContaining({ id: args.id, name: args.name, country: 'AR' })
		);
		expect(
			await desk.push('group.save', { ...args, name: 'Argentina', archived: true })
		).toBeNull();
		expect((await watcher.pull()).groups).toEqual([
			expect.objectContaining({ id: args.id, name: 'Argentina', archived: true })
		]);
	});

	it('refuses a slug another group has as invalid, not as a server error', async () => {
		const first = groupSaveArgs();
		const desk = device(admin);
		expect(await desk.push('group.save', first)).toBeNull();
		const second = groupSaveArgs({ slug: first.slug });
		expect(await desk.push('group.save', second)).toBe('invalid');
		expect(await handle.db.select().from(groups).where(eq(groups.id, second.id))).toEqual([]);
		// The same group keeps its own slug when edited.
		expect(await desk.push('group.save', { ...first, description: 'Edited' })).toBeNull();
	});

	it('refuses a bad slug and an area group without its area', async () => {
		const desk = device(admin);
		expect(await desk.push('group.save', groupSaveArgs({ slug: 'Not A Slug' }))).toBe('invalid');
		expect(await desk.push('group.save', groupSaveArgs({ kind: 'area', area: null }))).toBe(
			'invalid'
		);
		expect(
			await desk.push('group.save', groupSaveArgs({ kind: 'area', area: 'localization' }))
		).toBeNull();
	});
});

describe('person.setRoles', () => {
	async function rolesOf(personId: string) {
		const [row] = await handle.db
			.select({ roles: people.roles })
			.from(people)
			.where(eq(people.id, personId));
		return row?.roles;
	}

	it('is refused to everyone but admins', async () => {
		const target = await addPerson(handle.db);
		for (const roles of [['member'], ['member', 'organizer', 'moderator', 'mentor']] as const) {
			const actor = await addPerson(handle.db, [...roles]);
			expect(
				await device(actor).push('person.setRoles', {
					personId: target.personId,
					roles: ['member', 'admin']
				})
			).toBe('forbidden');
			// Not even for themselves.
			expect(
				await device(actor).push('person.setRoles', {
					personId: actor.personId,
					roles: ['member', 'admin']
				})
			).toBe('forbidden');
		}
		expect(await rolesOf(target.personId)).toEqual(['member']);
	});

	it('lets an admin set roles; member is always kept', async () => {
		const target = await addPerson(handle.db);
		const desk = device(admin);
		expect(
			await desk.push('person.setRoles', {
				personId: target.personId,
				roles: ['organizer', 'mentor']
			})
		).toBeNull();
		expect(await rolesOf(target.personId)).toEqual(['member', 'organizer', 'mentor']);
		expect(await desk.push('person.setRoles', { personId: target.personId, roles: [] })).toBeNull();
		expect(await rolesOf(target.personId)).toEqual(['member']);
		expect(await desk.push('person.setRoles', { personId: newId(), roles: ['volunteer'] })).toBe(
			'not_found'
		);
	});

	it('refuses an admin dropping their own admin role', async () => {
		const self = await addPerson(handle.db, ['member', 'admin']);
		expect(
			await device(self).push('person.setRoles', {
				personId: self.personId,
				roles: ['member', 'organizer']
			})
		).toBe('invalid');
		expect(await rolesOf(self.personId)).toEqual(['member', 'admin']);
		// Another admin may.
		expect(
			await device(admin).push('person.setRoles', { personId: self.personId, roles: ['member'] })
		).toBeNull();
		expect(await rolesOf(self.personId)).toEqual(['member']);
	});
});
