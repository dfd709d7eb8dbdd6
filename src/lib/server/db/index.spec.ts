import { describe, expect, it, vi } from 'vitest';
import { createDatabase, postgresUrl } from './index';
import { syncState } from './schema';

describe('postgresUrl', () => {
	it('accepts real PostgreSQL URLs', () => {
		expect(postgresUrl('postgres://gather:secret@localhost:5432/gather')).not.toBeNull();
		expect(postgresUrl('postgresql://db.internal/gather')).not.toBeNull();
	});

	it('treats unset, placeholder and foreign URLs as "use PGlite"', () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		expect(postgresUrl(undefined)).toBeNull();
		expect(postgresUrl('  ')).toBeNull();
		expect(postgresUrl('postgres://user:password@host:port/db-name')).toBeNull();
		expect(postgresUrl('mysql://localhost/gather')).toBeNull();
		expect(warn).toHaveBeenCalledTimes(2);
		warn.mockRestore();
	});
});

describe('createDatabase', () => {
	it('falls back to a migrated PGlite when DATABASE_URL is the sv placeholder', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const handle = await createDatabase({ url: 'postgres://user:password@host:port/db-name' });
		try {
			expect(await handle.db.select().from(syncState)).toEqual([{ id: 1, version: 0 }]);
		} finally {
			await handle.close();
			warn.mockRestore();
		}
	});
});
