/**
 * The chaos test's own Gather server: the built app (`node build`, the same `build/` the
 * config's webServer serves) on a spare port, over an embedded PGlite folder that only this
 * test uses, so it can be crashed (SIGKILL) and restarted without disturbing other tests.
 *
 * The test process opens the folder itself before the server starts (to add its people, event
 * and session) and after it stopped (to read what the server holds), with the app's own
 * createDatabase (db/create.ts needs nothing of Vite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createDatabase, type Database } from '../../src/lib/server/db/create';
import * as schema from '../../src/lib/server/db/schema';
import { nextVersion } from '../../src/lib/server/db/versions';
import { newId } from '../../src/lib/domain/ids';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DAY_MS = 24 * 3600 * 1000;

export type ChaosDatabase = Database;

/** Open (and migrate) a PGlite folder, optionally with the demo seed. */
export function openDataDir(dataDir: string, seed = false) {
	return createDatabase({ url: null, dataDir, seed });
}

export interface ChaosFixture {
	/** The organizer (and admin) whose five devices write. */
	personId: string;
	/** The event they run, where the attendees are checked in. */
	eventId: string;
	attendeeIds: string[];
	/** The `gather_session` cookie value of the organizer's session. */
	sessionToken: string;
}

/**
 * A fresh folder with the demo seed, one organizer running one event, `attendees` people
 * registered for it, and a session for the organizer (stored, as session.ts does, under the
 * SHA-256 of the token).
 */
export async function prepareDataDir(dataDir: string, attendees: number): Promise<ChaosFixture> {
	await rm(dataDir, { recursive: true, force: true });
	const { db, close } = await openDataDir(dataDir, true);
	try {
		const fixture: ChaosFixture = {
			personId: newId(),
			eventId: newId(),
			attendeeIds: Array.from({ length: attendees }, () => newId()),
			sessionToken: randomBytes(32).toString('base64url')
		};
		const now = Date.now();
		await db.transaction(async (tx) => {
			const version = await nextVersion(tx);
			await tx.insert(schema.people).values([
				{
					id: fixture.personId,
					displayName: 'Chaos Organizer',
					email: `chaos-${fixture.personId}@example.org`,
					city: 'Lisbon',
					bio: 'Runs the door.',
					roles: ['member', 'organizer', 'admin'],
					version
				},
				...fixture.attendeeIds.map((id, index) => ({
					id,
					displayName: `Attendee ${index + 1}`,
					email: `attendee-${id}@example.org`,
					roles: ['member'],
					version
				}))
			]);
			await tx.insert(schema.events).values({
				id: fixture.eventId,
				title: 'Chaos at the door',
				startsAt: new Date(now - 3600 * 1000),
				endsAt: new Date(now + 3 * 3600 * 1000),
				timezone: 'UTC',
				venue: 'Hall 1',
				visibility: 'community',
				organizerIds: [fixture.personId],
				version
			});
			await tx.insert(schema.registrations).values(
				fixture.attendeeIds.map((personId) => ({
					id: newId(),
					eventId: fixture.eventId,
					personId,
					status: 'registered' as const,
					ticketCode: randomBytes(12).toString('base64url'),
					version
				}))
			);
			await tx.insert(schema.sessions).values({
				id: createHash('sha256').update(fixture.sessionToken).digest('hex'),
				personId: fixture.personId,
				expiresAt: new Date(now + 30 * DAY_MS)
			});
		});
		return fixture;
	} finally {
		await close();
	}
}

/** A TCP port nobody listens on right now. */
export function sparePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port'))
			);
		});
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `node build` on one PGlite folder and port; crashed with SIGKILL, restarted on the same folder. */
export class ServerProcess {
	#child: ChildProcess | null = null;
	#exited: Promise<void> = Promise.resolve();
	#recent: string[] = [];
	/** How many times the process was started. */
	starts = 0;
	/** When the running process started listening (its database open and migrated). */
	readyAt = 0;

	constructor(readonly options: { dataDir: string; port: number; logFile: string }) {}

	get origin(): string {
		return `http://localhost:${this.options.port}`;
	}

	get running(): boolean {
		return this.#child !== null;
	}

	/** The last lines the server wrote, for failure messages. */
	get recentLog(): string {
		return this.#recent.join('');
	}

	#log(text: string): void {
		appendFileSync(this.options.logFile, text);
		this.#recent.push(text);
		if (this.#recent.length > 40) this.#recent.shift();
	}

	/** Spawn the server and wait until it listens. */
	async start(): Promise<void> {
		if (this.#child) throw new Error('server already running');
		this.starts += 1;
		this.#log(`\n--- start #${this.starts} at ${new Date().toISOString()}\n`);
		const child = spawn(process.execPath, ['build'], {
			cwd: ROOT,
			env: {
				...process.env,
				PORT: String(this.options.port),
				ORIGIN: this.origin,
				PGLITE_DIR: this.options.dataDir,
				GATHER_SEED: 'off',
				SHUTDOWN_TIMEOUT: '2'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.#child = child;
		// adapter-node listens once the server's init (database open and migrated) is done; a
		// busy server answers /api/auth/me only after the requests queued before it.
		let listening = false;
		child.stdout?.on('data', (chunk: Buffer) => {
			const text = chunk.toString();
			if (text.includes('Listening on')) listening = true;
			this.#log(text);
		});
		child.stderr?.on('data', (chunk: Buffer) => this.#log(chunk.toString()));
		this.#exited = new Promise((resolve) =>
			child.once('exit', (code, signal) => {
				this.#log(`--- exit code=${code} signal=${signal} at ${new Date().toISOString()}\n`);
				if (this.#child === child) this.#child = null;
				resolve();
			})
		);
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			if (this.#child !== child)
				throw new Error(`server exited while starting:\n${this.recentLog}`);
			if (listening) {
				this.readyAt = Date.now();
				return;
			}
			await sleep(50);
		}
		throw new Error(`server did not listen within 60 s:\n${this.recentLog}`);
	}

	/** A crash: SIGKILL, no chance to finish a request, commit or close the database. */
	async kill(): Promise<void> {
		const child = this.#child;
		if (!child) return;
		this.#log(`--- SIGKILL at ${new Date().toISOString()}\n`);
		child.kill('SIGKILL');
		await this.#exited;
	}

	/** Start again on the same folder and port, as a supervisor would after a crash. */
	restart(): Promise<void> {
		return this.start();
	}

	/** A graceful stop (SIGTERM). Returns false when it had to be killed after `timeoutMs`. */
	async stop(timeoutMs = 15_000): Promise<boolean> {
		const child = this.#child;
		if (!child) return true;
		child.kill('SIGTERM');
		const stopped = await Promise.race([
			this.#exited.then(() => true),
			sleep(timeoutMs).then(() => false)
		]);
		if (!stopped) await this.kill();
		return stopped;
	}
}
