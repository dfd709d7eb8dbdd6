/**
 * Runs inside Chromium, on a page of the app's origin (IndexedDB needs a real origin). Bundled
 * by bench/browser.ts from the app's own modules, so what is timed is runMutation and
 * applyPage themselves; each is measured beside the bare IndexedDB/Dexie operation it rests on.
 */
import Dexie from 'dexie';
import { GatherDatabase } from '$lib/client/db';
import { runMutation } from '$lib/client/mutations';
import { applyPage } from '$lib/client/sync/pull';
import type { Actor } from '$lib/domain/actor';
import type { Contribution } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { LogContributionArgs } from '$lib/domain/mutations';
import {
	PULL_PAGE_SIZE,
	pullResponseSchema,
	emptyChanges,
	type PullResponse
} from '$lib/domain/sync-protocol';
import { AREAS, LOGGED_ACTIVITY_TYPES } from '$lib/domain/taxonomy';

const today = new Date().toISOString().slice(0, 10);

function contributionArgs(index: number): LogContributionArgs {
	return {
		id: newId(),
		area: AREAS[index % AREAS.length],
		activityType: LOGGED_ACTIVITY_TYPES[index % LOGGED_ACTIVITY_TYPES.length],
		description: `Benchmark contribution number ${index}: reviewed translations and docs`,
		happenedOn: today,
		link: index % 3 === 0 ? `https://example.org/contributions/${index}` : null
	};
}

function contribution(index: number, personId: string, version: number): Contribution {
	return {
		...contributionArgs(index),
		personId,
		eventId: null,
		durationMinutes: null,
		location: null,
		createdAt: new Date().toISOString(),
		editedAt: null,
		verifiedBy: null,
		verifiedAt: null,
		version
	};
}

function freshName(kind: string): string {
	return `bench-${kind}-${crypto.randomUUID()}`;
}

/** A database of the same shape as the contributions table of GatherDatabase, with the raw API. */
function openRaw(name: string): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(name, 1);
		request.onupgradeneeded = () => {
			const store = request.result.createObjectStore('contributions', { keyPath: 'id' });
			store.createIndex('[personId+happenedOn]', ['personId', 'happenedOn']);
			store.createIndex('version', 'version');
		};
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
	});
}

function rawPut(database: IDBDatabase, row: Contribution): Promise<void> {
	return new Promise((resolve, reject) => {
		const transaction = database.transaction('contributions', 'readwrite');
		transaction.objectStore('contributions').put(row);
		transaction.oncomplete = () => resolve();
		transaction.onerror = () => reject(transaction.error ?? new Error('put failed'));
		transaction.onabort = () => reject(transaction.error ?? new Error('put aborted'));
	});
}

export interface CommitSamples {
	/** runMutation('contribution.log'): domain row + outbox + counters, one Dexie transaction. */
	mutation: number[];
	/** The same row, raw indexedDB put, one readwrite transaction per put. */
	bare: number[];
}

/**
 * Local commit latency. Interleaved (bare put, then runMutation) so that any drift of the
 * machine during the run hits both series alike.
 */
export async function localCommit(iterations: number, warmup: number): Promise<CommitSamples> {
	const dexieName = freshName('commit');
	const rawName = freshName('raw');
	const db = new GatherDatabase(dexieName);
	await db.open();
	const raw = await openRaw(rawName);
	const actor: Actor = { personId: newId(), roles: ['member'] };
	const samples: CommitSamples = { mutation: [], bare: [] };
	try {
		for (let index = 0; index < warmup + iterations; index += 1) {
			const row = contribution(index, actor.personId, 0);
			let started = performance.now();
			await rawPut(raw, row);
			const bare = performance.now() - started;
			started = performance.now();
			await runMutation(db, actor, 'contribution.log', contributionArgs(index));
			const mutation = performance.now() - started;
			if (index >= warmup) {
				samples.bare.push(bare);
				samples.mutation.push(mutation);
			}
		}
	} finally {
		raw.close();
		db.close();
		await Dexie.delete(dexieName);
		await Dexie.delete(rawName);
	}
	return samples;
}

