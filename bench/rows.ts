/** The table's rows and the details under it, from the benchmarks' raw results. */
import { PULL_PAGE_SIZE } from '$lib/domain/sync-protocol';
import type { InitialSyncResult, PropagationResult } from './browser';
import type { ApplyResult, CommitSamples, DirectoryDeviceResult } from './browser/entry';
import type { DirectoryServerResult } from './directory-server';
import type { MetricsServerResult } from './metrics-server';
import { latencies, type LoadPlan, type LoadResult } from './load';
import type { Row } from './report';
import { PUSH_BATCH, type PushResult } from './server-push';
import { ms, percentile, rate } from './stats';

/** What each simulated device does in the load benchmark. */
export const LOAD_PLAN: LoadPlan = { batches: 3, batchSize: 20 };

/** CPU seconds used during a load run: the app server process and this process (the devices). */
export interface LoadCpu {
	server: number | null;
	client: number;
}

export function thousands(value: number): string {
	return Math.round(value).toLocaleString('en-US');
}

export function pushRow(label: string, result: PushResult): Row {
	const pushRate = rate(result.mutations, result.pushMs);
	const bareRate = rate(result.mutations, result.bareMs);
	const ratio = result.pushMs / result.bareMs;
	return {
		benchmark: `Server push, batches of ${PUSH_BATCH} contribution.log — ${label}`,
		result: `${thousands(pushRate)} mutations/s (p95 batch ${ms(percentile(result.pushBatches, 95))})`,
		limit: `bare multi-row INSERT: ${thousands(bareRate)} rows/s — push takes ${ratio.toFixed(2)}×`,
		target: '≥ 2,000/s and ≤ 2× bare',
		met: pushRate >= 2000 && ratio <= 2
	};
}

export function commitRow(samples: CommitSamples): Row {
	const p95 = percentile(samples.mutation, 95);
	return {
		benchmark: `Local commit of one mutation (runMutation, ${samples.mutation.length} runs)`,
		result: `p50 ${ms(percentile(samples.mutation, 50))}, p95 ${ms(p95)}`,
		limit: `bare IndexedDB put: p50 ${ms(percentile(samples.bare, 50))}, p95 ${ms(percentile(samples.bare, 95))}`,
		target: 'p95 ≤ 2 ms',
		met: p95 <= 2
	};
}

export function applyRow(result: ApplyResult): Row {
	const applied = rate(result.records, result.applyMs);
	return {
		benchmark: `Apply pulled pages (${thousands(result.records)} records, pages of ${PULL_PAGE_SIZE})`,
		result: `${thousands(applied)} records/s (${ms(result.applyMs)})`,
		limit: `Dexie bulkPut: ${thousands(rate(result.records, result.bulkPutMs))} records/s (${ms(result.bulkPutMs)})`,
		target: '≥ 20,000/s',
		met: applied >= 20_000
	};
}

export function initialSyncRow(result: InitialSyncResult): Row {
	const synced = rate(result.records, result.syncMs);
	const { phases } = result;
	const transport = phases.serverMs + phases.bodyMs + phases.parseMs;
	return {
		benchmark: `Initial sync of ${thousands(result.records)} records, server → IndexedDB (app open on home)`,
		result: `${thousands(synced)} records/s (${ms(result.syncMs)})`,
		limit: `same pages, fetch + JSON only: ${thousands(rate(phases.records, transport))} records/s; full pull loop without the app's screen: ${thousands(rate(phases.records, phases.totalMs))} records/s`,
		target: '≥ 10,000/s',
		met: synced >= 10_000
	};
}

export function propagationRow(result: PropagationResult, floorMs: number): Row {
	const worst = result.timedOut > 0 ? Number.POSITIVE_INFINITY : Math.max(...result.trials);
	const seen = result.trials.length
		? `p50 ${ms(percentile(result.trials, 50))}, max ${ms(Math.max(...result.trials))}`
		: 'never seen';
	return {
		benchmark: `Propagation A → B (two online devices, ${result.trials.length + result.timedOut} trials)`,
		result: result.timedOut ? `${seen}; ${result.timedOut} not seen in time` : seen,
		limit: `one push + one pull on an idle server: ${ms(floorMs)}`,
		target: '≤ 1 s',
		met: worst <= 1000
	};
}

export function loadRow(
	label: string,
	result: LoadResult,
	alone: { p50: number; p99: number }
): Row {
	const latency = latencies(result);
	return {
		benchmark: `Load: ${result.devices} devices push ${LOAD_PLAN.batches}×${LOAD_PLAN.batchSize} and pull, concurrently — ${label}`,
		result: `${result.errors} errors in ${thousands(result.requests)} requests; p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}`,
		limit: `one device alone: p50 ${ms(alone.p50)}, p99 ${ms(alone.p99)}`,
		target: 'zero errors',
		met: result.errors === 0
	};
}

