/**
 * Likely duplicates among active people: the same mailbox (normalise.ts), or similar names in
 * the same city. Names are compared with pg_trgm's similarity() in PostgreSQL when the
 * extension is installed; without it, the same measure runs here over the people who share a
 * city, found through an index of their names' trigrams (no comparison of every pair).
 */
import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DuplicatePair, DuplicateReason, PersonSummary } from '$lib/domain/people-admin';
import type { Database, Transaction } from '$lib/server/db';
import {
	awards,
	checkIns,
	contributions,
	credentials,
	memberships,
	people,
	registrations
} from '$lib/server/db/schema';
import {
	nameTrigrams,
	normalisedCitySql,
	normalisedEmailSql,
	normalisedNameSql,
	normaliseName,
	setSimilarity
} from './normalise';

type Reader = Database | Transaction;

/** Names at least this similar (pg_trgm similarity) in the same city are flagged. */
export const NAME_SIMILARITY = 0.6;
/** Pairs listed in one answer. */
export const DUPLICATES_LIMIT = 200;

export interface DuplicateCandidate {
	/** The two ids, smaller first. */
	a: string;
	b: string;
	reasons: DuplicateReason[];
	similarity: number | null;
}

const active = eq(people.status, 'active');

async function hasTrigramExtension(db: Reader): Promise<boolean> {
	const rows = await db
		.select({ found: sql<number>`1` })
		.from(sql`pg_extension`)
		.where(sql`extname = 'pg_trgm'`);
	return rows.length > 0;
}

/** Every pair of active people whose email addresses are the same mailbox. */
async function sameMailbox(db: Reader): Promise<[string, string][]> {
	const groups = await db
		.select({ ids: sql<string[]>`array_agg(${people.id}::text order by ${people.id})` })
		.from(people)
		.where(and(active, isNotNull(people.email)))
		.groupBy(normalisedEmailSql(people.email))
		.having(sql`count(*) > 1`);
	const pairs: [string, string][] = [];
	for (const { ids } of groups)
		for (let first = 0; first < ids.length; first++)
			for (let second = first + 1; second < ids.length; second++)
				pairs.push([ids[first], ids[second]]);
	return pairs;
}

/** Active people with a city, with that city and their names normalised (in SQL). */
function located(db: Reader, alias: string) {
	return db
		.select({
			id: sql<string>`${people.id}::text`.as('id'),
			displayName: people.displayName,
			name: sql<string>`${normalisedNameSql(people.displayName)}`.as('name'),
			city: sql<string>`${normalisedCitySql(people.city)}`.as('city'),
			country: people.country
		})
		.from(people)
		.where(and(active, isNotNull(people.city), ne(sql`btrim(${people.city})`, '')))
		.as(alias);
}

/** Same city: the same normalised name, and no two different countries. */
const sameCountry = (a: string | null, b: string | null) => a === null || b === null || a === b;

/** A column of an aliased subquery, qualified (Drizzle leaves computed columns bare). */
const column = (table: 'a' | 'b', name: 'id' | 'name' | 'city' | 'country') =>
	sql.raw(`"${table}"."${name}"`);

async function similarNamesInSql(db: Reader): Promise<DuplicateCandidate[]> {
	const similarity = sql<number>`similarity(${column('a', 'name')}, ${column('b', 'name')})`;
	const rows = await db
		.select({
			a: sql<string>`${column('a', 'id')}`,
			b: sql<string>`${column('b', 'id')}`,
			similarity
		})
		.from(located(db, 'a'))
		.innerJoin(
			located(db, 'b'),
			sql`${column('a', 'city')} = ${column('b', 'city')}
				and ${column('a', 'id')} < ${column('b', 'id')}
				and (${column('a', 'country')} is null or ${column('b', 'country')} is null
					or ${column('a', 'country')} = ${column('b', 'country')})`
		)
		.where(sql`${similarity} >= ${NAME_SIMILARITY}`);
	return rows.map((row) => ({
		a: row.a,
		b: row.b,
		reasons: ['name'],
		similarity: Number(row.similarity)
	}));
}

