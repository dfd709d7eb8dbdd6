import { liveQuery } from 'dexie';
import type { Actor } from '$lib/domain/actor';
import type { GatherDatabase } from '../db';
import { app } from './app.svelte';

/**
 * A Dexie liveQuery as reactive state: `current` is replaced (never mutated) each time the
 * rows behind the query change — in this tab, another tab, or by a sync. Create it while a
 * component initialises; it follows the signed-in person (their database and who they are).
 */
export class LiveQuery<T, I = void> {
	current = $state.raw<T | undefined>(undefined);

	/**
	 * `input`: the reactive values the query depends on (a page size, a search), read here and
	 * handed to the query, which runs again when they change. Meanwhile `current` keeps the
	 * previous answer until the next arrives, so a list being searched or lengthened never
	 * flashes empty; it is cleared only when no one is signed in.
	 */
	constructor(
		query: (database: GatherDatabase, actor: Actor, input: I) => Promise<T>,
		input?: () => I
	) {
		$effect(() => {
			const value = input?.() as I;
			const database = app.database;
			const actor = app.actor;
			if (!database || !actor) {
				this.current = undefined;
				return;
			}
			const subscription = liveQuery(() => query(database, actor, value)).subscribe({
				next: (answer) => (this.current = answer),
				error: (error: unknown) => console.error('liveQuery failed', error)
			});
			return () => subscription.unsubscribe();
		});
	}
}
