/**
 * The server's database, opened once per process from the environment (DATABASE_URL,
 * PGLITE_DIR, GATHER_SEED). How a database is opened is in create.ts.
 */
import { env } from '$env/dynamic/private';
import { createDatabase, type Database, type DatabaseHandle } from './create';

export * from './create';

function seedEnabled(value: string | undefined): boolean {
	return !['off', 'false', '0', 'no'].includes((value ?? '').trim().toLowerCase());
}

// Vite's dev server re-imports server modules on every change; a module-level variable would
// open a second PGlite on the same folder, which corrupts it. globalThis survives the reloads.
const GLOBAL_KEY = Symbol.for('gather.database');
type GlobalWithDatabase = typeof globalThis & { [GLOBAL_KEY]?: Promise<DatabaseHandle> };

/** The app's database, opened once per process from the environment. */
export async function openDatabase(): Promise<Database> {
	return (await openDatabaseHandle()).db;
}

/** The handle behind openDatabase(), for what needs more than queries (LISTEN). */
export function openDatabaseHandle(): Promise<DatabaseHandle> {
	const holder = globalThis as GlobalWithDatabase;
	if (!holder[GLOBAL_KEY]) {
		const opening = createDatabase({
			url: env.DATABASE_URL,
			dataDir: env.PGLITE_DIR || './data/pglite',
			seed: seedEnabled(env.GATHER_SEED)
		});
		// A failed open (server down at start) must not be remembered: the next request retries.
		opening.catch(() => {
			if (holder[GLOBAL_KEY] === opening) delete holder[GLOBAL_KEY];
		});
		holder[GLOBAL_KEY] = opening;
	}
	return holder[GLOBAL_KEY];
}
