/**
 * `npm run bench` (loaded by bench/run.js): every benchmark beside the limit it rests on, in
 * one run, printed as one table and written to docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createDatabase, type DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import {
	addContributions,
	addPerson,
	buildIfNeeded,
	headVersion,
	startServer,
	type RunningServer,
	type SignedInPerson
} from './app-server';
import {
	applyPages,
	BenchBrowser,
	directoryDevice,
	bundleEntry,
	initialSync,
	localCommit,
	propagation,
	type InitialSyncResult,
	type PropagationResult
} from './browser';
import type { CommitSamples, DirectoryDeviceResult } from './browser/entry';
import { benchmarkDirectoryServer, type DirectoryServerResult } from './directory-server';
import { benchmarkMetricsServer, type MetricsServerResult } from './metrics-server';
import {
	benchmarkEventDownload,
	eventDownloadDetail,
	eventDownloadRow,
	type EventDownloadResult
} from './event-download';
import type { DoorDeviceResult } from './browser/door-device';
import { benchmarkDoorDevice, doorDeviceDetail, doorDeviceRows } from './door-device';
import { runLoad, singleDevice, type LoadResult } from './load';
import { consoleTable, table, writeResults, type Row } from './report';
import {
	applyRow,
	commitRow,
	details,
	directoryDeviceRow,
	directoryServerRow,
	initialSyncRow,
	LOAD_PLAN,
	loadRow,
	metricsDashboardRows,
	metricsDetail,
	propagationRow,
	pushRow,
	thousands,
	unavailable,
	type LoadCpu
} from './rows';
import { benchmarkPush, PUSH_BATCH, type PushResult } from './server-push';

interface Options {
	root: string;
	argv: string[];
}

const SIZES = {
	full: {
		commits: 1000,
		commitWarmup: 100,
		records: 50_000,
		pushBatches: 20,
		devices: 500,
		propagationTrials: 5,
		directoryPeople: 1_000_000,
		directoryRounds: 10,
		metricsPeople: 1_000_000,
		metricsContributions: 10_000_000,
		metricsRounds: 2,
		metricsTrials: 30,
		devicePeople: 20_000,
		deviceRounds: 10,
		eventAttendees: 10_000,
		eventDevices: 3,
		doorScans: 300
	},
	// `npm run bench -- --quick`: the same code paths, smaller, for trying the harness out.
	quick: {
		commits: 100,
		commitWarmup: 10,
		records: 5_000,
		pushBatches: 4,
		devices: 50,
		propagationTrials: 2,
		directoryPeople: 50_000,
		directoryRounds: 2,
		metricsPeople: 50_000,
		metricsContributions: 500_000,
		metricsRounds: 2,
		metricsTrials: 10,
		devicePeople: 5_000,
		deviceRounds: 2,
		eventAttendees: 2_000,
		eventDevices: 1,
		doorScans: 50
	}
};

const began = performance.now();
const log = (line: string) =>
	console.log(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);

/** Resources to release however the run ends. */
class Cleanup {
	#steps: (() => Promise<unknown>)[] = [];
	add(step: () => Promise<unknown>) {
		this.#steps.push(step);
	}
	async run() {
		for (const step of this.#steps.splice(0).reverse()) await step().catch(() => {});
	}
}

async function tempDir(cleanup: Cleanup, label: string): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), `gather-bench-${label}-`));
	cleanup.add(() => rm(dir, { recursive: true, force: true }));
	return dir;
}

function facts(root: string) {
	const pglite = JSON.parse(
		readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')
	) as { version: string };
	let commit = 'unknown';
	try {
		commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
	} catch {
		// not a git checkout
	}
	return {
		cpu: cpus()[0]?.model ?? 'unknown',
		cores: cpus().length,
		node: process.version,
		pglite: pglite.version,
		commit,
		/** Other work on the machine skews latency tails: the 1-minute load average at the start. */
		load: loadavg()[0].toFixed(2),
		date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
	};
}