/** `total` contributions as pull pages of PULL_PAGE_SIZE, 500 rows per server version. */
function pulledPages(total: number, personId: string): PullResponse[] {
	const pages: PullResponse[] = [];
	for (let start = 0; start < total; start += PULL_PAGE_SIZE) {
		const changes = emptyChanges();
		const end = Math.min(total, start + PULL_PAGE_SIZE);
		for (let index = start; index < end; index += 1)
			changes.contributions.push(contribution(index, personId, 1 + Math.floor(index / 500)));
		pages.push({
			cursor: 1 + Math.floor((end - 1) / 500),
			more: end < total,
			reset: false,
			lastMutationId: 0,
			deletions: [],
			changes
		});
	}
	return pages;
}

export interface ApplyResult {
	records: number;
	pages: number;
	/** applyPage for every page, in order, into an empty GatherDatabase. */
	applyMs: number;
	/** Dexie bulkPut of the same rows, one call (one transaction) per page, into an empty database. */
	bulkPutMs: number;
}

export async function applyPages(total: number): Promise<ApplyResult> {
	const actor: Actor = { personId: newId(), roles: ['member'] };
	const pages = pulledPages(total, actor.personId);
	const bulkName = freshName('bulk');
	const applyName = freshName('apply');
	const bulk = new GatherDatabase(bulkName);
	const target = new GatherDatabase(applyName);
	await bulk.open();
	await target.open();
	try {
		const deviceId = await target.transaction('rw', target.meta, () => target.deviceId());
		// Interleaved page by page, so that drift during the run hits both series alike.
		let bulkPutMs = 0;
		let applyMs = 0;
		let records = 0;
		for (const page of pages) {
			let started = performance.now();
			await bulk.contributions.bulkPut(page.changes.contributions);
			bulkPutMs += performance.now() - started;
			started = performance.now();
			records += await applyPage(target, actor, deviceId, page);
			applyMs += performance.now() - started;
		}
		if ((await target.contributions.count()) !== total) throw new Error('applyPage lost rows');
		return { records, pages: pages.length, applyMs, bulkPutMs };
	} finally {
		bulk.close();
		target.close();
		await Dexie.delete(bulkName);
		await Dexie.delete(applyName);
	}
}

export interface PullPhases {
	records: number;
	pages: number;
	totalMs: number;
	/** From sending the request to the response headers: the server's work plus loopback. */
	serverMs: number;
	/** Reading the body. */
	bodyMs: number;
	parseMs: number;
	/** pullResponseSchema.parse, as the app's transport does for every page. */
	validateMs: number;
	/** applyPage: one Dexie transaction per page. */
	applyMs: number;
	bytes: number;
}

/**
 * The app's pull loop (transport + applyPage) with a clock around each step, into a fresh
 * database, so the end-to-end initial sync can be split into where its time goes.
 */
export async function pullWithPhases(actor: Actor): Promise<PullPhases> {
	const name = freshName('phases');
	const db = new GatherDatabase(name);
	await db.open();
	const phases: PullPhases = {
		records: 0,
		pages: 0,
		totalMs: 0,
		serverMs: 0,
		bodyMs: 0,
		parseMs: 0,
		validateMs: 0,
		applyMs: 0,
		bytes: 0
	};
	try {
		const deviceId = await db.deviceId();
		const begun = performance.now();
		let cursor = 0;
		for (;;) {
			let mark = performance.now();
			const response = await fetch('/api/sync/pull', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				credentials: 'same-origin',
				body: JSON.stringify({ deviceId, cursor, limit: PULL_PAGE_SIZE })
			});
			if (!response.ok) throw new Error(`pull answered ${response.status}`);
			const lap = () => {
				const now = performance.now();
				const elapsed = now - mark;
				mark = now;
				return elapsed;
			};
			phases.serverMs += lap();
			const text = await response.text();
			phases.bytes += text.length;
			phases.bodyMs += lap();
			const json: unknown = JSON.parse(text);
			phases.parseMs += lap();
			const page = pullResponseSchema.parse(json);
			phases.validateMs += lap();
			phases.records += await applyPage(db, actor, deviceId, page);
			phases.applyMs += lap();
			phases.pages += 1;
			cursor = page.cursor;
			if (!page.more) break;
		}
		phases.totalMs = performance.now() - begun;
		return phases;
	} finally {
		db.close();
		await Dexie.delete(name);
	}
}

export { directorySearch, type DirectoryDeviceResult } from './directory';
export { doorDevice, type DoorDeviceResult } from './door-device';
