import type { Person } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';

/** How a person is named here; someone this device does not hold yet is "a member". */
export function personName(person: Person | undefined): string {
	return person?.displayName ?? m.groups_someone();
}
