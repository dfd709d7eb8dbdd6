/**
 * Duplicate detection on real PGlite, twice: with pg_trgm's similarity() in SQL, and with the
 * fallback that compares the same trigrams here. Both must find exactly the same pairs.
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '$lib/server/db';
import * as schema from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile } from '$lib/server/testing/fixtures';
import { duplicatesReport, findDuplicates, type DuplicateCandidate } from './duplicates';
import { normaliseEmail, normaliseName, trigramSimilarity } from './normalise';
import { addContribution } from './spec-fixtures';

describe('normalisation', () => {
	it('reduces an address to its mailbox', () => {
		expect(normaliseEmail('  J.Doe+News@GoogleMail.com ')).toBe('jdoe@gmail.com');
		expect(normaliseEmail('jdoe@gmail.com')).toBe('jdoe@gmail.com');
		expect(normaliseEmail('ann+crm@example.org')).toBe('ann@example.org');
		// Dots matter outside Gmail.
		expect(normaliseEmail('a.nn@example.org')).toBe('a.nn@example.org');
	});

	it('compares names without accents, case or word order', () => {
		expect(normaliseName('Zoë  MARTÍNEZ-López')).toBe('lopez martinez zoe');
		expect(normaliseName('Martinez Lopez, zoe')).toBe('lopez martinez zoe');
		// Marks of other scripts are part of the name.
		expect(normaliseName('प्रिया')).toBe('प्रिया');
	});

	it("measures similarity as pg_trgm's similarity() does", () => {
		expect(trigramSimilarity('jon smith', 'john smith')).toBeCloseTo(0.61538464, 6);
		expect(trigramSimilarity('smith jon', 'jon smith')).toBe(1);
		expect(trigramSimilarity('', 'jon')).toBe(0);
	});
});

/** The people of every case, inserted into `db`; returns their ids by name. */
async function addCases(db: Database) {
	const people: Record<string, Parameters<typeof addPersonWithProfile>[1]> = {
		gmailDots: { displayName: 'Jane Doe', email: 'j.doe+news@googlemail.com' },
		gmailPlain: { displayName: 'J. Doe', email: 'jdoe@gmail.com' },
		tagged: { displayName: 'Ann Lee', email: 'ann+crm@example.org' },
		untagged: { displayName: 'Ann Lee', email: 'ann@example.org', city: 'Lima', country: 'PE' },
		dotted: { displayName: 'A. Nn', email: 'a.nn@example.org' },
		accented: { displayName: 'Zoë Martínez', city: 'Madrid', country: 'ES' },
		reordered: { displayName: 'martinez zoe', city: ' madrid ', country: null },
		jon: { displayName: 'Jon Smith', city: 'London', country: 'GB' },
		john: { displayName: 'John Smith', city: 'London', country: 'GB' },
		johnParis: { displayName: 'John Smith', city: 'Paris', country: 'FR' },
		johnParisTexas: { displayName: 'John Smith', city: 'Paris', country: 'US' },
		maria: { displayName: 'María López', city: 'London', country: 'GB' },
		// Same mailbox and a similar name in the same city: both reasons.
		both: { displayName: 'Kim Park', email: 'kim.park@gmail.com', city: 'Seoul' },
		bothToo: { displayName: 'Park Kim', email: 'kimpark@gmail.com', city: 'Seoul' },
		// Inactive people are never proposed.
		merged: { displayName: 'Jon Smith', city: 'London', status: 'merged', email: null },
		deleted: { displayName: 'John Smith', city: 'London', status: 'deleted', email: null },
		noCity: { displayName: 'Jon Smith', city: null },
		blankCity: { displayName: 'Jon Smith', city: '  ' }
	};
	const ids: Record<string, string> = {};
	for (const [name, values] of Object.entries(people))
		ids[name] = (await addPersonWithProfile(db, values)).personId;
	return ids;
}

/** Pairs as [first name, second name, reasons], names in the order of the cases. */
function named(pairs: DuplicateCandidate[], ids: Record<string, string>) {
	const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
	const order = Object.keys(ids);
	return pairs.map((pair) => {
		const names = [nameOf.get(pair.a)!, nameOf.get(pair.b)!].sort(
			(x, y) => order.indexOf(x) - order.indexOf(y)
		);
		return [...names, pair.reasons.join('+')];
	});
}

const EXPECTED = [
	['both', 'bothToo', 'email+name'],
	['gmailDots', 'gmailPlain', 'email'],
	['tagged', 'untagged', 'email'],
	['accented', 'reordered', 'name'],
	['jon', 'john', 'name']
];

describe('findDuplicates', () => {
	let plain: DatabaseHandle;
	let trigram: { db: Database; client: PGlite };

	beforeAll(async () => {
		plain = await createTestDatabase();
		const client = new PGlite({ extensions: { pg_trgm } });
		const db = drizzle({ client, schema }) as unknown as Database;
		await migrate(db as never, { migrationsFolder: path.resolve('drizzle') });
		await db.insert(schema.syncState).values({ id: 1, version: 0 });
		await client.exec('create extension if not exists pg_trgm');
		trigram = { db, client };
	});
	afterAll(async () => {
		await plain?.close();
		await trigram?.client.close();
	});

	it('finds the same mailbox and similar names in one city, here and in SQL alike', async () => {
		const hereIds = await addCases(plain.db);
		const here = await findDuplicates(plain.db, { trigram: false });
		expect(named(here, hereIds)).toEqual(EXPECTED);

		const sqlIds = await addCases(trigram.db);
		// Detected by itself: the extension is installed in this database.
		const inSql = await findDuplicates(trigram.db);
		expect(named(inSql, sqlIds)).toEqual(EXPECTED);
		expect(inSql.map((pair) => pair.similarity)).toEqual(
			here.map((pair) => (pair.similarity === null ? null : expect.closeTo(pair.similarity, 5)))
		);
		expect(
			here.find((pair) => pair.reasons[0] === 'name' && pair.similarity! < 1)?.similarity
		).toBeCloseTo(8 / 13, 5);
	});

	it('reports both people with what they have done, and says when it cut the list', async () => {
		const db = plain.db;
		const { personId: first } = await addPersonWithProfile(db, {
			displayName: 'Wen Li',
			email: 'wen@example.org'
		});
		const { personId: second } = await addPersonWithProfile(db, {
			displayName: 'Li Wen',
			email: 'wen+hr@example.org'
		});
		await addContribution(db, second);
		await addContribution(db, second);
		const report = await duplicatesReport(db, { trigram: false });
		const pair = report.pairs.find((candidate) => [candidate.a.id, candidate.b.id].includes(first));
		expect(pair).toBeDefined();
		const summaries = Object.fromEntries([pair!.a, pair!.b].map((person) => [person.id, person]));
		expect(summaries[second]).toMatchObject({
			displayName: 'Li Wen',
			email: 'wen+hr@example.org',
			activity: { contributions: 2, checkIns: 0, passkeys: 0 }
		});
		expect(summaries[first].activity.contributions).toBe(0);
		expect(report.truncated).toBe(false);

		const cut = await duplicatesReport(db, { trigram: false, limit: 2 });
		expect(cut.pairs).toHaveLength(2);
		expect(cut.truncated).toBe(true);
	});
});
