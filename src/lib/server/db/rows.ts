/** The rows of a raw `db.execute(sql…)`: PGlite answers { rows }, postgres.js an array of rows. */
export function rowsOf<Row>(result: unknown): Row[] {
	return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}
