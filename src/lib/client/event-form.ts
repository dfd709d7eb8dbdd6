/**
 * The event form's logic, kept apart from the markup: the fields from an event (to edit, or
 * to copy for a duplicate), and back to event.save arguments validated by the registry's own
 * schema, each problem as a translated message next to its field. Start and end are typed as
 * wall-clock times in the event's time zone (where people will be), not the device's.
 */
import { DateTime } from 'luxon';
import type { GatherEvent, EventVisibility } from '$lib/domain/entities';
import { MAX_EVENT_TITLE_LENGTH } from '$lib/domain/entities';
import { saveEventArgs, type SaveEventArgs } from '$lib/domain/mutations';
import type { Area } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import { normaliseUrl } from './profile-form';

export interface EventFields {
	title: string;
	description: string;
	/** Wall-clock "YYYY-MM-DDTHH:mm" in `timezone` (what a datetime-local input holds). */
	start: string;
	end: string;
	timezone: string;
	venue: string;
	address: string;
	onlineLink: string;
	/** Digits, or '' for no limit. */
	capacity: string;
	area: Area | '';
	visibility: EventVisibility;
	organizerIds: string[];
	doorIds: string[];
}

export type EventFieldName = keyof EventFields;
export type EventFieldErrors = Partial<Record<EventFieldName, string>>;

export type EventFormOutcome =
	{ ok: true; args: SaveEventArgs } | { ok: false; errors: EventFieldErrors };

