/**
 * Tables as CSV (RFC 4180 through Papa Parse, CRLF lines), for every export. A cell that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a return) gets a leading
 * apostrophe, as OWASP's CSV injection guidance says: names and labels are typed by anyone.
 */
import Papa from 'papaparse';

export type CsvCell = string | number | null;

/** An empty cell for null. */
export function toCsv(fields: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
	return Papa.unparse(
		{ fields: [...fields], data: rows.map((row) => row.map((cell) => cell ?? '')) },
		{ escapeFormulae: true, newline: '\r\n' }
	);
}
