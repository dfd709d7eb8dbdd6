/**
 * The CSV import on real PGlite: a preview names each row's action and each bad row's exact
 * errors; applying writes only the valid rows, with one version; a failure writes nothing;
 * files that are not a table get one clear file error.
 */
import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_ROWS } from '$lib/domain/people-admin';
import type { DatabaseHandle } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile } from '$lib/server/testing/fixtures';
import { readPeopleCsv } from './csv';
import { importPeople } from './import';
import { mergePeople } from './merge';
import { headVersion } from './spec-fixtures';

let handle: DatabaseHandle;
let ana: string;
let bob: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	ana = (
		await addPersonWithProfile(handle.db, {
			displayName: 'Ana Lima',
			email: 'ana@example.org',
			pronouns: 'she/her'
		})
	).personId;
	bob = (
		await addPersonWithProfile(handle.db, {
			displayName: 'Bob Smith',
			email: 'bob.smith@gmail.com',
			city: 'Lima'
		})
	).personId;
	// An address still held by a person who is no longer active.
	await addPersonWithProfile(handle.db, {
		displayName: 'Gone',
		email: 'gone@example.org',
		status: 'deleted'
	});
});
afterAll(() => handle?.close());

const LONG_NAME = 'N'.repeat(81);
const CSV = [
	'Email,Full Name,Pronouns,City,Country,Languages,Skills,Shoe size',
	'ana@example.org,Ana Updated,they/them,Madrid,es,es; pt-br,translation|design,38', // 2
	'BobSmith+crm@googlemail.com,Bob S,,,,,,42', // 3
	'new.person@example.org,Nia Okoro,she/her,Accra,Ghana,en,,', // 4
	'New.Person+dup@example.org,,,Kumasi,,fr,events,', // 5: another mailbox: +dup is dropped
	'not-an-email,Someone,,,,,,', // 6
	'', // 7: blank, skipped
	',No Email,,,,,,', // 8
	'nameless@example.org,,,,,,,', // 9
	'bad.country@example.org,Bad Country,,,Atlantis,,,', // 10
	'bad.lang@example.org,Bad Lang,,,,en|english!,,', // 11
	`long@example.org,${LONG_NAME},,,,,,`, // 12
	'nul@example.org,Nul\u0000Name,,,,,,', // 13
	'short@example.org,Short', // 14
	'gone@example.org,Gone Again,,,,,,', // 15
	'ana@example.org,Ana Again,,,,,,', // 16
	'"quoted, comma@example.org",Quoted,,,,,,' // 17
].join('\r\n');

