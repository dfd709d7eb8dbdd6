import type { MutationArgs, MutationName } from '$lib/domain/mutations';

/** How the event's pieces write: through the registry, with the page showing any refusal. */
export type Act = <Name extends MutationName>(
	name: Name,
	args: MutationArgs<Name>
) => Promise<boolean>;