// ---------------------------------------------------------------------------------------------
// Server push, in-process

async function pushOnPglite(cleanup: Cleanup, batches: number): Promise<PushResult> {
	const dir = await tempDir(cleanup, 'push');
	const handle = await createDatabase({ dataDir: dir });
	try {
		return await benchmarkPush(handle.db, 'PGlite (data folder)', batches);
	} finally {
		await handle.close();
	}
}

async function postgresVersion(url: string): Promise<string> {
	const client = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const [row] = await client<{ server_version: string }[]>`show server_version`;
		return `PostgreSQL ${row.server_version}`;
	} finally {
		await client.end();
	}
}

async function pushOnPostgres(batches: number): Promise<PushResult> {
	const handle = await createTestDatabase();
	try {
		return await benchmarkPush(handle.db, 'PostgreSQL', batches);
	} finally {
		await handle.close();
	}
}

// ---------------------------------------------------------------------------------------------
// The built server's database

interface Seeded {
	syncPerson: SignedInPerson;
	propagationPerson: SignedInPerson;
	baselinePerson: SignedInPerson;
	loadPeople: SignedInPerson[];
	head: number;
}

async function seed(handle: DatabaseHandle, records: number, devices: number): Promise<Seeded> {
	const { db } = handle;
	const syncPerson = await addPerson(db, 'sync');
	await addContributions(db, syncPerson.person.id, records);
	const propagationPerson = await addPerson(db, 'propagation');
	const baselinePerson = await addPerson(db, 'baseline');
	const loadPeople: SignedInPerson[] = [];
	for (let index = 0; index < devices; index += 1)
		loadPeople.push(await addPerson(db, `load${index}`));
	const head = await headVersion(db);
	return { syncPerson, propagationPerson, baselinePerson, loadPeople, head };
}

// ---------------------------------------------------------------------------------------------
// Load

async function loadAgainst(
	root: string,
	cleanup: Cleanup,
	env: { PGLITE_DIR?: string; DATABASE_URL?: string },
	people: Seeded
): Promise<{ result: LoadResult; alone: { p50: number; p99: number }; cpu: LoadCpu }> {
	const server = await startServer(root, env);
	cleanup.add(() => server.stop());
	try {
		const base = `http://127.0.0.1:${server.port}`;
		const alone = await singleDevice(base, people.baselinePerson.token, LOAD_PLAN);
		const serverBefore = server.cpuSeconds();
		const clientBefore = process.cpuUsage();
		const result = await runLoad(
			base,
			people.loadPeople.map((person) => person.token),
			LOAD_PLAN
		);
		const serverAfter = server.cpuSeconds();
		const client = process.cpuUsage(clientBefore);
		const cpu = {
			server: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
			client: (client.user + client.system) / 1e6
		};
		return { result, alone, cpu };
	} finally {
		await server.stop();
	}
}

