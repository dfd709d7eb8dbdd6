import { eq } from 'drizzle-orm';
import { MutationRejected } from '$lib/domain/rejection';
import type { PersonStatus } from '$lib/domain/entities';
import type { Database, Transaction } from './create';
import { people } from './schema';

/** Merge chains are one hop (a merge refuses a merged survivor); the bound only stops a cycle. */
const MAX_HOPS = 20;

/**
 * The person an id stands for today: itself, or for a merged person the one it was merged
 * into, followed to the end (a device that has not pulled the merge still writes the old id).
 * Null for an unknown id or a cycle. The status tells a deleted person from an active one.
 */
export async function resolvePerson(
	db: Database | Transaction,
	id: string
): Promise<{ id: string; status: PersonStatus } | null> {
	let current = id;
	for (let hop = 0; hop < MAX_HOPS; hop++) {
		const [row] = await db
			.select({ status: people.status, mergedInto: people.mergedInto })
			.from(people)
			.where(eq(people.id, current));
		if (!row) return null;
		if (row.status !== 'merged' || row.mergedInto === null)
			return { id: current, status: row.status };
		current = row.mergedInto;
	}
	return null;
}

/**
 * The active person a check-in, registration or award is for: a merged id lands on the
 * survivor; a deleted or unknown person is not found (a row on an emptied person would be lost
 * to every count).
 */
export async function activePersonId(db: Database | Transaction, id: string): Promise<string> {
	const person = await resolvePerson(db, id);
	if (person?.status !== 'active') throw new MutationRejected('not_found', 'person');
	return person.id;
}
