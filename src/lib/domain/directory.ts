/**
 * The community directory's search as both sides understand it: how text is folded (case and
 * accents ignored), how a query splits into words, which fields a word may match, and the
 * filters — the same in the directory screen's URL (searched on the device) and in
 * GET /api/directory (searched by PostgreSQL).
 */
import { z } from 'zod';
import { languageTag, tag, text } from './entities';
import { AREAS } from './taxonomy';

/**
 * Case and accents ignored: NFD, the combining diacritical marks (U+0300–U+036F) removed,
 * lower case. "Élodie" → "elodie", "İzmir" → "izmir". The database's gather_search_fold()
 * (drizzle/0003) does the same in SQL.
 */
export function foldText(value: string): string {
	return value
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

/** The folded words of a text: runs of letters, digits and marks ("Node.js" → node, js). */
export function searchWords(value: string): string[] {
	return foldText(value)
		.split(/[^\p{L}\p{N}\p{M}]+/u)
		.filter((word) => word.length > 0);
}

/** Words of a query beyond this many are ignored (each one narrows the search further). */
export const MAX_QUERY_WORDS = 6;

/** The words of a search query: each must begin a word of the person's visible fields. */
export function queryWords(query: string | undefined): string[] {
	return query ? searchWords(query).slice(0, MAX_QUERY_WORDS) : [];
}

/**
 * How good a match is, best first: the name begins with the query, the name has the words
 * somewhere, or only other fields (city, skills, interests) do. Results come tier by tier,
 * alphabetically within each.
 */
export const MATCH_TIERS = ['starts', 'name', 'other'] as const;
export type MatchTier = (typeof MATCH_TIERS)[number];

/**
 * A language filter matches the tag and its regional variants: `pt` finds `pt-BR` speakers,
 * `pt-BR` only them. These are the keys a person's languages are found under.
 */
export function languageKeys(languages: readonly string[]): string[] {
	const keys = new Set<string>();
	for (const language of languages) {
		keys.add(language);
		keys.add(language.split('-')[0]);
	}
	return [...keys];
}

const optional = <Schema extends z.ZodType>(schema: Schema) =>
	z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

/** The search: free text and filters, every part optional. */
export const directoryFiltersSchema = z.object({
	q: optional(text().trim().max(100)),
	skill: optional(tag),
	language: optional(languageTag),
	country: optional(z.string().regex(/^[A-Z]{2}$/)),
	group: optional(z.uuid()),
	area: optional(z.enum(AREAS))
});
export type DirectoryFilters = z.infer<typeof directoryFiltersSchema>;
export const DIRECTORY_FILTERS = Object.keys(
	directoryFiltersSchema.shape
) as (keyof DirectoryFilters)[];

/**
 * The filters in a URL's query string. A part that does not parse (a hand-edited link) is
 * left out rather than failing the whole search.
 */
export function filtersFromParams(params: URLSearchParams): DirectoryFilters {
	const filters: DirectoryFilters = {};
	for (const key of DIRECTORY_FILTERS) {
		const parsed = directoryFiltersSchema.shape[key].safeParse(params.get(key) ?? undefined);
		if (parsed.success && parsed.data !== undefined) Object.assign(filters, { [key]: parsed.data });
	}
	return filters;
}

/** The filters as a query string (empty parts left out), for a link that repeats the search. */
export function filtersToParams(filters: DirectoryFilters): URLSearchParams {
	const params = new URLSearchParams();
	for (const key of DIRECTORY_FILTERS) {
		const value = filters[key];
		if (value) params.set(key, value);
	}
	return params;
}

/** True when nothing narrows the search: the directory lists everyone. */
export function isEmptySearch(filters: DirectoryFilters): boolean {
	return (
		queryWords(filters.q).length === 0 &&
		DIRECTORY_FILTERS.every((key) => key === 'q' || !filters[key])
	);
}
