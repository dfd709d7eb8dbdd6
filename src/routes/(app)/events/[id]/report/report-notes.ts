/**
 * The report's notes and photos link as an `event.save`: the whole event from the device's
 * row (the server replaces every field it is sent), with the two fields changed.
 */
import type { GatherEvent } from '$lib/domain/entities';
import { saveEventArgs, type SaveEventArgs } from '$lib/domain/mutations';

export interface NotesErrors {
	notes?: 'too_long';
	photosLink?: 'invalid';
	/** Another field of the stored event fails the schema (not the organizer's typing here). */
	other?: boolean;
}

export type NotesOutcome = { ok: true; args: SaveEventArgs } | { ok: false; errors: NotesErrors };

/** "photos.example.org/night" is meant as a web address: https:// is added. */
export function normaliseLink(typed: string): string | null {
	const link = typed.trim();
	if (link === '') return null;
	return /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : `https://${link}`;
}

export function reportNotesArgs(
	event: GatherEvent,
	notes: string,
	photosLink: string
): NotesOutcome {
	// The schema keeps only what an organizer sends: the server's own fields are left out.
	const parsed = saveEventArgs.safeParse({
		...event,
		reportNotes: notes,
		photosLink: normaliseLink(photosLink)
	});
	if (parsed.success) return { ok: true, args: parsed.data };
	const errors: NotesErrors = {};
	for (const issue of parsed.error.issues) {
		if (issue.path[0] === 'reportNotes') errors.notes = 'too_long';
		else if (issue.path[0] === 'photosLink') errors.photosLink = 'invalid';
		else errors.other = true;
	}
	return { ok: false, errors };
}
