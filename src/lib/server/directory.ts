/**
 * The community directory on the server (GET /api/directory), fast for a million people.
 *
 * What is searched are the columns the database computes on every write of a person
 * (schema.ts, drizzle/0003): `search_name` (the folded name, the sort order), `search_vector`
 * (name words with weight A, then the city, skills and interests — only those a member may see)
 * and `search_facets` (the visible skills, languages, country and areas). A private field is
 * never in them, so it can never match; results still leave through toPerson, which empties
 * whatever the viewer may not see.
 *
 * Results come tier by tier (domain/directory.ts MATCH_TIERS: the name begins with the query,
 * the name has the words, other fields have them), alphabetically within a tier, paged with a
 * cursor (tier, name, id). Each tier is found in one of two ways, because no single plan is fast
 * for every query:
 * - frequent matches: walk the first WALK_ENTRIES active people after the cursor in name order
 *   (people_directory_order_idx holds the vector and facets, so this reads the index alone)
 *   and keep those that match; a page of 20 is usually found within a few hundred entries;
 * - rare matches: when the walk did not fill the page, the same conditions go to the planner,
 *   which looks them up in the GIN indexes (few rows, then sorted).
 * "Name begins with" walks the name range itself, so a common first name that sorts late
 * ("Zoë") is as quick as one that sorts early.
 */
