import { liveQuery } from 'dexie';
import { watchDirectory } from '$lib/client/directory';
import { app } from '$lib/client/state/app.svelte';
import type { DirectoryFilters } from '$lib/domain/directory';

type Found = Awaited<ReturnType<typeof watchDirectory>>;

/**
 * The directory screen's search as reactive state: like LiveQuery, but its query follows the
 * filters and page length it is given, and the previous answer stays until the next arrives
 * (typing never flashes an empty list).
 */
export class DirectorySearch {
	current = $state.raw<Found | undefined>(undefined);

	constructor(input: () => { filters: DirectoryFilters; limit: number }) {
		$effect(() => {
			const database = app.database;
			const { filters, limit } = input();
			if (!database) {
				this.current = undefined;
				return;
			}
			const subscription = liveQuery(() => watchDirectory(database, filters, limit)).subscribe({
				next: (value) => (this.current = value),
				error: (error: unknown) => console.error('directory search failed', error)
			});
			return () => subscription.unsubscribe();
		});
	}
}
