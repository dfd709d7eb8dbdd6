/**
 * The profile editor's logic, kept apart from the markup: the form's fields from a person,
 * and back to ONE profile change holding only what was changed, validated by the domain's
 * schema, each problem turned into a translated message next to its field.
 */
import type { z } from 'zod';
import {
	DEFAULT_PRIVACY,
	MAX_TAG_LENGTH,
	MAX_TAGS,
	PRIVACY_KEYS,
	PROFILE_FIELDS,
	tag as tagSchema,
	type Person,
	type Privacy,
	type PrivacyKey,
	type PrivacyLevel,
	type ProfileField
} from '$lib/domain/entities';
import { profileChanges, type UpdateProfileArgs } from '$lib/domain/mutations';
import { AREAS, type Area } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import { formatNumber } from './format';

export type ProfileChanges = UpdateProfileArgs['changes'];

/** A link as edited: `key` keeps a row's identity while rows are added and removed. */
export interface LinkRow {
	key: string;
	label: string;
	url: string;
}

export interface ProfileFields {
	displayName: string;
	pronouns: string;
	bio: string;
	avatar: string | null;
	city: string;
	country: string;
	timezone: string;
	languages: string[];
	skills: string[];
	interests: string[];
	links: LinkRow[];
	areas: Area[];
	privacy: Privacy;
}

/**
 * Where a message goes: a field, a link row's label or URL (by row key), or a field's
 * privacy level.
 */
export type ErrorKey =
	ProfileField | `links.${string}.label` | `links.${string}.url` | `privacy.${PrivacyKey}`;
export type FieldErrors = Partial<Record<ErrorKey, string>>;

export type Outcome =
	{ ok: true; changes: ProfileChanges | null } | { ok: false; errors: FieldErrors };

/** The form stops adding at the domain's limits (its editors read them from here). */

let rowCounter = 0;
export function newLinkRow(label = '', url = ''): LinkRow {
	rowCounter += 1;
	return { key: `link-${rowCounter}`, label, url };
}

/** The form as it opens: the person's values; a missing time zone defaults to `timezoneGuess`. */
export function fieldsOf(person: Person, timezoneGuess: string | null = null): ProfileFields {
	return {
		displayName: person.displayName,
		pronouns: person.pronouns ?? '',
		bio: person.bio ?? '',
		avatar: person.avatar,
		city: person.city ?? '',
		country: person.country ?? '',
		timezone: person.timezone ?? timezoneGuess ?? '',
		languages: [...person.languages],
		skills: [...person.skills],
		interests: [...person.interests],
		links: person.links.map((link) => newLinkRow(link.label, link.url)),
		areas: [...person.areas],
		privacy: privacyOf(person)
	};
}

/** Levels stored before a field existed take the default. */
export function privacyOf(person: Pick<Person, 'privacy'>): Privacy {
	return { ...DEFAULT_PRIVACY, ...person.privacy };
}

/** The levels a field may have: the display name is never private. */
export function levelsFor(field: PrivacyKey): PrivacyLevel[] {
	return field === 'displayName' ? ['community', 'public'] : ['private', 'community', 'public'];
}

function optional(value: string): string | null {
	const trimmed = value.trim();
	return trimmed === '' ? null : trimmed;
}

/** A link typed without its scheme ("example.org/me") is meant as https. */
export function normaliseUrl(value: string): string {
	const url = value.trim();
	if (url === '' || url.includes('://') || /^[a-z]+:/i.test(url)) return url;
	return `https://${url}`;
}

/** What the form holds, in the shape of the domain's profile fields. */
function candidateOf(fields: ProfileFields, keptRows: LinkRow[]) {
	return {
		displayName: fields.displayName,
		pronouns: optional(fields.pronouns),
		bio: optional(fields.bio),
		avatar: fields.avatar,
		city: optional(fields.city),
		country: optional(fields.country),
		timezone: optional(fields.timezone),
		languages: fields.languages,
		skills: fields.skills,
		interests: fields.interests,
		links: keptRows.map((row) => ({ label: row.label, url: normaliseUrl(row.url) })),
		// Stored in the taxonomy's order, so ticking and unticking back is no change.
		areas: AREAS.filter((area) => fields.areas.includes(area))
	};
}