describe('importPeople', () => {
	it('previews each row: its action, what it fills, and the exact errors of bad rows', async () => {
		const before = await headVersion(handle.db);
		const preview = await importPeople(handle.db, CSV, { apply: false });
		expect(await headVersion(handle.db)).toBe(before);
		expect(preview.applied).toBe(false);
		expect(preview.fileError).toBeNull();
		expect(preview.ignoredColumns).toEqual(['Shoe size']);
		expect(preview.counts).toEqual({ create: 1, update: 1, unchanged: 0, merge: 3, error: 10 });

		const rows = Object.fromEntries(preview.rows.map((row) => [row.row, row]));
		expect(Object.keys(rows).map(Number)).toEqual([
			2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
		]);
		expect(rows[2]).toMatchObject({
			action: 'update',
			target: { id: ana, displayName: 'Ana Lima', email: 'ana@example.org' },
			changes: [
				{ field: 'city', value: 'Madrid' },
				{ field: 'country', value: 'ES' },
				{ field: 'languages', value: 'es, pt-BR' },
				{ field: 'skills', value: 'translation, design' }
			],
			errors: []
		});
		// The same mailbox spelled differently: folds into Bob, whose city is already set.
		expect(rows[3]).toMatchObject({
			action: 'merge',
			target: { id: bob },
			sameAsRow: null,
			changes: []
		});
		expect(rows[4]).toMatchObject({
			action: 'create',
			target: null,
			changes: [
				{ field: 'email', value: 'new.person@example.org' },
				{ field: 'displayName', value: 'Nia Okoro' },
				{ field: 'pronouns', value: 'she/her' },
				{ field: 'city', value: 'Accra' },
				{ field: 'country', value: 'GH' },
				{ field: 'languages', value: 'en' }
			]
		});
		expect(rows[5]).toMatchObject({
			action: 'merge',
			sameAsRow: 4,
			changes: [{ field: 'skills', value: 'events' }]
		});
		expect(rows[16]).toMatchObject({ action: 'merge', sameAsRow: 2, target: { id: ana } });

		const errors = (row: number) => rows[row].errors;
		expect(errors(6)).toEqual([{ code: 'email_invalid', column: 'email' }]);
		expect(errors(8)).toEqual([{ code: 'email_missing', column: 'email' }]);
		expect(errors(9)).toEqual([{ code: 'name_missing', column: 'displayName' }]);
		expect(errors(10)).toEqual([{ code: 'country_unknown', column: 'country', value: 'Atlantis' }]);
		expect(errors(11)).toEqual([
			{ code: 'language_invalid', column: 'languages', value: 'english!' }
		]);
		expect(errors(12)).toEqual([{ code: 'too_long', column: 'displayName', limit: 80 }]);
		expect(errors(13)).toEqual([{ code: 'nul', column: 'displayName' }]);
		expect(errors(14)).toEqual([{ code: 'column_count', column: null, limit: 8, found: 2 }]);
		expect(rows[14]).toMatchObject({ email: 'short@example.org', displayName: 'Short' });
		expect(errors(15)).toEqual([{ code: 'email_unavailable', column: 'email' }]);
		expect(errors(17)).toEqual([{ code: 'email_invalid', column: 'email' }]);
		for (const row of [6, 8, 9, 10, 11, 12, 13, 14, 15, 17]) expect(rows[row].action).toBe('error');
	});

	it('applies only the valid rows, in one transaction with one version', async () => {
		const before = await headVersion(handle.db);
		const [bobBefore] = await handle.db.select().from(people).where(eq(people.id, bob));
		const applied = await importPeople(handle.db, CSV, { apply: true });
		const version = await headVersion(handle.db);
		expect(version).toBe(before + 1);
		expect(applied.applied).toBe(true);
		expect(applied.counts).toEqual({ create: 1, update: 1, unchanged: 0, merge: 3, error: 10 });

		const [anaAfter] = await handle.db.select().from(people).where(eq(people.id, ana));
		expect(anaAfter).toMatchObject({
			displayName: 'Ana Lima',
			email: 'ana@example.org',
			pronouns: 'she/her',
			city: 'Madrid',
			country: 'ES',
			languages: ['es', 'pt-BR'],
			skills: ['translation', 'design'],
			version
		});
		const created = applied.rows.find((row) => row.row === 4)!.target!;
		const [nia] = await handle.db.select().from(people).where(eq(people.id, created.id));
		expect(nia).toMatchObject({
			displayName: 'Nia Okoro',
			email: 'new.person@example.org',
			pronouns: 'she/her',
			city: 'Accra',
			country: 'GH',
			languages: ['en'],
			skills: ['events'],
			roles: ['member'],
			status: 'active',
			version
		});
		// Bob had nothing to gain: untouched, not even re-stamped.
		const [bobAfter] = await handle.db.select().from(people).where(eq(people.id, bob));
		expect(bobAfter).toEqual(bobBefore);
		// No bad row left anything behind.
		const strays = await handle.db
			.select({ email: people.email })
			.from(people)
			.where(
				inArray(people.email, [
					'nameless@example.org',
					'bad.country@example.org',
					'bad.lang@example.org',
					'long@example.org',
					'nul@example.org',
					'short@example.org'
				])
			);
		expect(strays).toEqual([]);
		const [{ total }] = await handle.db
			.select({ total: sql<number>`count(*)::int` })
			.from(people)
			.where(eq(people.version, version));
		expect(total).toBe(2);

		// The same file again changes nothing and spends no version.
		const again = await importPeople(handle.db, CSV, { apply: true });
		expect(await headVersion(handle.db)).toBe(version);
		expect(again.rows.find((row) => row.row === 2)!.action).toBe('unchanged');
		expect(again.rows.find((row) => row.row === 4)!.action).toBe('unchanged');
	});

	it('writes nothing at all when the database fails partway', async () => {
		const db = handle.db;
		await db.execute(sql`create function refuse_boom() returns trigger language plpgsql as $$
			begin
				if new.email = 'boom@example.org' then raise exception 'boom'; end if;
				return new;
			end $$`);
		await db.execute(
			sql`create trigger refuse_boom before insert on people for each row execute function refuse_boom()`
		);
		try {
			const before = await headVersion(db);
			const csv = [
				'email,name,city,skills',
				'ana.two@example.org,Ana Two,Quito,',
				'boom@example.org,Boom,Quito,',
				'bob.smith@gmail.com,Bob,,testing'
			].join('\n');
			const preview = await importPeople(db, csv, { apply: false });
			expect(preview.counts).toMatchObject({ create: 2, update: 1, error: 0 });
			await expect(importPeople(db, csv, { apply: true })).rejects.toThrow();
			expect(await headVersion(db)).toBe(before);
			const written = await db
				.select({ id: people.id })
				.from(people)
				.where(inArray(people.email, ['ana.two@example.org', 'boom@example.org']));
			expect(written).toEqual([]);
			const [bobAfter] = await db.select().from(people).where(eq(people.id, bob));
			expect(bobAfter.skills).toEqual([]);
		} finally {
			await db.execute(sql`drop trigger refuse_boom on people`);
			await db.execute(sql`drop function refuse_boom`);
		}
	});
});

