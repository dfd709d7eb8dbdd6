/**
 * Opening a database: PostgreSQL through postgres.js when given a postgres:// URL, otherwise
 * embedded PGlite (PostgreSQL in WASM) in a local folder. Both speak the same SQL, so the rest
 * of the server sees one Drizzle type and never asks which one it has. Nothing here reads the
 * environment or needs Vite, so tests and tools outside the app (the chaos test's harness,
 * the benchmarks) open databases exactly as the app does; index.ts adds the app's own.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema';
import { seedDatabase } from './seed';

export type Schema = typeof schema;
/** What both drivers are: code written against it runs on PGlite and PostgreSQL alike. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<
	PgQueryResultHKT,
	Schema,
	ExtractTablesWithRelations<Schema>
>;

export interface DatabaseHandle {
	db: Database;
	close(): Promise<void>;
	/** LISTEN on a channel: `handler` gets each NOTIFY payload. Resolves to the unlisten function. */
	listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface DatabaseOptions {
	/** A postgres:// URL; anything else (unset, empty, a placeholder) means embedded PGlite. */
	url?: string | null;
	/** PGlite's data folder; null keeps the database in memory (tests). */
	dataDir?: string | null;
	/** Fill an empty database with a demo community. */
	seed?: boolean;
}

/** The URL when it really names a PostgreSQL server, else null (with a warning when one was given). */
export function postgresUrl(url: string | null | undefined): string | null {
	if (!url?.trim()) return null;
	try {
		const parsed = new URL(url.trim());
		if (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') return url.trim();
		console.warn(
			`DATABASE_URL is not a postgres:// URL (${parsed.protocol}); using embedded PGlite`
		);
	} catch {
		// The sv add-on writes `postgres://user:password@host:port/db-name` into .env: a template,
		// not a server. Starting on PGlite beats refusing to start.
		console.warn('DATABASE_URL is not a valid URL (a placeholder?); using embedded PGlite');
	}
	return null;
}

function migrationsFolder(): string {
	return path.resolve(process.cwd(), 'drizzle');
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
	// Notices such as "schema drizzle already exists, skipping" are noise in the server log.
	const client = postgres(url, { onnotice: () => {} });
	const db = drizzlePostgres({ client, schema });
	try {
		await migratePostgres(db, { migrationsFolder: migrationsFolder() });
	} catch (failure) {
		await client.end();
		throw failure;
	}
	return {
		db,
		close: () => client.end(),
		async listen(channel, handler) {
			// postgres.js keeps one dedicated connection for LISTEN and re-listens after reconnecting.
			const { unlisten } = await client.listen(channel, handler);
			return unlisten;
		}
	};
}

async function openPglite(dataDir: string | null): Promise<DatabaseHandle> {
	if (dataDir) await mkdir(dataDir, { recursive: true });
	const client = dataDir ? new PGlite(dataDir) : new PGlite();
	const db = drizzlePglite({ client, schema });
	try {
		await migratePglite(db, { migrationsFolder: migrationsFolder() });
	} catch (failure) {
		await client.close();
		throw failure;
	}
	return {
		db,
		close: () => client.close(),
		listen: (channel, handler) => client.listen(channel, handler)
	};
}

/** Open, migrate and (optionally) seed a database. The caller owns the handle and closes it. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	const url = postgresUrl(options.url);
	const handle = url
		? await openPostgres(url)
		: await openPglite(options.dataDir ? path.resolve(options.dataDir) : null);
	try {
		// The one row whose lock serialises version assignment (see versions.ts).
		await handle.db.insert(schema.syncState).values({ id: 1, version: 0 }).onConflictDoNothing();
		if (options.seed) await seedDatabase(handle.db);
	} catch (failure) {
		await handle.close();
		throw failure;
	}
	return handle;
}