/** The wall-clock reading ("YYYY-MM-DDTHH:mm") of an instant in a time zone. */
export function wallClockOf(iso: string, timeZone: string): string {
	return DateTime.fromISO(iso, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * The instant (ISO, UTC) a wall-clock time in a zone names, or null when the text is no time
 * or the zone unknown. A time skipped by a clock change (02:30 when clocks jump to 03:00)
 * lands an hour later; a time that happens twice is one of the two (luxon's rules).
 */
export function instantOf(wallClock: string, timeZone: string): string | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(wallClock)) return null;
	const time = DateTime.fromISO(wallClock, { zone: timeZone });
	return time.isValid ? time.toUTC().toISO() : null;
}

export interface NewEventDefaults {
	organizerId: string;
	timezone: string;
	now?: Date;
}

/** A new event: tomorrow 18:00–20:00 in the device's zone, organized by me, public. */
export function newEventFields({
	organizerId,
	timezone,
	now = new Date()
}: NewEventDefaults): EventFields {
	const tomorrow = new Date(now.getTime() + 86_400_000).toISOString();
	const day = wallClockOf(tomorrow, timezone).slice(0, 10);
	return {
		title: '',
		description: '',
		start: `${day}T18:00`,
		end: `${day}T20:00`,
		timezone,
		venue: '',
		address: '',
		onlineLink: '',
		capacity: '',
		area: '',
		visibility: 'public',
		organizerIds: [organizerId],
		doorIds: []
	};
}

/** The form as it opens on a stored event. */
export function fieldsOf(event: GatherEvent): EventFields {
	return {
		title: event.title,
		description: event.description,
		start: wallClockOf(event.startsAt, event.timezone),
		end: wallClockOf(event.endsAt, event.timezone),
		timezone: event.timezone,
		venue: event.venue ?? '',
		address: event.address ?? '',
		onlineLink: event.onlineLink ?? '',
		capacity: event.capacity === null ? '' : String(event.capacity),
		area: event.area ?? '',
		visibility: event.visibility,
		organizerIds: [...event.organizerIds],
		doorIds: [...event.doorIds]
	};
}

/**
 * A duplicate: the same fields, titled "… (copy)", dates kept for the organizer to change.
 * I organize the copy even when I was not among the original's organizers (an admin).
 */
export function copyFieldsOf(event: GatherEvent, organizerId: string): EventFields {
	const fields = fieldsOf(event);
	const title = m.events_copy_title({ title: event.title });
	return {
		...fields,
		title: title.length > MAX_EVENT_TITLE_LENGTH ? event.title : title,
		organizerIds: fields.organizerIds.includes(organizerId)
			? fields.organizerIds
			: [organizerId, ...fields.organizerIds]
	};
}

/** An event as stored, as the event.save arguments that keep it as it is (to change one field). */
export function saveArgsOf(event: GatherEvent): SaveEventArgs {
	return {
		id: event.id,
		title: event.title,
		description: event.description,
		startsAt: event.startsAt,
		endsAt: event.endsAt,
		timezone: event.timezone,
		venue: event.venue,
		address: event.address,
		onlineLink: event.onlineLink,
		area: event.area,
		capacity: event.capacity,
		visibility: event.visibility,
		organizerIds: event.organizerIds,
		doorIds: event.doorIds,
		cancelled: event.cancelled,
		reportNotes: event.reportNotes,
		photosLink: event.photosLink
	};
}

function optional(value: string): string | null {
	const trimmed = value.trim();
	return trimmed === '' ? null : trimmed;
}

/** Whether a field's problem was too long a text (the inputs cap most lengths already). */
function tooLong(code: string): boolean {
	return code === 'too_big';
}

/**
 * The arguments for event.save, or what is wrong per field. `stored` is the event as this
 * device holds it (null for a new one or a duplicate): what the form does not edit — the
 * report, the photos link, cancelled — is kept from it.
 */
export function toArguments(
	id: string,
	fields: EventFields,
	stored: GatherEvent | null
): EventFormOutcome {
	const errors: EventFieldErrors = {};
	const startsAt = instantOf(fields.start, fields.timezone);
	const endsAt = instantOf(fields.end, fields.timezone);
	if (startsAt === null) errors.start = m.events_error_time();
	if (endsAt === null) errors.end = m.events_error_time();
	// The schema's own rules over several fields run only once every field parses: said here
	// too, so every problem shows at once.
	if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt))
		errors.end = m.events_error_end_before_start();
	if (fields.venue.trim() === '' && fields.onlineLink.trim() === '')
		errors.venue = m.events_error_where();
	const capacityText = fields.capacity.trim();
	const capacity = capacityText === '' ? null : Number(capacityText);
	if (capacity !== null && (!/^\d+$/.test(capacityText) || !Number.isSafeInteger(capacity)))
		errors.capacity = m.events_error_capacity();
	const onlineLink = optional(fields.onlineLink);
	const candidate = {
		id,
		title: fields.title.trim(),
		description: fields.description.trim(),
		startsAt: startsAt ?? '',
		endsAt: endsAt ?? '',
		timezone: fields.timezone,
		venue: optional(fields.venue),
		address: optional(fields.address),
		onlineLink: onlineLink === null ? null : normaliseUrl(onlineLink),
		area: fields.area === '' ? null : fields.area,
		capacity,
		visibility: fields.visibility,
		organizerIds: [...new Set(fields.organizerIds)],
		doorIds: [...new Set(fields.doorIds)].filter((id) => !fields.organizerIds.includes(id)),
		cancelled: stored?.cancelled ?? false,
		reportNotes: stored?.reportNotes ?? '',
		photosLink: stored?.photosLink ?? null
	};
	const parsed = saveEventArgs.safeParse(candidate);
	if (parsed.success && Object.keys(errors).length === 0) return { ok: true, args: parsed.data };
	for (const issue of parsed.success ? [] : parsed.error.issues) {
		const key = fieldOfIssue(String(issue.path[0] ?? ''));
		if (!key || errors[key]) continue;
		errors[key] = messageFor(key, issue.code);
	}
	return { ok: false, errors };
}

/** The form field an argument's problem belongs to. */
function fieldOfIssue(path: string): EventFieldName | null {
	switch (path) {
		case 'startsAt':
			return 'start';
		case 'endsAt':
			return 'end';
		case 'title':
		case 'description':
		case 'timezone':
		case 'venue':
		case 'address':
		case 'onlineLink':
		case 'capacity':
		case 'area':
		case 'visibility':
		case 'organizerIds':
		case 'doorIds':
			return path;
		default:
			return 'title';
	}
}

function messageFor(field: EventFieldName, code: string): string {
	switch (field) {
		case 'title':
			return tooLong(code) ? m.events_error_too_long() : m.events_error_title();
		case 'description':
		case 'address':
			return m.events_error_too_long();
		case 'start':
			return m.events_error_time();
		case 'end':
			// The only rule on a readable end: after the start.
			return code === 'custom' ? m.events_error_end_before_start() : m.events_error_time();
		case 'timezone':
			return m.events_error_timezone();
		case 'venue':
			return tooLong(code) ? m.events_error_too_long() : m.events_error_where();
		case 'onlineLink':
			return m.events_error_link();
		case 'capacity':
			return m.events_error_capacity();
		case 'organizerIds':
			return m.events_error_organizers();
		case 'doorIds':
			return m.events_error_door();
		default:
			return m.events_error_invalid();
	}
}
