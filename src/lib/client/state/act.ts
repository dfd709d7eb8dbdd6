import type { MutationInput, MutationName } from '$lib/domain/mutations';
import { app } from './app.svelte';
import type { Attempt } from './attempt.svelte';

/**
 * How a screen's pieces write (an event's, a group's): through the registry, with the screen
 * showing any refusal. True when the write was taken.
 */
export type Act = <Name extends MutationName>(
	name: Name,
	args: MutationInput<Name>
) => Promise<boolean>;

/** An `Act` over one Attempt: its failure is the screen's message, its busy flag the screen's. */
export function actThrough(attempt: Attempt): Act {
	return (name, args) => attempt.run(() => app.mutate(name, args));
}