/** A database of its own on the throwaway PostgreSQL server, dropped at the end. */
async function postgresDatabase(cleanup: Cleanup, adminUrl: string): Promise<string> {
	const name = `gather_bench_${crypto.randomUUID().replaceAll('-', '')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
	// GATHER_BENCH_KEEP_DATABASE=1 keeps it (to look at its plans afterwards).
	if (process.env.GATHER_BENCH_KEEP_DATABASE) console.log(`bench database kept: ${name}`);
	else
		cleanup.add(async () => {
			const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
			try {
				await dropper.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await dropper.end();
			}
		});
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return url.toString();
}

type Size = (typeof SIZES)['full'];

/** Community metrics on PostgreSQL (issue 6): its rows, or an unavailable row. */
async function metricsRows(
	cleanup: Cleanup,
	size: Size,
	postgresUrl: string | undefined,
	postgresWhy: string
): Promise<{ rows: Row[]; result?: MetricsServerResult }> {
	if (!postgresUrl)
		return {
			rows: [
				unavailable(
					`Dashboard queries, ${thousands(size.metricsPeople)} people, ${thousands(size.metricsContributions)} contributions — PostgreSQL`,
					postgresWhy,
					'p95 ≤ 200 ms'
				)
			]
		};
	const url = await postgresDatabase(cleanup, postgresUrl);
	const result = await benchmarkMetricsServer(
		url,
		{
			people: size.metricsPeople,
			contributions: size.metricsContributions,
			rounds: size.metricsRounds,
			trials: size.metricsTrials
		},
		log
	);
	return { rows: metricsDashboardRows(result), result };
}

/** `npm run bench -- metrics`: the community metrics alone, printed (docs/benchmarks.md untouched). */
async function runMetricsOnly(root: string, size: Size): Promise<number> {
	const cleanup = new Cleanup();
	try {
		const { rows, result } = await metricsRows(
			cleanup,
			size,
			process.env.TEST_DATABASE_URL,
			process.env.GATHER_BENCH_POSTGRES ?? 'PostgreSQL binaries not found'
		);
		console.log(`\n${await consoleTable(root, rows)}\n`);
		if (result) console.log(metricsDetail(result));
	} finally {
		await cleanup.run();
	}
	return 0;
}

/** `npm run bench -- push`: the server push rows alone, printed (docs/benchmarks.md untouched). */
async function runPushOnly(root: string, size: Size): Promise<number> {
	const cleanup = new Cleanup();
	try {
		log('server push on PGlite …');
		const rows = [pushRow('PGlite', await pushOnPglite(cleanup, size.pushBatches))];
		if (process.env.TEST_DATABASE_URL) {
			log('server push on PostgreSQL …');
			rows.push(pushRow('PostgreSQL', await pushOnPostgres(size.pushBatches)));
		}
		console.log(`\n${await consoleTable(root, rows)}\n`);
	} finally {
		await cleanup.run();
	}
	return 0;
}

/** The built app served on a PGlite database filled with `size.records`, and Chromium on it. */
async function seededApp(root: string, cleanup: Cleanup, size: Size) {
	log(
		`filling the server's database (${thousands(size.records)} records, ${size.devices} people) …`
	);
	const dataDir = await tempDir(cleanup, 'server');
	const handle = await createDatabase({ dataDir });
	let seeded: Seeded;
	try {
		seeded = await seed(handle, size.records, size.devices);
	} finally {
		await handle.close();
	}
	const server: RunningServer = await startServer(root, { PGLITE_DIR: dataDir });
	cleanup.add(() => server.stop());
	log(`node build on ${server.origin}`);
	const script = await bundleEntry(root);
	const browser = await BenchBrowser.launch(script, server.origin);
	cleanup.add(() => browser.close());
	return { seeded, server, browser, script, dataDir };
}

/** `npm run bench -- sync`: the initial sync in the app alone, printed (docs/benchmarks.md untouched). */
async function runSyncOnly(root: string, size: Size): Promise<number> {
	const cleanup = new Cleanup();
	try {
		await buildIfNeeded(root, log);
		const { seeded, browser } = await seededApp(root, cleanup, size);
		log(`initial sync of ${thousands(size.records)} records in the app …`);
		const initial = await initialSync(browser, seeded.syncPerson, {
			records: size.records,
			head: seeded.head
		});
		console.log(`\n${await consoleTable(root, [initialSyncRow(initial)])}\n`);
	} finally {
		await cleanup.run();
	}
	return 0;
}

