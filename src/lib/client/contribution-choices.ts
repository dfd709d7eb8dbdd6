/**
 * The log form's remembered choices: the area, activity type and event of a person's previous
 * log on this device (most people log the same kind again), kept in localStorage, one entry
 * per person so two people sharing a phone each get their own "a few taps".
 */
import { z } from 'zod';
import { taxonomySlug } from '$lib/domain/taxonomy';

const lastChoicesSchema = z.object({
	area: taxonomySlug,
	activityType: taxonomySlug,
	eventId: z.uuid().nullable().catch(null)
});
export type LastChoices = z.infer<typeof lastChoicesSchema>;

const key = (personId: string) => `gather.lastLog.${personId}`;

/** The person's previous choices on this device; nothing when none (or unreadable). */
export function lastChoices(personId: string, storage?: Storage): Partial<LastChoices> {
	try {
		const stored = (storage ?? localStorage).getItem(key(personId));
		const parsed = lastChoicesSchema.safeParse(JSON.parse(stored ?? 'null'));
		if (parsed.success) return parsed.data;
	} catch {
		// Unreadable or no storage: nothing remembered.
	}
	return {};
}

export function rememberChoices(personId: string, choices: LastChoices, storage?: Storage): void {
	try {
		(storage ?? localStorage).setItem(key(personId), JSON.stringify(choices));
	} catch {
		// Storage refused (private mode, full): the next log starts from the defaults.
	}
}