describe('importPeople after a merge', () => {
	it('adds a row with a merged-away address to the person it was merged into', async () => {
		const db = handle.db;
		const { personId: kept } = await addPersonWithProfile(db, {
			displayName: 'Rui Costa',
			email: 'rui@example.org'
		});
		const { personId: gone } = await addPersonWithProfile(db, {
			displayName: 'Rui C.',
			email: 'rui.costa@crm.example.org'
		});
		await mergePeople(db, { survivorId: kept, mergedId: gone, mergedBy: null });
		const preview = await importPeople(
			db,
			'email,name,city\nRui.Costa+2024@crm.example.org,Rui Costa,Porto\n',
			{ apply: false }
		);
		expect(preview.rows).toEqual([
			expect.objectContaining({
				action: 'merge',
				target: { id: kept, displayName: 'Rui Costa', email: 'rui@example.org' },
				changes: [{ field: 'city', value: 'Porto' }]
			})
		]);
	});
});

describe('readPeopleCsv', () => {
	const fileError = (csv: string) => {
		const reading = readPeopleCsv(csv);
		return reading.fileError;
	};

	it('gives one clear error for a file that is not a people table', () => {
		expect(fileError('')).toEqual({ code: 'empty' });
		expect(fileError(' \r\n \n')).toEqual({ code: 'empty' });
		expect(fileError('email,name\na@example.org,"Ann\nb@example.org,Bob\n')).toEqual({
			code: 'unclosed_quote',
			row: 2
		});
		expect(fileError('email,name\na@example.org,"Ann"x\n')).toMatchObject({ code: 'malformed' });
		// Random bytes, read as UTF-8 the way the browser reads a chosen file.
		const garbage = new TextDecoder().decode(randomBytes(4096));
		expect(fileError(garbage)).toEqual({ code: 'not_text' });
		// A UTF-16 export read as UTF-8: NULs between the letters.
		expect(fileError('e\0m\0a\0i\0l\0,\0n\0a\0m\0e\0\n\0a\0@\0b\0.\0o\0r\0g\0,\0A\0\n\0')).toEqual({
			code: 'not_text'
		});
		expect(fileError('name,city\nAna,Lima\n')).toEqual({ code: 'no_email_column' });
		expect(fileError('Email,E-mail\na@example.org,b@example.org\n')).toEqual({
			code: 'duplicate_column',
			column: 'E-mail'
		});
		expect(fileError('email,name\n\n\n')).toEqual({ code: 'no_rows' });
		expect(fileError(`email\n${'a'.repeat(2_000_000)}`)).toEqual({
			code: 'too_large',
			limit: 2_000_000
		});
		const many = ['email', ...Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, n) => `p${n}@x.org`)];
		expect(fileError(many.join('\n'))).toEqual({ code: 'too_many_rows', limit: IMPORT_MAX_ROWS });
	});

	it('reads semicolon files, a byte order mark, and header aliases in any case', () => {
		const reading = readPeopleCsv(
			'\uFEFFE-Mail;DISPLAY_NAME;Country Code;skills\r\nzoe@example.org;Zoë;de;a|b|A\r\n'
		);
		expect(reading.fileError).toBeNull();
		if (reading.fileError) return;
		expect(reading.rows).toEqual([
			{
				row: 2,
				email: 'zoe@example.org',
				displayName: 'Zoë',
				values: {
					email: 'zoe@example.org',
					displayName: 'Zoë',
					pronouns: null,
					city: null,
					country: 'DE',
					languages: null,
					skills: ['a', 'b']
				},
				errors: []
			}
		]);
	});
});