export async function runBenchmarks({ root, argv }: Options): Promise<number> {
	const size = argv.includes('--quick') ? SIZES.quick : SIZES.full;
	if (argv.includes('push')) return runPushOnly(root, size);
	if (argv.includes('sync')) return runSyncOnly(root, size);
	// `-- metrics --medium`: the metrics alone at a quarter of the full scale.
	if (argv.includes('metrics'))
		return runMetricsOnly(
			root,
			argv.includes('--medium')
				? { ...SIZES.full, metricsPeople: 250_000, metricsContributions: 2_500_000 }
				: size
		);
	const cleanup = new Cleanup();
	const interrupted = async () => {
		await cleanup.run();
		process.exit(130);
	};
	process.once('SIGINT', () => void interrupted());
	process.once('SIGTERM', () => void interrupted());

	const machine = facts(root);
	const postgresUrl = process.env.TEST_DATABASE_URL;
	const postgresWhy = process.env.GATHER_BENCH_POSTGRES ?? 'PostgreSQL binaries not found';
	// In the order of the issues: device, end to end, server, propagation, load; then the
	// directory (issue 4), on PostgreSQL and on the device.
	const deviceRows: Row[] = [];
	const pushRows: Row[] = [];
	const laterRows: Row[] = [];
	const directoryRows: Row[] = [];
	const eventRows: Row[] = [];
	const pushes: PushResult[] = [];
	const loads: { label: string; result: LoadResult; cpu: LoadCpu }[] = [];
	let commit: CommitSamples | undefined;
	let initial: InitialSyncResult | undefined;
	let propagated: PropagationResult | undefined;
	let directoryOnDevice: DirectoryDeviceResult | undefined;
	let directoryOnServer: DirectoryServerResult | undefined;
	let eventDownload: EventDownloadResult | undefined;
	let door: DoorDeviceResult | undefined;
	let metrics: MetricsServerResult | undefined;
	const metricRows: Row[] = [];
	let chromiumVersion: string;
	let postgresName = 'not available';
	const started = performance.now();
	try {
		await buildIfNeeded(root, log);

		log(`server push on PGlite (${size.pushBatches} × ${PUSH_BATCH}) …`);
		const onPglite = await pushOnPglite(cleanup, size.pushBatches);
		pushes.push(onPglite);
		let onPostgres: PushResult | null = null;
		if (postgresUrl) {
			postgresName = await postgresVersion(postgresUrl);
			log(`server push on ${postgresName} …`);
			onPostgres = await pushOnPostgres(size.pushBatches);
			pushes.push(onPostgres);
		}

		const { seeded, server, browser, script, dataDir } = await seededApp(root, cleanup, size);
		chromiumVersion = browser.browser.version();
		try {
			log(`local commit (${size.commits} runs) …`);
			commit = await localCommit(browser, size.commits, size.commitWarmup);
			deviceRows.push(commitRow(commit));

			log(`applying ${thousands(size.records)} pulled records …`);
			deviceRows.push(applyRow(await applyPages(browser, size.records)));

			log('initial sync in the app …');
			initial = await initialSync(browser, seeded.syncPerson, {
				records: size.records,
				head: seeded.head
			});
			deviceRows.push(initialSyncRow(initial));

			// A push of one mutation and a pull, alone: what propagation costs without waiting.
			const alone = await singleDevice(
				`http://127.0.0.1:${server.port}`,
				seeded.baselinePerson.token,
				{ batches: 1, batchSize: 1 },
				5
			);
			log('propagation between two devices …');
			propagated = await propagation(browser, seeded.propagationPerson, {
				trials: size.propagationTrials,
				budgetMs: 75_000,
				trialTimeoutMs: 40_000
			});
			laterRows.push(propagationRow(propagated, alone.pushP50 + alone.pullP50));

			log(`offline directory search over ${thousands(size.devicePeople)} people …`);
			directoryOnDevice = await directoryDevice(browser, size.devicePeople, size.deviceRounds);

			log(`door: scans and searches over ${thousands(size.eventAttendees)} attendees …`);
			door = await benchmarkDoorDevice(browser, size.eventAttendees, size.doorScans);
			eventRows.push(...doorDeviceRows(door));
		} finally {
			await browser.close();
			await server.stop();
		}

		log(`event download to fresh devices (${thousands(size.eventAttendees)} attendees) …`);
		eventDownload = await benchmarkEventDownload({
			root,
			script,
			dataDir: await tempDir(cleanup, 'event'),
			attendees: size.eventAttendees,
			trials: size.eventDevices,
			log
		});
		eventRows.push(eventDownloadRow(eventDownload));

		pushRows.push(
			pushRow('PGlite', onPglite),
			onPostgres
				? pushRow('PostgreSQL', onPostgres)
				: unavailable(
						`Server push, batches of ${PUSH_BATCH} contribution.log — PostgreSQL`,
						postgresWhy,
						'≥ 2,000/s and ≤ 2× bare'
					)
		);

		log(`load: ${size.devices} devices on PGlite …`);
		const pgliteLoad = await loadAgainst(root, cleanup, { PGLITE_DIR: dataDir }, seeded);
		loads.push({ label: 'PGlite', result: pgliteLoad.result, cpu: pgliteLoad.cpu });
		laterRows.push(loadRow('PGlite', pgliteLoad.result, pgliteLoad.alone));

		if (postgresUrl) {
			log(`load: ${size.devices} devices on ${postgresName} …`);
			const url = await postgresDatabase(cleanup, postgresUrl);
			const pgHandle = await createDatabase({ url });
			let pgSeeded: Seeded;
			try {
				pgSeeded = await seed(pgHandle, 0, size.devices);
			} finally {
				await pgHandle.close();
			}
			const pgLoad = await loadAgainst(root, cleanup, { DATABASE_URL: url }, pgSeeded);
			loads.push({ label: 'PostgreSQL', result: pgLoad.result, cpu: pgLoad.cpu });
			laterRows.push(loadRow('PostgreSQL', pgLoad.result, pgLoad.alone));
		} else {
			laterRows.push(unavailable('Load on PostgreSQL', postgresWhy, 'zero errors'));
		}

		if (postgresUrl) {
			const url = await postgresDatabase(cleanup, postgresUrl);
			directoryOnServer = await benchmarkDirectoryServer(
				url,
				{ people: size.directoryPeople, rounds: size.directoryRounds },
				log
			);
			directoryRows.push(directoryServerRow(directoryOnServer));
		} else {
			directoryRows.push(
				unavailable(
					`Directory search, ${thousands(size.directoryPeople)} people — PostgreSQL`,
					postgresWhy,
					'p95 ≤ 50 ms'
				)
			);
		}
		if (directoryOnDevice) directoryRows.push(directoryDeviceRow(directoryOnDevice));

		const measured = await metricsRows(cleanup, size, postgresUrl, postgresWhy);
		metricRows.push(...measured.rows);
		metrics = measured.result;
	} finally {
		await cleanup.run();
	}

	const elapsed = (performance.now() - started) / 1000;
	const rows = [
		...deviceRows,
		...pushRows,
		...laterRows,
		...directoryRows,
		...eventRows,
		...metricRows
	];
	console.log(`\n${await consoleTable(root, rows)}\n`);
	const generated = [
		`Measured ${machine.date} on ${machine.cpu}, ${machine.cores} cores (load average ${machine.load} at the start, ${loadavg()[0].toFixed(2)} at the end); Node ${machine.node}, Chromium ${chromiumVersion}, PGlite ${machine.pglite}, ${postgresName}; commit ${machine.commit}; the run took ${elapsed.toFixed(0)} s.`,
		'',
		table(rows),
		'',
		details({
			push: pushes,
			commit,
			initial,
			propagation: propagated,
			loads,
			directoryServer: directoryOnServer,
			directoryDevice: directoryOnDevice
		}),
		...(eventDownload ? [eventDownloadDetail(eventDownload)] : []),
		...(door ? [doorDeviceDetail(door)] : []),
		...(metrics ? [metricsDetail(metrics)] : [])
	].join('\n');
	if (argv.includes('--quick')) log('--quick: docs/benchmarks.md left as it is');
	else log(`written to ${path.relative(root, await writeResults(root, generated))}`);
	// A missed target is a result, not a failure: the exit status says whether the run worked.
	return 0;
}