/** p95 per kind of query, slowest first: `name prefix 4.1 ms, …`. */
function byKind(samples: { kind: string; ms: number }[]): string {
	const kinds = new Map<string, number[]>();
	for (const sample of samples)
		kinds.set(sample.kind, [...(kinds.get(sample.kind) ?? []), sample.ms]);
	return [...kinds]
		.map(([kind, values]) => ({ kind, p95: percentile(values, 95) }))
		.sort((a, b) => b.p95 - a.p95)
		.map(({ kind, p95 }) => `${kind} ${ms(p95)}`)
		.join(', ');
}

/** "290 searches: 29 queries × 10". */
function searches(samples: { label: string }[]): string {
	const queries = new Set(samples.map((sample) => sample.label)).size;
	return `${thousands(samples.length)} searches: ${queries} queries × ${Math.round(samples.length / queries)}`;
}

export function directoryServerRow(result: DirectoryServerResult): Row {
	const times = result.samples.map((sample) => sample.ms);
	const p95 = percentile(times, 95);
	return {
		benchmark: `Directory search, ${thousands(result.people)} people — PostgreSQL (${searches(result.samples)})`,
		result: `p50 ${ms(percentile(times, 50))}, p95 ${ms(p95)}`,
		limit: `a page's 20 people read by id: p50 ${ms(percentile(result.floor, 50))}`,
		target: 'p95 ≤ 50 ms',
		met: p95 <= 50
	};
}

export function directoryDeviceRow(result: DirectoryDeviceResult): Row {
	const times = result.samples.map((sample) => sample.ms);
	const p95 = percentile(times, 95);
	return {
		benchmark: `Offline directory search, ${thousands(result.people)} people on the device (${searches(result.samples)})`,
		result: `p50 ${ms(percentile(times, 50))}, p95 ${ms(p95)}`,
		limit: `reading one page of rows (bulkGet): p50 ${ms(percentile(result.floor, 50))}`,
		target: 'p95 ≤ 20 ms',
		met: p95 <= 20
	};
}

export function unavailable(benchmark: string, why: string, target: string): Row {
	return { benchmark, result: `not available: ${why}`, limit: '—', target, met: null };
}

/** The lines under the table: spreads, phase splits, CPU. */
export function details(parts: {
	push: PushResult[];
	commit?: CommitSamples;
	initial?: InitialSyncResult;
	propagation?: PropagationResult;
	loads: { label: string; result: LoadResult; cpu: LoadCpu }[];
	directoryServer?: DirectoryServerResult;
	directoryDevice?: DirectoryDeviceResult;
}): string {
	const lines: string[] = [];
	if (parts.commit) {
		const { mutation, bare } = parts.commit;
		lines.push(
			`- **Local commit**: runMutation p50 ${ms(percentile(mutation, 50))}, p95 ${ms(percentile(mutation, 95))}, p99 ${ms(percentile(mutation, 99))}, max ${ms(Math.max(...mutation))}; bare put p99 ${ms(percentile(bare, 99))}. Chromium rounds \`performance.now()\` to 0.1 ms on a page that is not cross-origin isolated.`
		);
	}
	if (parts.initial) {
		const { phases } = parts.initial;
		const share = (value: number) =>
			`${ms(value)} (${((100 * value) / phases.totalMs).toFixed(0)} %)`;
		lines.push(
			`- **Initial sync**: ${ms(parts.initial.syncMs)} from the first pull request to the end of the sync, ${ms(parts.initial.openMs)} from the navigation. The same ${thousands(phases.records)} records pulled again in the page without the app's screen, in ${phases.pages} pages (${(phases.bytes / 1e6).toFixed(1)} MB of JSON), took ${ms(phases.totalMs)}: server and loopback until the headers ${share(phases.serverMs)}, body ${share(phases.bodyMs)}, JSON.parse ${share(phases.parseMs)}, zod validation ${share(phases.validateMs)}, applyPage ${share(phases.applyMs)}.`
		);
	}
	for (const result of parts.push) {
		lines.push(
			`- **Push on ${result.database}**: ${result.pushBatches.length} batches; per batch push p50 ${ms(percentile(result.pushBatches, 50))} / max ${ms(Math.max(...result.pushBatches))}, bare insert p50 ${ms(percentile(result.bareBatches, 50))} / max ${ms(Math.max(...result.bareBatches))}.`
		);
	}
	if (parts.propagation) {
		lines.push(
			`- **Propagation** trials (ms): ${parts.propagation.trials.map((trial) => trial.toFixed(0)).join(', ') || 'none'}${parts.propagation.timedOut ? `; ${parts.propagation.timedOut} not seen within the trial's limit` : ''}.`
		);
	}
	for (const { label, result, cpu } of parts.loads) {
		const latency = latencies(result);
		const wall = result.wallMs / 1000;
		const busy =
			cpu.server === null
				? ''
				: ` CPU: the server ${cpu.server.toFixed(1)} s (${((100 * cpu.server) / wall).toFixed(0)} % of one core), the simulated devices ${cpu.client.toFixed(1)} s (${((100 * cpu.client) / wall).toFixed(0)} %).`;
		lines.push(
			`- **Load on ${label}**: ${thousands(result.mutations)} mutations pushed and ${thousands(result.rowsPulled)} rows pulled in ${ms(result.wallMs)} (${thousands(rate(result.requests, result.wallMs))} requests/s); push p50 ${ms(latency.pushP50)} / p99 ${ms(latency.pushP99)}, pull p50 ${ms(latency.pullP50)} / p99 ${ms(latency.pullP99)}.${busy}${result.errorSamples.length ? ` Errors: ${result.errorSamples.join('; ')}` : ''}`
		);
	}
	const server = parts.directoryServer;
	if (server) {
		const empty = server.samples.filter((sample) => sample.found === 0).length;
		lines.push(
			`- **Directory on PostgreSQL**: ${thousands(server.people)} people and ${thousands(server.memberships)} group memberships generated in ${ms(server.loadMs)}, indexes built in ${ms(server.indexMs)}, VACUUM ANALYZE ${ms(server.vacuumMs)}; table ${(server.tableBytes / 1e6).toFixed(0)} MB, its indexes ${(server.indexBytes / 1e6).toFixed(0)} MB. p95 by kind: ${byKind(server.samples)}; max ${ms(Math.max(...server.samples.map((sample) => sample.ms)))}; ${empty} of ${server.samples.length} answers empty.`
		);
	}
	const device = parts.directoryDevice;
	if (device) {
		lines.push(
			`- **Directory on the device**: ${thousands(device.people)} people stored in ${ms(device.storeMs)} (pages of 1,000); the first search after opening (the index reads everyone) ${ms(device.coldMs)}; the first after a pull changed 20 people ${ms(device.afterPageMs)}. p95 by kind: ${byKind(device.samples)}; max ${ms(Math.max(...device.samples.map((sample) => sample.ms)))}.`
		);
	}
	return lines.join('\n');
}

