/**
 * Reading a people CSV (an HR or CRM export): papaparse splits it, this file names the
 * columns and checks every row, with no database. A file that cannot be read as a table is
 * one file error; a table row that is wrong is that row's errors, and only that row's.
 */
import Papa from 'papaparse';
import { z } from 'zod';
import { COUNTRY_CODES } from '$lib/domain/countries';
import {
	languageTag,
	MAX_CITY_LENGTH,
	MAX_DISPLAY_NAME_LENGTH,
	MAX_EMAIL_LENGTH,
	MAX_LANGUAGES,
	MAX_PRONOUNS_LENGTH,
	MAX_TAG_LENGTH,
	MAX_TAGS
} from '$lib/domain/entities';
import {
	IMPORT_MAX_BYTES,
	IMPORT_MAX_ROWS,
	type ImportColumn,
	type ImportFileError,
	type ImportRowError
} from '$lib/domain/people-admin';

const COUNTRY_CODE_SET = new Set(COUNTRY_CODES);

/** Header names as exports spell them (lower case, separators as single spaces). */
const HEADER_ALIASES: Record<string, ImportColumn> = {
	email: 'email',
	'e mail': 'email',
	'email address': 'email',
	'e mail address': 'email',
	mail: 'email',
	'display name': 'displayName',
	displayname: 'displayName',
	name: 'displayName',
	'full name': 'displayName',
	fullname: 'displayName',
	pronouns: 'pronouns',
	pronoun: 'pronouns',
	city: 'city',
	town: 'city',
	country: 'country',
	'country code': 'country',
	languages: 'languages',
	language: 'languages',
	skills: 'skills',
	skill: 'skills'
};

/** The longest value each text column takes (the profile's own limits). */
const MAX_LENGTH = {
	email: MAX_EMAIL_LENGTH,
	displayName: MAX_DISPLAY_NAME_LENGTH,
	pronouns: MAX_PRONOUNS_LENGTH,
	city: MAX_CITY_LENGTH
} as const;

/** What a valid row sets; null where the cell is empty or the column absent. */
export interface RowValues {
	email: string;
	displayName: string | null;
	pronouns: string | null;
	city: string | null;
	country: string | null;
	languages: string[] | null;
	skills: string[] | null;
}

export interface CsvRow {
	/** As a spreadsheet numbers it: the header is row 1. */
	row: number;
	/** The email and name as written (trimmed), for the preview even when the row is bad. */
	email: string | null;
	displayName: string | null;
	values: RowValues | null;
	errors: ImportRowError[];
}

export type CsvReading =
	{ fileError: ImportFileError } | { fileError: null; rows: CsvRow[]; ignoredColumns: string[] };

const fail = (fileError: ImportFileError): CsvReading => ({ fileError });

function normaliseHeader(cell: string): string {
	return cell
		.trim()
		.toLowerCase()
		.replace(/[\s_.-]+/g, ' ');
}

/** The header line's separator: a comma, a semicolon (European spreadsheets) or a tab. */
function delimiterOf(text: string): string {
	const header = text.slice(0, text.search(/\r|\n|$/));
	const counts = [',', ';', '\t'].map((delimiter) => ({
		delimiter,
		count: header.split(delimiter).length - 1
	}));
	return counts.reduce((best, next) => (next.count > best.count ? next : best)).delimiter;
}

/**
 * Text that is not text: bytes that were not UTF-8 (decoded as U+FFFD), or more control
 * characters than a table of names holds (a binary file, or UTF-16 read as UTF-8).
 */
function looksBinary(text: string): boolean {
	if (text.includes('\uFFFD')) return true;
	let controls = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		// Tab, line feed and carriage return belong in a CSV; other C0 controls and DEL do not.
		if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) controls++;
	}
	return controls > Math.max(8, text.length / 100);
}

let countryNames: Map<string, string> | null = null;

/** A country as a code (es, ES) or its English name (Spain) → the code; null if unknown. */
function countryCode(value: string): string | null {
	const upper = value.toUpperCase();
	if (COUNTRY_CODE_SET.has(upper)) return upper;
	if (!countryNames) {
		const names = new Intl.DisplayNames(['en'], { type: 'region' });
		countryNames = new Map(
			COUNTRY_CODES.map((code) => [(names.of(code) ?? code).toLowerCase(), code])
		);
	}
	return countryNames.get(value.toLowerCase()) ?? null;
}

/** A language tag in its canonical spelling (pt-br → pt-BR); null if not a tag. */
function languageCode(value: string): string | null {
	try {
		const [canonical] = Intl.getCanonicalLocales(value);
		return canonical && languageTag.safeParse(canonical).success ? canonical : null;
	} catch {
		return null;
	}
}

const emailSchema = z.email();

/** A list cell: items separated by ; or |, trimmed, without empty or repeated items. */
function listOf(cell: string): string[] {
	const seen = new Set<string>();
	const items: string[] = [];
	for (const item of cell.split(/[;|]/)) {
		const value = item.trim();
		if (value === '' || seen.has(value.toLowerCase())) continue;
		seen.add(value.toLowerCase());
		items.push(value);
	}
	return items;
}