function same(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Validate the whole form and keep only what differs from `person` (as the form opened).
 * `changes` is null when nothing changed: there is nothing to save.
 */
export function toChanges(person: Person, fields: ProfileFields): Outcome {
	// A row left entirely empty is no link; a half-filled one must be completed.
	const keptRows = fields.links.filter((row) => row.label.trim() !== '' || row.url.trim() !== '');
	const candidate = candidateOf(fields, keptRows);
	const parsed = profileChanges.safeParse({ ...candidate, privacy: fields.privacy });
	if (!parsed.success) return { ok: false, errors: errorsOf(parsed.error.issues, keptRows) };

	const changes: Record<string, unknown> = {};
	for (const field of PROFILE_FIELDS) {
		const value = parsed.data[field];
		if (value !== undefined && !same(value, person[field])) changes[field] = value;
	}
	const before = privacyOf(person);
	const privacy: Partial<Privacy> = {};
	for (const field of PRIVACY_KEYS)
		if (fields.privacy[field] !== before[field]) privacy[field] = fields.privacy[field];
	if (Object.keys(privacy).length > 0) changes.privacy = privacy;
	if (Object.keys(changes).length === 0) return { ok: true, changes: null };
	return { ok: true, changes: changes as ProfileChanges };
}

function errorsOf(issues: z.core.$ZodIssue[], keptRows: LinkRow[]): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of issues) {
		const [field, index, part] = issue.path;
		let key: ErrorKey;
		if (field === 'privacy') key = `privacy.${String(index) as PrivacyKey}`;
		else if (field === 'links' && typeof index === 'number' && (part === 'label' || part === 'url'))
			key = `links.${keptRows[index]!.key}.${part}`;
		else if (typeof field === 'string' && (PROFILE_FIELDS as readonly string[]).includes(field))
			key = field as ProfileField;
		else continue;
		errors[key] ??= messageFor(key, issue, index !== undefined && field !== 'links');
	}
	return errors;
}

/** One translated message per problem; `inList`: the issue is about one item of a list. */
function messageFor(key: ErrorKey, issue: z.core.$ZodIssue, inList: boolean): string {
	if (key.startsWith('privacy.')) return m.privacy_error_name_private();
	if (key.endsWith('.url')) return m.error_link_invalid();
	if (issue.code === 'too_small') return m.profile_error_required();
	if (issue.code === 'too_big') {
		const max = formatNumber(Number(issue.maximum));
		if (issue.origin === 'array') return m.profile_error_too_many({ max });
		if (key === 'avatar') return m.avatar_cannot_shrink();
		return inList ? m.profile_error_tag_too_long({ max }) : m.profile_error_too_long({ max });
	}
	if (key === 'timezone') return m.profile_error_timezone();
	return m.profile_error_invalid();
}

/**
 * Add a typed tag (a skill, an interest) to `list`: trimmed, not twice (case aside), within
 * the limits. Returns the new list, or the message saying why not.
 */
export function addTag(
	list: readonly string[],
	typed: string
): { ok: true; list: string[] } | { ok: false; error: string } {
	const value = typed.trim().replace(/\s+/g, ' ');
	if (value === '') return { ok: true, list: [...list] };
	const lower = value.toLocaleLowerCase();
	if (list.some((existing) => existing.toLocaleLowerCase() === lower))
		return { ok: true, list: [...list] };
	if (list.length >= MAX_TAGS)
		return { ok: false, error: m.profile_error_too_many({ max: formatNumber(MAX_TAGS) }) };
	const parsed = tagSchema.safeParse(value);
	if (!parsed.success)
		return {
			ok: false,
			error:
				value.length > MAX_TAG_LENGTH
					? m.profile_error_tag_too_long({ max: formatNumber(MAX_TAG_LENGTH) })
					: m.profile_error_invalid()
		};
	return { ok: true, list: [...list, parsed.data] };
}
