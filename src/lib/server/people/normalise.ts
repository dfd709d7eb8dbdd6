/**
 * How two records are recognised as the same person: normalised email addresses, and names
 * compared by trigram similarity (the measure of PostgreSQL's pg_trgm, so the SQL path and
 * the fallback here agree). The SQL spellings of the same rules are next to them.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** Providers that ignore dots in the local part and treat googlemail.com as gmail.com. */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * An email address as its mailbox: trimmed and lower-cased, without a +tag, and for Gmail
 * without dots (j.doe+news@googlemail.com and jdoe@gmail.com are one mailbox).
 */
export function normaliseEmail(email: string): string {
	const address = email.trim().toLowerCase();
	const at = address.lastIndexOf('@');
	if (at < 0) return address;
	let local = address.slice(0, at).replace(/\+.*$/, '');
	let domain = address.slice(at + 1);
	if (GMAIL_DOMAINS.has(domain)) {
		local = local.replaceAll('.', '');
		domain = 'gmail.com';
	}
	return `${local}@${domain}`;
}

/** normaliseEmail in SQL, over a text column or expression. */
export function normalisedEmailSql(email: SQLWrapper): SQL {
	const address = sql`lower(trim(${email}))`;
	const local = sql`regexp_replace(split_part(${address}, '@', 1), '\\+.*$', '')`;
	const domain = sql`split_part(${address}, '@', 2)`;
	return sql`(case when ${domain} in ('gmail.com', 'googlemail.com')
		then replace(${local}, '.', '') || '@gmail.com'
		else ${local} || '@' || ${domain} end)`;
}

/**
 * Latin accents only (U+0300–U+036F): Zoë = Zoe, Martínez = Martinez. Marks of other scripts
 * (Devanagari vowel signs, Arabic harakat) carry meaning and stay.
 */
const LATIN_MARKS = /[\u0300-\u036f]/g;

/** Lower case, without Latin accents, words in a single-spaced, sorted order. */
export function normaliseName(name: string): string {
	return name
		.normalize('NFD')
		.replace(LATIN_MARKS, '')
		.toLowerCase()
		.split(/[^\p{L}\p{M}\p{N}]+/u)
		.filter((word) => word.length > 0)
		.sort()
		.join(' ');
}

/** A city for comparison, in SQL: lower case, without Latin accents, single spaces. */
export function normalisedCitySql(city: SQLWrapper): SQL {
	return sql`regexp_replace(lower(trim(regexp_replace(normalize(${city}, NFD), '[\\u0300-\\u036f]', '', 'g'))), '\\s+', ' ', 'g')`;
}

/** The words of a name without Latin accents, lower-cased (their order does not matter). */
export function normalisedNameSql(name: SQLWrapper): SQL {
	return sql`lower(regexp_replace(normalize(${name}, NFD), '[\\u0300-\\u036f]', '', 'g'))`;
}

/** pg_trgm's trigrams: each word padded with two spaces before and one after. */
function trigrams(text: string): Set<string> {
	const result = new Set<string>();
	for (const word of text.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u)) {
		if (word.length === 0) continue;
		const padded = [' ', ' ', ...word, ' '];
		for (let index = 0; index + 3 <= padded.length; index++)
			result.add(padded.slice(index, index + 3).join(''));
	}
	return result;
}

/** pg_trgm's similarity(): shared trigrams over all trigrams of both (0 to 1). */
export function trigramSimilarity(a: string, b: string): number {
	return setSimilarity(trigrams(a), trigrams(b));
}

export function setSimilarity(a: Set<string>, b: Set<string>): number {
	if (a.size === 0 || b.size === 0) return 0;
	let shared = 0;
	for (const trigram of a) if (b.has(trigram)) shared++;
	return shared / (a.size + b.size - shared);
}

export { trigrams as nameTrigrams };
