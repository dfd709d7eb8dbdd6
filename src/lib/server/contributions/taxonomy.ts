/** The taxonomy in force, read from the admins' rows (domain/taxonomy.ts effectiveTaxonomy). */
import { effectiveTaxonomy, loggableProblem, type Taxonomy } from '$lib/domain/taxonomy';
import { MutationRejected } from '$lib/domain/rejection';
import type { Transaction } from '$lib/server/db';
import { taxonomyTerms } from '$lib/server/db/schema';

export async function readTaxonomy(tx: Transaction): Promise<Taxonomy> {
	return effectiveTaxonomy(await tx.select().from(taxonomyTerms));
}

/** Refuses (as invalid, with the problem) an area and type that cannot be logged now. */
export function requireLoggable(taxonomy: Taxonomy, area: string, activityType: string): void {
	const problem = loggableProblem(taxonomy, area, activityType);
	if (problem) throw new MutationRejected('invalid', problem);
}
