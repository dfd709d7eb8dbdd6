/** The contract of a person's own-data endpoints (/api/me/export, /api/me/delete). */
import { z } from 'zod';

/** Deleting an account: the person types their email or display name to confirm. */
export const deleteAccountRequestSchema = z.object({ confirm: z.string().max(300) });

/** Why the server refused a deletion; each has a translated message on the device. */
export const DELETE_ACCOUNT_REFUSALS = ['confirm_mismatch', 'last_admin', 'not_found'] as const;
export type DeleteAccountRefusal = (typeof DELETE_ACCOUNT_REFUSALS)[number];

/** The export's file name: gather-2025-01-31.json. */
export function exportFileName(now: Date): string {
	return `gather-${now.toISOString().slice(0, 10)}.json`;
}

function normalise(text: string): string {
	return text.trim().normalize('NFC').toLocaleLowerCase();
}

/**
 * Does what the person typed name their account: their email or their display name (case and
 * surrounding spaces aside)? The device checks it before asking, the server decides.
 */
export function confirmsAccount(
	typed: string,
	person: { email: string | null; displayName: string }
): boolean {
	const value = normalise(typed);
	if (value.length === 0) return false;
	return (
		value === normalise(person.displayName) ||
		(person.email !== null && value === normalise(person.email))
	);
}