// ————— Community metrics (issue 6) —————

export function metricsDashboardRows(result: MetricsServerResult): Row[] {
	const scale = `${thousands(result.people)} people, ${thousands(result.contributions)} contributions — PostgreSQL`;
	const runs = result.dashboard.length;
	const rows: Row[] = Object.entries(result.queries).map(([name, times]) => {
		const p95 = percentile(times, 95);
		return {
			benchmark: `Dashboard query "${name}", ${scale} (${runs} runs: ${result.filters} filter sets × ${runs / result.filters})`,
			result: `p50 ${ms(percentile(times, 50))}, p95 ${ms(p95)}`,
			limit: `the whole dashboard (its queries at once): p50 ${ms(percentile(result.dashboard, 50))}, p95 ${ms(percentile(result.dashboard, 95))}`,
			target: 'p95 ≤ 200 ms',
			met: p95 <= 200
		};
	});
	const { busy, newcomer, bare } = result.insert;
	rows.push({
		benchmark: `Metrics triggers: one incoming contribution, ${scale}`,
		result: `busiest person p50 ${ms(percentile(busy, 50))}, p95 ${ms(percentile(busy, 95))}; a newcomer p50 ${ms(percentile(newcomer, 50))}, p95 ${ms(percentile(newcomer, 95))}`,
		limit: `the same INSERT without triggers: p50 ${ms(percentile(bare, 50))}, p95 ${ms(percentile(bare, 95))}`,
		target: '— (kept fresh)',
		met: null
	});
	const p95 = percentile(result.evaluate, 95);
	rows.push({
		benchmark: `Automatic badges: evaluateAwards for one incoming contribution (${result.badges} rule badges; a person with ${thousands(result.busiestContributions)} contributions), ${scale}`,
		result: `p50 ${ms(percentile(result.evaluate, 50))}, p95 ${ms(p95)}`,
		limit: `the contribution's INSERT alone: p50 ${ms(percentile(bare, 50))}`,
		target: 'p95 ≤ 5 ms',
		met: p95 <= 5
	});
	return rows;
}

export function metricsDetail(result: MetricsServerResult): string {
	const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
	return `- **Metrics data**: ${thousands(result.people)} people generated in ${ms(result.peopleMs)} (the directory's generator, indexes included); ${thousands(result.contributions)} contributions, ${thousands(result.events)} events, ${thousands(result.registrations)} registrations and ${thousands(result.checkIns)} check-ins generated in ${ms(result.generateMs)} with the triggers off, their indexes built in ${ms(result.indexMs)}; the rollups built set-based in ${ms(result.rollupMs)} (${thousands(result.rollupRows)} rows, ${mb(result.rollupBytes)}), VACUUM ANALYZE ${ms(result.vacuumMs)}; a new week's roll of the absence factor's recent periods ${ms(result.rollMs)}.`;
}
