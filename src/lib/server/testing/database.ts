/**
 * A fresh, migrated database per test file: in-memory PGlite by default; with
 * TEST_DATABASE_URL (a real PostgreSQL server, see scripts/with-postgres.sh) a uniquely named
 * database created on that server and dropped again in close().
 */
import postgres from 'postgres';
import { createDatabase, type DatabaseHandle } from '$lib/server/db';
import { newId } from '$lib/domain/ids';

export async function createTestDatabase(
	options: { seed?: boolean } = {}
): Promise<DatabaseHandle> {
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) return createDatabase({ url: null, dataDir: null, seed: options.seed ?? false });

	const name = `gather_test_${newId().replaceAll('-', '')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const handle = await createDatabase({ url: url.toString(), seed: options.seed ?? false });
	return {
		db: handle.db,
		listen: handle.listen,
		async close() {
			await handle.close();
			const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
			try {
				await dropper.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await dropper.end();
			}
		}
	};
}
