/**
 * `npm run bench`. Takes the e2e lock (the benchmarks rebuild and serve build/, and would skew
 * any e2e run sharing the two cores), starts a throwaway PostgreSQL when its binaries exist,
 * then loads bench/main.ts through Vite's module runner, which resolves `$lib` and the
 * SvelteKit virtual modules exactly like the app's own build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCK = '/tmp/gather-e2e.lock';
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** @param {string} name */
function hasCommand(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Re-run this file under flock and with-postgres.sh, passing the exit status on. */
function relaunch() {
	const self = [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
	const postgres =
		existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'pg_ctl'));
	let command = postgres ? ['bash', path.join(root, 'scripts/with-postgres.sh'), ...self] : self;
	if (hasCommand('flock')) command = ['flock', LOCK, ...command];
	else console.warn(`flock not found: running without ${LOCK}`);
	const child = spawn(command[0], command.slice(1), {
		cwd: root,
		stdio: 'inherit',
		env: {
			...process.env,
			GATHER_BENCH_CHILD: '1',
			GATHER_BENCH_POSTGRES: postgres ? `found in ${PG_BIN}` : `no initdb/pg_ctl in ${PG_BIN}`
		}
	});
	// Ctrl-C reaches the whole process group; the children clean up themselves.
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
	const { createServer, createServerModuleRunner } = await import('vite');
	const server = await createServer({
		configFile: false,
		root,
		logLevel: 'error',
		appType: 'custom',
		server: { middlewareMode: true, hmr: false, ws: false, watch: null },
		optimizeDeps: { noDiscovery: true, include: [] },
		resolve: {
			alias: [
				{ find: /^\$lib(?=\/|$)/, replacement: path.join(root, 'src/lib') },
				{ find: '$env/dynamic/private', replacement: path.join(root, 'bench/shims/env.ts') },
				{
					find: '$app/environment',
					replacement: path.join(root, 'bench/shims/app-environment.ts')
				}
			]
		}
	});
	const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
	let status = 1;
	try {
		const bench = await runner.import(path.join(root, 'bench/main.ts'));
		status = await bench.runBenchmarks({ root, argv: process.argv.slice(2) });
	} catch (failure) {
		console.error(failure);
	} finally {
		await runner.close();
		await server.close();
	}
	process.exit(status);
}

if (process.env.GATHER_BENCH_CHILD) await main();
else relaunch();