function checkRow(row: number, cells: Map<ImportColumn, string>): CsvRow {
	const errors: ImportRowError[] = [];
	const error = (code: ImportRowError['code'], column: ImportColumn, extra = {}) =>
		errors.push({ code, column, ...extra });
	const cell = (column: ImportColumn): string | null => {
		const value = cells.get(column)?.trim() ?? '';
		if (value.includes('\u0000')) {
			error('nul', column);
			return null;
		}
		return value === '' ? null : value;
	};
	const text = (column: keyof typeof MAX_LENGTH): string | null => {
		const value = cell(column);
		if (value !== null && value.length > MAX_LENGTH[column])
			error('too_long', column, { limit: MAX_LENGTH[column] });
		return value;
	};

	const written = cells.get('email')?.trim() || null;
	let email = text('email');
	if (email === null) {
		if (!errors.some((known) => known.column === 'email')) error('email_missing', 'email');
	} else {
		email = email.toLowerCase();
		if (email.length <= MAX_LENGTH.email && !emailSchema.safeParse(email).success)
			error('email_invalid', 'email');
	}
	const displayName = text('displayName');
	const pronouns = text('pronouns');
	const city = text('city');

	const countryCell = cell('country');
	const country = countryCell === null ? null : countryCode(countryCell);
	if (countryCell !== null && country === null)
		error('country_unknown', 'country', { value: countryCell });

	const languagesCell = cell('languages');
	let languages: string[] | null = null;
	if (languagesCell !== null) {
		languages = [];
		for (const item of listOf(languagesCell)) {
			const tag = languageCode(item);
			if (tag === null) error('language_invalid', 'languages', { value: item });
			else if (!languages.includes(tag)) languages.push(tag);
		}
		if (languages.length > MAX_LANGUAGES) error('too_many', 'languages', { limit: MAX_LANGUAGES });
	}

	const skillsCell = cell('skills');
	const skills = skillsCell === null ? null : listOf(skillsCell);
	if (skills?.some((skill) => skill.length > MAX_TAG_LENGTH))
		error('too_long', 'skills', { limit: MAX_TAG_LENGTH });
	if (skills && skills.length > MAX_TAGS) error('too_many', 'skills', { limit: MAX_TAGS });

	return {
		row,
		email: written,
		displayName: cells.get('displayName')?.trim() || null,
		values:
			errors.length === 0 && email !== null
				? {
						email,
						displayName,
						pronouns,
						city,
						country,
						languages: languages?.length ? languages : null,
						skills: skills?.length ? skills : null
					}
				: null,
		errors
	};
}

/** Split and check a people CSV. Size and row limits are checked before anything is parsed. */
export function readPeopleCsv(csv: string): CsvReading {
	if (Buffer.byteLength(csv, 'utf8') > IMPORT_MAX_BYTES)
		return fail({ code: 'too_large', limit: IMPORT_MAX_BYTES });
	const text = csv.replace(/^\uFEFF/, '');
	if (text.trim() === '') return fail({ code: 'empty' });
	if (looksBinary(text)) return fail({ code: 'not_text' });

	const parsed = Papa.parse<string[]>(text, {
		header: false,
		skipEmptyLines: false,
		delimiter: delimiterOf(text)
	});
	const quoteError = parsed.errors.find((problem) => problem.type === 'Quotes');
	if (quoteError)
		return fail({
			code: quoteError.code === 'MissingQuotes' ? 'unclosed_quote' : 'malformed',
			row: (quoteError.row ?? 0) + 1
		});

	const [header = [], ...records] = parsed.data;
	const columns: (ImportColumn | null)[] = [];
	const ignoredColumns: string[] = [];
	for (const name of header) {
		const column = HEADER_ALIASES[normaliseHeader(name)] ?? null;
		if (column !== null && columns.includes(column))
			return fail({ code: 'duplicate_column', column: name.trim() });
		if (column === null && name.trim() !== '') ignoredColumns.push(name.trim());
		columns.push(column);
	}
	if (!columns.includes('email')) return fail({ code: 'no_email_column' });

	const blank = (record: string[]) => record.every((value) => value.trim() === '');
	const filled = records.filter((record) => !blank(record)).length;
	if (filled === 0) return fail({ code: 'no_rows' });
	if (filled > IMPORT_MAX_ROWS) return fail({ code: 'too_many_rows', limit: IMPORT_MAX_ROWS });

	const rows: CsvRow[] = [];
	records.forEach((record, index) => {
		const row = index + 2;
		if (blank(record)) return;
		if (record.length !== header.length) {
			const at = (column: ImportColumn) => record[columns.indexOf(column)]?.trim() || null;
			rows.push({
				row,
				email: at('email'),
				displayName: at('displayName'),
				values: null,
				errors: [{ code: 'column_count', column: null, limit: header.length, found: record.length }]
			});
			return;
		}
		const cells = new Map<ImportColumn, string>();
		columns.forEach((column, position) => {
			if (column !== null) cells.set(column, record[position]);
		});
		rows.push(checkRow(row, cells));
	});
	return { fileError: null, rows, ignoredColumns };
}
