/** The taxonomy in force, read from the admins' rows (domain/taxonomy.ts effectiveTaxonomy). */
import { effectiveTaxonomy, type Taxonomy } from '$lib/domain/taxonomy';
import type { Transaction } from '$lib/server/db';
import { taxonomyTerms } from '$lib/server/db/schema';

export async function readTaxonomy(tx: Transaction): Promise<Taxonomy> {
	return effectiveTaxonomy(await tx.select().from(taxonomyTerms));
}
