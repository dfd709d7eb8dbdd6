/**
 * Many devices at once against the built server over loopback: each pushes a few batches of
 * contribution.log and then pulls until it is up to date, with its own person and session.
 */
import { encodeHlc } from '$lib/domain/hlc';
import { newId } from '$lib/domain/ids';
import {
	pullResponseSchema,
	pushResponseSchema,
	type PushedMutation
} from '$lib/domain/sync-protocol';
import { AREAS, LOGGED_ACTIVITY_TYPES } from '$lib/domain/taxonomy';
import { percentile } from './stats';

export interface LoadPlan {
	batches: number;
	batchSize: number;
}

export interface LoadResult {
	devices: number;
	requests: number;
	errors: number;
	/** The first few distinct error messages. */
	errorSamples: string[];
	push: number[];
	pull: number[];
	wallMs: number;
	mutations: number;
	rowsPulled: number;
}

interface DeviceStats {
	push: number[];
	pull: number[];
	errors: string[];
	rowsPulled: number;
}

async function post(
	base: string,
	token: string,
	path: string,
	body: unknown
): Promise<{ status: number; json: unknown }> {
	const response = await fetch(`${base}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: `gather_session=${token}` },
		body: JSON.stringify(body)
	});
	const text = await response.text();
	try {
		return { status: response.status, json: JSON.parse(text) as unknown };
	} catch {
		return { status: response.status, json: text.slice(0, 200) };
	}
}

function batch(first: number, size: number, node: string): PushedMutation[] {
	const today = new Date().toISOString().slice(0, 10);
	return Array.from({ length: size }, (_, offset) => ({
		mutationId: first + offset,
		name: 'contribution.log',
		args: {
			id: newId(),
			area: AREAS[offset % AREAS.length],
			activityType: LOGGED_ACTIVITY_TYPES[offset % LOGGED_ACTIVITY_TYPES.length],
			description: `Load test contribution ${first + offset}`,
			happenedOn: today,
			link: null
		},
		hlc: encodeHlc({ millis: Date.now(), counter: offset, node })
	}));
}

/** One device's session: push every batch, then pull from scratch until `more` is false. */
async function device(base: string, token: string, plan: LoadPlan): Promise<DeviceStats> {
	const stats: DeviceStats = { push: [], pull: [], errors: [], rowsPulled: 0 };
	const deviceId = crypto.randomUUID();
	const node = deviceId.slice(0, 8);
	const timed = async (kind: 'push' | 'pull', path: string, body: unknown) => {
		const started = performance.now();
		try {
			const answer = await post(base, token, path, body);
			stats[kind].push(performance.now() - started);
			if (answer.status !== 200) {
				stats.errors.push(`${path} ${answer.status} ${JSON.stringify(answer.json)}`);
				return null;
			}
			return answer.json;
		} catch (failure) {
			stats[kind].push(performance.now() - started);
			stats.errors.push(`${path} ${failure instanceof Error ? failure.message : String(failure)}`);
			return null;
		}
	};
	for (let index = 0; index < plan.batches; index += 1) {
		const mutations = batch(1 + index * plan.batchSize, plan.batchSize, node);
		const json = await timed('push', '/api/sync/push', { deviceId, mutations });
		if (json === null) return stats;
		const parsed = pushResponseSchema.safeParse(json);
		if (!parsed.success || parsed.data.applied !== mutations.length) {
			stats.errors.push(`/api/sync/push unexpected answer ${JSON.stringify(json)}`);
			return stats;
		}
	}
	let cursor = 0;
	for (;;) {
		const json = await timed('pull', '/api/sync/pull', { deviceId, cursor });
		if (json === null) return stats;
		const parsed = pullResponseSchema.safeParse(json);
		if (!parsed.success) {
			stats.errors.push('/api/sync/pull answer does not match the contract');
			return stats;
		}
		stats.rowsPulled += Object.values(parsed.data.changes).reduce(
			(total, rows) => total + rows.length,
			0
		);
		cursor = parsed.data.cursor;
		if (!parsed.data.more) break;
	}
	const mine = plan.batches * plan.batchSize;
	if (stats.rowsPulled < mine)
		stats.errors.push(`pulled ${stats.rowsPulled} rows, expected at least ${mine}`);
	return stats;
}

export async function runLoad(
	base: string,
	tokens: readonly string[],
	plan: LoadPlan
): Promise<LoadResult> {
	const started = performance.now();
	const all = await Promise.all(tokens.map((token) => device(base, token, plan)));
	const wallMs = performance.now() - started;
	const errors = all.flatMap((stats) => stats.errors);
	return {
		devices: tokens.length,
		requests: all.reduce((total, stats) => total + stats.push.length + stats.pull.length, 0),
		errors: errors.length,
		errorSamples: [...new Set(errors)].slice(0, 5),
		push: all.flatMap((stats) => stats.push),
		pull: all.flatMap((stats) => stats.pull),
		wallMs,
		mutations: tokens.length * plan.batches * plan.batchSize,
		rowsPulled: all.reduce((total, stats) => total + stats.rowsPulled, 0)
	};
}

export function latencies(result: LoadResult) {
	const all = [...result.push, ...result.pull];
	return {
		p50: percentile(all, 50),
		p99: percentile(all, 99),
		pushP50: percentile(result.push, 50),
		pushP99: percentile(result.push, 99),
		pullP50: percentile(result.pull, 50),
		pullP99: percentile(result.pull, 99)
	};
}

/**
 * The same requests from one device alone on an idle server, `rounds` times (a new device
 * each round): the latency floor beside the loaded numbers.
 */
export async function singleDevice(base: string, token: string, plan: LoadPlan, rounds = 1) {
	const push: number[] = [];
	const pull: number[] = [];
	for (let round = 0; round < rounds; round += 1) {
		const stats = await device(base, token, plan);
		if (stats.errors.length > 0) throw new Error(stats.errors.join('\n'));
		push.push(...stats.push);
		pull.push(...stats.pull);
	}
	const all = [...push, ...pull];
	return {
		p50: percentile(all, 50),
		p99: percentile(all, 99),
		pushP50: percentile(push, 50),
		pullP50: percentile(pull, 50)
	};
}
