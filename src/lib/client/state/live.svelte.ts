import { liveQuery } from 'dexie';
import type { Actor } from '$lib/domain/actor';
import type { GatherDatabase } from '../db';
import { app } from './app.svelte';

/**
 * A Dexie liveQuery as reactive state: `current` is replaced (never mutated) each time the
 * rows behind the query change — in this tab, another tab, or by a sync. Create it while a
 * component initialises; it follows the signed-in person (their database and who they are).
 */
export class LiveQuery<T> {
	current = $state.raw<T | undefined>(undefined);

	/**
	 * `depends`: reactive values the query reads (a page size, a search), read here so the
	 * query runs again when they change.
	 */
	constructor(
		query: (database: GatherDatabase, actor: Actor) => Promise<T>,
		depends?: () => unknown
	) {
		$effect(() => {
			depends?.();
			const database = app.database;
			const actor = app.actor;
			if (!database || !actor) {
				this.current = undefined;
				return;
			}
			const subscription = liveQuery(() => query(database, actor)).subscribe({
				next: (value) => (this.current = value),
				error: (error: unknown) => console.error('liveQuery failed', error)
			});
			return () => subscription.unsubscribe();
		});
	}
}