import { and, asc, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import {
	directoryFiltersSchema,
	foldText,
	MATCH_TIERS,
	queryWords,
	type DirectoryFilters
} from '$lib/domain/directory';
import type { Person } from '$lib/domain/entities';
import type { Database } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { toPerson } from '$lib/server/sync/rows';
import { rowsOf } from '$lib/server/db/rows';

export const DIRECTORY_PAGE_DEFAULT = 20;
export const DIRECTORY_PAGE_MAX = 50;
/**
 * How many index entries a walk reads before the planner takes over. Measured on a million
 * people (docs/benchmarks.md): a walk of this length costs a few milliseconds; below one match
 * in ~250 entries the GIN lookup is cheaper.
 */
export const WALK_ENTRIES = 20_000;

/** Where a page ended: the tier, and the last person's sort name and id in it. */
const cursorSchema = z.object({
	tier: z.enum([...MATCH_TIERS, 'all']),
	name: z.string().max(1000),
	id: z.uuid()
});
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(cursor: Cursor): string {
	return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, context: z.RefinementCtx): Cursor {
	try {
		return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
	} catch {
		context.addIssue({ code: 'custom', message: 'not a cursor this endpoint gave out' });
		return z.NEVER;
	}
}

/** GET /api/directory's query string: the filters, the page size and where to continue. */
export const directoryRequestSchema = directoryFiltersSchema.extend({
	limit: z.coerce.number().int().min(1).max(DIRECTORY_PAGE_MAX).default(DIRECTORY_PAGE_DEFAULT),
	cursor: z.string().max(2000).transform(decodeCursor).optional()
});
export type DirectoryRequest = z.infer<typeof directoryRequestSchema>;

export interface DirectoryPage {
	people: Person[];
	/** Pass back as `cursor` for the next page; null when this was the last. */
	nextCursor: string | null;
}

/** A LIKE pattern that matches `prefix` literally at the start. */
function startsWith(prefix: string): string {
	return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * A tsquery (cast, not parsed: lexemes are taken as they are) that every word begins a name
 * word ('n:w':*), or a name word or another visible word (('n:w':* | 'o:w':*)).
 */
function prefixQuery(words: readonly string[], where: 'name' | 'anywhere'): SQL {
	// Words are runs of letters, digits and marks (domain searchWords): nothing to escape.
	const query = words
		.map((word) => (where === 'name' ? `'n:${word}':*` : `('n:${word}':* | 'o:${word}':*)`))
		.join(' & ');
	return sql`${query}::tsquery`;
}

interface Plan {
	/** Bounds the walk to a range of the order (the name begins with …), when the tier has one. */
	range?: SQL;
	/** What a person in this tier matches, besides the range. */
	match?: SQL;
}

/** Each tier's conditions; `all` when there are no words (everyone, filtered). */
function tierPlans(words: readonly string[]): Partial<Record<Cursor['tier'], Plan>> {
	if (words.length === 0) return { all: {} };
	const inName = sql`search_vector @@ ${prefixQuery(words, 'name')}`;
	// The folded name begins with the query's words, in order: a range of the order itself.
	const begins = sql`search_name like ${' ' + startsWith(words.join(' '))}`;
	return {
		starts: { range: begins },
		name: { match: sql`${inName} and not (${begins})` },
		other: {
			match: sql`search_vector @@ ${prefixQuery(words, 'anywhere')} and not (${inName})`
		}
	};
}

/** The filters, as conditions on a row of people (or of a walk over its index) aliased `row`. */
function filterConditions(filters: DirectoryFilters): SQL | undefined {
	const facets: string[] = [];
	if (filters.skill) facets.push(`skill:${foldText(filters.skill)}`);
	// A person's facets hold each language and its primary subtag: `pt` also finds pt-BR.
	if (filters.language) facets.push(`language:${filters.language}`);
	if (filters.country) facets.push(`country:${filters.country}`);
	if (filters.area) facets.push(`area:${filters.area}`);
	return and(
		facets.length
			? sql`search_facets @> array[${sql.join(
					facets.map((facet) => sql`${facet}`),
					sql`, `
				)}]::text[]`
			: undefined,
		filters.group
			? sql`exists (select 1 from memberships m where m.group_id = ${filters.group}
				and m.person_id = row.id and m.status = 'member')`
			: undefined
	);
}

type Hit = { id: string; name: string };

function after(cursor: Cursor | undefined, tier: Cursor['tier']): SQL | undefined {
	if (!cursor || cursor.tier !== tier) return undefined;
	return sql`(search_name, id) > (${cursor.name}::text collate "C", ${cursor.id}::uuid)`;
}

/** Up to `count` people of one tier after the cursor, in order. */
async function findInTier(
	db: Database,
	plan: Plan,
	filters: SQL | undefined,
	from: SQL | undefined,
	count: number,
	walkEntries: number
): Promise<Hit[]> {
	const matches = and(plan.match, filters) ?? sql`true`;
	const scope = and(sql`status = 'active'`, plan.range, from);
	const walked = await db.execute<Hit>(sql`
		select id, search_name as name from (
			select id, search_name, search_vector, search_facets from people
			where ${scope} order by search_name, id limit ${walkEntries}
		) as row
		where ${matches} order by search_name, id limit ${count}`);
	const walk = rowsOf<Hit>(walked);
	if (walk.length === count) return walk;
	// Rare in the order (or the tier ends soon): look the matches up in the GIN indexes. The
	// planner is kept from walking again: its estimates for prefixes that match nothing (or
	// much less than it thinks) would have it read the whole order.
	return db.transaction(async (tx) => {
		await tx.execute(sql`set local enable_indexscan = off`);
		await tx.execute(sql`set local enable_indexonlyscan = off`);
		const looked = await tx.execute<Hit>(sql`
			select id, search_name as name from people as row
			where ${and(scope, matches)} order by search_name, id limit ${count}`);
		return rowsOf<Hit>(looked);
	});
}

/**
 * One page of the directory as `actor` may see it. `walkEntries` is for tests: both ways of
 * finding a tier must give the same answer.
 */
export async function searchDirectory(
	db: Database,
	actor: Actor,
	request: DirectoryRequest,
	{ walkEntries = WALK_ENTRIES }: { walkEntries?: number } = {}
): Promise<DirectoryPage> {
	const plans = tierPlans(queryWords(request.q));
	const filters = filterConditions(request);
	const tiers = Object.keys(plans) as Cursor['tier'][];
	const start = request.cursor ? tiers.indexOf(request.cursor.tier) : 0;
	const wanted = request.limit + 1;
	const hits: (Hit & { tier: Cursor['tier'] })[] = [];
	for (const tier of tiers.slice(Math.max(0, start))) {
		const found = await findInTier(
			db,
			plans[tier] ?? {},
			filters,
			after(request.cursor, tier),
			wanted - hits.length,
			walkEntries
		);
		hits.push(...found.map((hit) => ({ ...hit, tier })));
		if (hits.length === wanted) break;
	}
	const page = hits.slice(0, request.limit);
	const last = page.at(-1);
	return {
		people: await peopleInOrder(
			db,
			actor,
			page.map((hit) => hit.id)
		),
		nextCursor:
			hits.length > request.limit && last
				? encodeCursor({ tier: last.tier, name: last.name, id: last.id })
				: null
	};
}

async function peopleInOrder(db: Database, actor: Actor, ids: string[]): Promise<Person[]> {
	if (ids.length === 0) return [];
	const rows = await db
		.select()
		.from(people)
		.where(inArray(people.id, ids))
		.orderBy(asc(people.id));
	const byId = new Map(rows.map((row) => [row.id, row]));
	return ids.flatMap((id) => {
		const row = byId.get(id);
		const person = row ? toPerson(row, actor) : null;
		return person ? [person] : [];
	});
}
