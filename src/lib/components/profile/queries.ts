/** What profile screens read from the device's database, for LiveQuery. */
import type { GatherDatabase } from '$lib/client/db';
import type { Group, Person } from '$lib/domain/entities';

/** A person's row and the groups they are a member of (not pending, not archived), by name. */
export async function profileOf(
	database: GatherDatabase,
	personId: string
): Promise<{ person: Person | undefined; groups: Group[] }> {
	return database.transaction(
		'r',
		database.people,
		database.memberships,
		database.groups,
		async () => {
			const person = await database.people.get(personId);
			const memberships = await database.memberships.where('personId').equals(personId).toArray();
			const ids = memberships.filter((row) => row.status === 'member').map((row) => row.groupId);
			const groups = (await database.groups.bulkGet(ids)).filter(
				(group): group is Group => group !== undefined && !group.archived
			);
			groups.sort((a, b) => a.name.localeCompare(b.name));
			return { person, groups };
		}
	);
}

/** A person's row, wrapped: "not on this device" (no row) differs from "still loading". */
export async function personOf(
	database: GatherDatabase,
	personId: string
): Promise<{ person: Person | undefined }> {
	return { person: await database.people.get(personId) };
}
