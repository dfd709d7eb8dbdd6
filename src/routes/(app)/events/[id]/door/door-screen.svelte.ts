import { DoorDesk, type Attendee, type DoorCounts, type Verdict } from '$lib/client/door';
import type { GatherDatabase } from '$lib/client/db';
import { app } from '$lib/client/state/app.svelte';
import type { GatherEvent } from '$lib/domain/entities';
import { UNDO_CHECK_IN_MS } from '$lib/domain/mutations';

/** A verdict on screen, or the door's own note that an admission was undone. */
export type Shown =
	{ id: number; verdict: Verdict } | { id: number; verdict: { kind: 'undone'; name: string } };

/**
 * The door screen's state: the event's desk (client/door.ts) over this person's database, the
 * verdict shown, and this device's name. Components read it and call its
 * methods; they never touch the database.
 */
export class DoorScreen {
	#desk = $state.raw<DoorDesk | null>(null);
	/** Bumped whenever the desk's attendees change, so what is derived from them runs again. */
	#revision = $state(0);
	#shown = $state.raw<Shown | null>(null);
	#deviceName = $state<string | null>(null);
	#deviceId = $state<string | null>(null);
	#failed = $state(false);
	#database: GatherDatabase | null = null;
	#next = 0;

	constructor(readonly eventId: string) {
		$effect(() => {
			const database = app.database;
			if (!database) return;
			let closed = false;
			let close = () => {};
			this.#database = database;
			void this.#open(database, () => closed).then((stop) => {
				if (closed) stop();
				else close = stop;
			});
			return () => {
				closed = true;
				close();
				this.#desk = null;
			};
		});
	}

	async #open(database: GatherDatabase, closed: () => boolean): Promise<() => void> {
		try {
			const [name, deviceId] = await Promise.all([
				database.getMeta('deviceName'),
				database.deviceId()
			]);
			if (closed()) return () => {};
			this.#deviceName = name ?? '';
			this.#deviceId = deviceId;
			const desk = await DoorDesk.open(database, this.eventId, {
				mutate: (mutation, args) => app.mutate(mutation, args),
				deviceName: () => this.#deviceName ?? ''
			});
			const unsubscribe = desk.subscribe(() => this.#revision++);
			this.#desk = desk;
			this.#revision++;
			return () => {
				unsubscribe();
				desk.close();
			};
		} catch (error) {
			console.error('the door desk did not open', error);
			this.#failed = true;
			return () => {};
		}
	}

	/** Undefined while the desk opens. */
	get loading(): boolean {
		return this.#desk === null && !this.#failed;
	}
	get failed(): boolean {
		return this.#failed;
	}
	get event(): GatherEvent | null {
		void this.#revision;
		return this.#desk?.event ?? null;
	}
	get counts(): DoorCounts | null {
		void this.#revision;
		return this.#desk?.counts ?? null;
	}
	/** How many attendees this device holds. */
	get size(): number {
		void this.#revision;
		return this.#desk?.size ?? 0;
	}
	get shown(): Shown | null {
		return this.#shown;
	}
	/** Null until read; '' when the door has not named this device yet. */
	get deviceName(): string | null {
		return this.#deviceName;
	}

	search(query: string): Attendee[] {
		void this.#revision;
		if (query.trim() === '') return [];
		return this.#desk?.search(query) ?? [];
	}

	/** Whether this device admitted the person recently enough to take it back. */
	canUndo(attendee: Attendee, now: number): boolean {
		const mine = attendee.checkIn?.admissions.find(
			(admission) => admission.deviceId === this.#deviceId
		);
		return mine !== undefined && Date.parse(mine.at) + UNDO_CHECK_IN_MS > now;
	}

	async renameDevice(name: string): Promise<void> {
		const trimmed = name.trim();
		await this.#database?.setMeta('deviceName', trimmed);
		this.#deviceName = trimmed;
	}

	scan(text: string): Promise<Verdict | null> {
		const trimmed = text.trim();
		if (trimmed === '') return Promise.resolve(null);
		return this.#show((desk) => desk.scan(trimmed));
	}

	admit(personId: string, anyway = false): Promise<Verdict | null> {
		return this.#show((desk) => desk.admit(personId, { anyway }));
	}

	walkIn(displayName: string, email: string | null): Promise<Verdict | null> {
		return this.#show((desk) => desk.walkIn({ displayName, email }));
	}

	async undo(personId: string, name: string): Promise<void> {
		const desk = this.#desk;
		if (!desk) return;
		await desk.undo(personId);
		this.#shown = { id: ++this.#next, verdict: { kind: 'undone', name } };
	}

	/** Hide the verdict (a new person steps up). */
	dismiss(): void {
		this.#shown = null;
	}

	async #show(decide: (desk: DoorDesk) => Promise<Verdict>): Promise<Verdict | null> {
		const desk = this.#desk;
		if (!desk) return null;
		const verdict = await decide(desk);
		this.#shown = { id: ++this.#next, verdict };
		feel(verdict.kind === 'welcome');
		return verdict;
	}
}

/** A short buzz for yes, a longer pattern for no: the door keeps its eyes on the person. */
function feel(welcome: boolean): void {
	if (typeof navigator.vibrate !== 'function') return;
	try {
		navigator.vibrate(welcome ? 80 : [120, 80, 120, 80, 240]);
	} catch {
		// Some browsers refuse vibration without a recent tap: the screen says it all anyway.
	}
}
