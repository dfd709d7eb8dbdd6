/**
 * The built app as the benchmarks use it: rebuilt (with the e2e test hooks) when the sources
 * changed since the last build, its database filled directly before it starts, then
 * `node build` on a spare port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionPerson } from '$lib/domain/auth-api';
import { newId } from '$lib/domain/ids';
import { insertSession } from '$lib/server/auth/session';
import type { Database } from '$lib/server/db';
import { contributions, people } from '$lib/server/db/schema';
import { currentVersion, nextVersion } from '$lib/server/db/versions';
import { ACTIVITY_TYPES, AREAS } from '$lib/domain/taxonomy';

/** The e2e suite's port: never taken by a benchmark server. */
const E2E_PORT = 4319;

/** A port the kernel says is free (bind to 0), never the e2e suite's. */
export async function sparePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
			});
		});
		if (port !== E2E_PORT && port !== 0) return port;
	}
}

function newestChange(entry: string, skip: (file: string) => boolean): number {
	if (!existsSync(entry) || skip(entry)) return 0;
	const stats = statSync(entry);
	if (!stats.isDirectory()) return stats.mtimeMs;
	let newest = stats.mtimeMs;
	for (const child of readdirSync(entry))
		newest = Math.max(newest, newestChange(path.join(entry, child), skip));
	return newest;
}

function containsText(directory: string, text: string): boolean {
	if (!existsSync(directory)) return false;
	for (const entry of readdirSync(directory, { withFileTypes: true })) {
		const full = path.join(directory, entry.name);
		if (entry.isDirectory() ? containsText(full, text) : readFileSync(full, 'utf8').includes(text))
			return true;
	}
	return false;
}

/** Why build/ must be rebuilt, or null when it is a test-hooks build newer than every source. */
export function staleBuild(root: string): string | null {
	const handler = path.join(root, 'build/handler.js');
	if (!existsSync(handler)) return 'no build yet';
	if (!containsText(path.join(root, 'build/client/_app/immutable'), '__gather'))
		return 'build/ was made without VITE_TEST_HOOKS=1';
	const built = statSync(handler).mtimeMs;
	// The paraglide output is rewritten by every lint and check; it follows messages/.
	const generated = path.join(root, 'src/lib/paraglide');
	const inputs = [
		'src',
		'messages',
		'static',
		'drizzle',
		'package-lock.json',
		'vite.config.ts',
		'svelte.config.js'
	].map((entry) => newestChange(path.join(root, entry), (file) => file === generated));
	return Math.max(...inputs) > built ? 'sources changed since the last build' : null;
}

export async function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv }
): Promise<void> {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: { ...process.env, ...options.env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0)
		throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${output.slice(-4000)}`);
}

export async function buildIfNeeded(root: string, log: (line: string) => void): Promise<void> {
	const reason = staleBuild(root);
	if (!reason) {
		log('build/ is up to date (test hooks on)');
		return;
	}
	log(`building the app (${reason}) …`);
	const started = performance.now();
	await run('npm', ['run', 'build'], { cwd: root, env: { VITE_TEST_HOOKS: '1' } });
	log(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

export interface SignedInPerson {
	person: SessionPerson;
	/** The gather_session cookie value. */
	token: string;
}

/** A person with a session, written straight into the database (no passkey ceremony). */
export async function addPerson(db: Database, label: string): Promise<SignedInPerson> {
	const id = newId();
	const email = `${label}.${id.slice(-8)}@bench.example`;
	await db.transaction(async (tx) => {
		await tx.insert(people).values({
			id,
			displayName: `Bench ${label}`,
			email,
			roles: ['member'],
			version: await nextVersion(tx)
		});
	});
	const session = await insertSession(db, id);
	return {
		person: { id, displayName: `Bench ${label}`, email, roles: ['member'] },
		token: session.token
	};
}

/** The last version handed out: where a device that pulled everything has its cursor. */
export function headVersion(db: Database): Promise<number> {
	return db.transaction((tx) => currentVersion(tx));
}

/**
 * `count` contributions of one person, as pushes would have left them: 500 rows per server
 * version, written with multi-row inserts.
 */
export async function addContributions(
	db: Database,
	personId: string,
	count: number
): Promise<void> {
	const perVersion = 500;
	const today = new Date().toISOString().slice(0, 10);
	for (let start = 0; start < count; start += perVersion) {
		await db.transaction(async (tx) => {
			const version = await nextVersion(tx);
			const rows = [];
			for (let index = start; index < Math.min(count, start + perVersion); index += 1)
				rows.push({
					id: newId(),
					personId,
					area: AREAS[index % AREAS.length],
					activityType: ACTIVITY_TYPES[index % ACTIVITY_TYPES.length],
					description: `Seeded contribution number ${index}: reviewed translations and docs`,
					happenedOn: today,
					link: index % 3 === 0 ? `https://example.org/contributions/${index}` : null,
					eventId: null,
					createdAt: new Date(),
					version
				});
			await tx.insert(contributions).values(rows);
		});
	}
}

export interface RunningServer {
	origin: string;
	port: number;
	stop(): Promise<void>;
	/** The server's recent output (for failures). */
	output(): string;
	/** CPU seconds the server process has used so far (Linux /proc), or null elsewhere. */
	cpuSeconds(): number | null;
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux build that matters here. */
const CLOCK_TICKS = 100;

function processCpuSeconds(pid: number | undefined): number | null {
	if (pid === undefined) return null;
	try {
		// Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
	} catch {
		return null;
	}
}

export async function startServer(
	root: string,
	env: { PGLITE_DIR?: string; DATABASE_URL?: string },
	/** Extra node flags, e.g. `--cpu-prof` (written when the server exits on SIGTERM). */
	nodeArgs: string[] = []
): Promise<RunningServer> {
	const port = await sparePort();
	const origin = `http://localhost:${port}`;
	const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'build'], {
		cwd: root,
		env: {
			...process.env,
			...env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			GATHER_SEED: 'off',
			NODE_ENV: 'production'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`node build exited:\n${output}`);
		try {
			const response = await fetch(`http://127.0.0.1:${port}/api/auth/me`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`node build did not answer within 60 s:\n${output}`);
		}
		await sleep(100);
	}
	return {
		origin,
		port,
		stop,
		output: () => output,
		cpuSeconds: () => processCpuSeconds(child.pid)
	};
}
