/**
 * One person read by id for one viewer, as the JSON API and the public profile page answer
 * it: privacy decided by rows.ts toPerson (domain/privacy.ts), merged ids resolving to the
 * person who survived.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import type { Person } from '$lib/domain/entities';
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { toPerson } from '$lib/server/sync/rows';

/** Merges chain (A into B, later B into C); a longer chain than this is a data fault. */
const MAX_MERGE_HOPS = 10;

export type PersonLookup =
	/** Not a person id at all. */
	| { kind: 'malformed' }
	/** No such person, or one this viewer may not see: the two answer alike. */
	| { kind: 'hidden' }
	/** Merged: `person` is the merged row as the viewer may see it; `survivorId` is where it ends. */
	| { kind: 'merged'; person: Person; survivorId: string }
	/** Active or deleted, as the viewer may see them. */
	| { kind: 'found'; person: Person };

export const personIdSchema = z.uuid();

async function readRow(db: Database, id: string) {
	const [row] = await db.select().from(people).where(eq(people.id, id)).limit(1);
	return row;
}

/**
 * The person `id` as `viewer` (null: anyone on the web) may see them. A merged id is visible
 * only as far as the viewer may see both the merged row and the person it ends at, so an old
 * link never tells the public who someone became unless that person is public too.
 */
export async function lookUpPerson(
	db: Database,
	id: string,
	viewer: Actor | null
): Promise<PersonLookup> {
	if (!personIdSchema.safeParse(id).success) return { kind: 'malformed' };
	const row = await readRow(db, id);
	if (!row) return { kind: 'hidden' };
	const person = toPerson(row, viewer);
	if (!person) return { kind: 'hidden' };
	if (row.status !== 'merged') return { kind: 'found', person };

	let survivor = row;
	for (let hop = 0; survivor.status === 'merged' && survivor.mergedInto; hop++) {
		if (hop === MAX_MERGE_HOPS) return { kind: 'hidden' };
		const next = await readRow(db, survivor.mergedInto);
		if (!next) return { kind: 'hidden' };
		survivor = next;
	}
	if (survivor.status === 'merged' || !toPerson(survivor, viewer)) return { kind: 'hidden' };
	return { kind: 'merged', person, survivorId: survivor.id };
}
