/**
 * The taxonomy editor's logic, apart from the markup: a new term's slug from its English name,
 * names and weights read from the inputs, the rows a reorder has to save.
 */
import { taxonomyTermSchema } from '$lib/domain/entities';
import type { SaveTaxonomyTermArgs } from '$lib/domain/mutations';
import { MAX_TERM_NAME_LENGTH, MAX_WEIGHT, taxonomySlug, type Term } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';

/** "Recorded a podcast!" → "recorded_a_podcast" (accents dropped; a leading digit gets "t_"). */
export function slugFrom(name: string): string {
	const words = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
	const slug = /^[0-9]/.test(words) ? `t_${words}` : words;
	return slug.slice(0, 40).replace(/_+$/, '');
}

/** Why a new term's slug cannot be used, as a message; null when it can. */
export function slugProblem(slug: string, existing: readonly Term[]): string | null {
	if (!taxonomySlug.safeParse(slug).success) return m.taxonomy_slug_invalid();
	if (existing.some((term) => term.slug === slug)) return m.taxonomy_slug_taken();
	return null;
}

/** A weight as typed: null for empty (counts as 1), undefined when it is not a weight. */
export function parseWeight(typed: string): number | null | undefined {
	const text = typed.trim();
	if (text === '') return null;
	const value = Number(text);
	return Number.isInteger(value) && value >= 0 && value <= MAX_WEIGHT ? value : undefined;
}

/** The names as typed per locale, empty ones left out; undefined when one is too long. */
export function parseNames(typed: Record<string, string>): Record<string, string> | undefined {
	const names: Record<string, string> = {};
	for (const [locale, name] of Object.entries(typed)) {
		const trimmed = name.trim();
		if (trimmed.length > MAX_TERM_NAME_LENGTH) return undefined;
		if (trimmed) names[locale] = trimmed;
	}
	return names;
}

/** A term as `taxonomy.save` takes it, with `changes` over it. */
export function saveArgs(term: Term, changes: Partial<SaveTaxonomyTermArgs> = {}) {
	const args = {
		kind: term.kind,
		slug: term.slug,
		names: term.names,
		weight: term.kind === 'activity' ? term.weight : null,
		archived: term.archived,
		position: term.position,
		...changes
	};
	return taxonomyTermSchema.omit({ version: true }).parse(args);
}

/**
 * Move the term at `index` by `step` (−1 up, +1 down): the rows to save so that the list reads
 * in the new order, each at ten times its place (only those whose position changes).
 */
export function reorder(
	terms: readonly Term[],
	index: number,
	step: -1 | 1
): SaveTaxonomyTermArgs[] {
	const target = index + step;
	if (target < 0 || target >= terms.length) return [];
	const order = [...terms];
	[order[index], order[target]] = [order[target], order[index]];
	return order.flatMap((term, place) =>
		term.position === place * 10 ? [] : [saveArgs(term, { position: place * 10 })]
	);
}

/** Where a new term of `kind` goes: after every other. */
export function nextPosition(terms: readonly Term[]): number {
	return terms.reduce((last, term) => Math.max(last, term.position), -10) + 10;
}

/** A locale's language named in the reader's language ("Spanish", "español"…). */
export function languageName(locale: string, reader: string): string {
	try {
		return new Intl.DisplayNames([reader], { type: 'language' }).of(locale) ?? locale;
	} catch {
		return locale;
	}
}
