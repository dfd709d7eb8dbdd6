import type { MutationInput, MutationName } from '$lib/domain/mutations';

/** How the group's pieces write: through the registry, with the page showing any refusal. */
export type Act = <Name extends MutationName>(
	name: Name,
	args: MutationInput<Name>
) => Promise<void>;