/** The fallback: people grouped by city here, candidates found through shared trigrams. */
async function similarNamesHere(db: Reader): Promise<DuplicateCandidate[]> {
	const everyone = located(db, 'located');
	const shared = db
		.select({ city: everyone.city })
		.from(everyone)
		.groupBy(everyone.city)
		.having(sql`count(*) > 1`);
	const rows = await db
		.select({
			id: everyone.id,
			displayName: everyone.displayName,
			city: everyone.city,
			country: everyone.country
		})
		.from(everyone)
		.where(inArray(everyone.city, shared));
	const byCity = new Map<string, typeof rows>();
	for (const row of rows) {
		const list = byCity.get(row.city) ?? [];
		list.push(row);
		byCity.set(row.city, list);
	}
	const found: DuplicateCandidate[] = [];
	for (const list of byCity.values()) {
		const grams = list.map((row) => nameTrigrams(normaliseName(row.displayName)));
		// trigram → the people (indexes into `list`) whose name has it
		const holders = new Map<string, number[]>();
		grams.forEach((set, index) => {
			for (const gram of set) {
				const entry = holders.get(gram) ?? [];
				entry.push(index);
				holders.set(gram, entry);
			}
		});
		for (let index = 0; index < list.length; index++) {
			const seen = new Set<number>();
			for (const gram of grams[index])
				for (const other of holders.get(gram) ?? []) if (other > index) seen.add(other);
			for (const other of seen) {
				const [first, second] = [list[index], list[other]];
				if (!sameCountry(first.country, second.country)) continue;
				const similarity = setSimilarity(grams[index], grams[other]);
				if (similarity < NAME_SIMILARITY) continue;
				const [a, b] = first.id < second.id ? [first.id, second.id] : [second.id, first.id];
				found.push({ a, b, reasons: ['name'], similarity });
			}
		}
	}
	return found;
}

/**
 * Pairs of active people that look like one person, most certain first: both reasons, then
 * the same mailbox, then by name similarity. `trigram` forces (or forbids) the SQL path.
 */
export async function findDuplicates(
	db: Reader,
	options: { trigram?: boolean } = {}
): Promise<DuplicateCandidate[]> {
	const useSql = options.trigram ?? (await hasTrigramExtension(db));
	const byPair = new Map<string, DuplicateCandidate>();
	for (const [a, b] of await sameMailbox(db))
		byPair.set(`${a}|${b}`, { a, b, reasons: ['email'], similarity: null });
	const names = useSql ? await similarNamesInSql(db) : await similarNamesHere(db);
	for (const pair of names) {
		const known = byPair.get(`${pair.a}|${pair.b}`);
		if (known) {
			known.reasons.push('name');
			known.similarity = pair.similarity;
		} else byPair.set(`${pair.a}|${pair.b}`, pair);
	}
	const rank = (pair: DuplicateCandidate) =>
		(pair.reasons.length === 2 ? 0 : pair.reasons[0] === 'email' ? 1 : 2) * 10 -
		(pair.similarity ?? 0);
	return [...byPair.values()].sort(
		(first, second) => rank(first) - rank(second) || first.a.localeCompare(second.a)
	);
}

/** How many rows of `table` belong to the person of the outer query. */
const countOf = (table: PgTable, personColumn: PgColumn) =>
	sql<number>`(select count(*)::int from ${table} where ${personColumn} = "people"."id")`;

/** Admin summaries of these people, with how much each has done (to choose who stays). */
export async function summarisePeople(
	db: Reader,
	ids: string[]
): Promise<Map<string, PersonSummary>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({
			id: people.id,
			displayName: people.displayName,
			email: people.email,
			city: people.city,
			country: people.country,
			roles: people.roles,
			createdAt: people.createdAt,
			contributions: countOf(contributions, contributions.personId),
			checkIns: countOf(checkIns, checkIns.personId),
			awards: countOf(awards, awards.personId),
			memberships: countOf(memberships, memberships.personId),
			registrations: countOf(registrations, registrations.personId),
			passkeys: countOf(credentials, credentials.personId)
		})
		.from(people)
		.where(inArray(people.id, ids));
	return new Map(
		rows.map((row) => [
			row.id,
			{
				id: row.id,
				displayName: row.displayName,
				email: row.email,
				city: row.city,
				country: row.country,
				roles: row.roles,
				createdAt: row.createdAt.toISOString(),
				activity: {
					contributions: row.contributions,
					checkIns: row.checkIns,
					awards: row.awards,
					memberships: row.memberships,
					registrations: row.registrations,
					passkeys: row.passkeys
				}
			}
		])
	);
}

/** The duplicates screen's answer: the first DUPLICATES_LIMIT pairs with both people. */
export async function duplicatesReport(
	db: Reader,
	options: { trigram?: boolean; limit?: number } = {}
): Promise<{ pairs: DuplicatePair[]; truncated: boolean }> {
	const limit = options.limit ?? DUPLICATES_LIMIT;
	const found = await findDuplicates(db, options);
	const listed = found.slice(0, limit);
	const summaries = await summarisePeople(db, [
		...new Set(listed.flatMap((pair) => [pair.a, pair.b]))
	]);
	const pairs: DuplicatePair[] = [];
	for (const pair of listed) {
		const a = summaries.get(pair.a);
		const b = summaries.get(pair.b);
		if (a && b) pairs.push({ a, b, reasons: pair.reasons, similarity: pair.similarity });
	}
	return { pairs, truncated: found.length > limit };
}
