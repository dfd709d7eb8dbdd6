/** Small builders for server specs: people to act as, pushed mutations with a sane clock. */
import type { Actor } from '$lib/domain/actor';
import type { Role } from '$lib/domain/entities';
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import type { PushedMutation } from '$lib/domain/sync-protocol';
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';

/** Insert a person (as sign-up would) and return them as an actor. */
export async function addPerson(db: Database, roles: Role[] = ['member']): Promise<Actor> {
	const id = newId();
	await db.transaction(async (tx) => {
		const version = await nextVersion(tx);
		await tx.insert(people).values({
			id,
			displayName: `Tester ${id.slice(-4)}`,
			email: `${id}@example.org`,
			roles,
			version
		});
	});
	return { personId: id, roles };
}

export function clock(millis = Date.now()): string {
	return encodeHlc({ millis, counter: 0, node: 'spec' });
}

export function logContribution(
	mutationId: number,
	overrides: Record<string, unknown> = {}
): PushedMutation {
	return {
		mutationId,
		name: 'contribution.log',
		args: {
			id: newId(),
			area: 'localization',
			activityType: 'translated',
			description: `Translated batch ${mutationId}`,
			happenedOn: new Date().toISOString().slice(0, 10),
			link: null,
			...overrides
		},
		hlc: clock()
	};
}
