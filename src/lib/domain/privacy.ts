/**
 * Per-field privacy: who may see what of a person. One function decides, and the server calls
 * it wherever a person leaves it (pull, API, directory, the public page); the device calls it
 * for "how others see my profile". A field the audience may not see is emptied, never sent.
 */
import type { Actor } from './actor';
import { PRIVACY_FIELDS, type Person, type PrivacyField, type PrivacyLevel } from './entities';

/** Who is looking: the person themself, a signed-in member, or anyone on the web. */
export const AUDIENCES = ['self', 'community', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];

export function audienceFor(viewer: Actor | null, personId: string): Audience {
	if (viewer === null) return 'public';
	return viewer.personId === personId ? 'self' : 'community';
}

/** May this audience see a field at this level? */
export function maySee(level: PrivacyLevel, audience: Audience): boolean {
	if (audience === 'self') return true;
	if (audience === 'community') return level !== 'private';
	return level === 'public';
}

/** A person's row is shown at all: merged and deleted people only to themselves (ids resolve). */
export function isListed(person: Pick<Person, 'status'>): boolean {
	return person.status === 'active';
}

type Emptied<Field extends PrivacyField> = Person[Field] extends unknown[] ? [] : null;

/**
 * Every personal field of a profile except the display name, emptied: what a viewer receives
 * for a field they may not see, and what a merged or deleted person keeps.
 */
export const EMPTY_PERSONAL_FIELDS: {
	[Field in Exclude<PrivacyField, 'displayName'>]: Emptied<Field>;
} = {
	email: null,
	pronouns: null,
	bio: null,
	avatar: null,
	city: null,
	country: null,
	timezone: null,
	languages: [],
	skills: [],
	interests: [],
	links: [],
	areas: []
};

const EMPTY: { [Field in PrivacyField]: Emptied<Field> } = {
	displayName: null,
	...EMPTY_PERSONAL_FIELDS
};

/**
 * The person as `audience` sees them, or null when they may not see the person at all (the
 * public, when the display name is not public). The roles, status and privacy levels are
 * always visible to whoever sees the person; field clocks only to the person themself.
 */
export function viewOf(person: Person, audience: Audience): Person | null {
	if (audience === 'self') return person;
	if (!maySee(person.privacy.displayName, audience)) return null;
	const view: Person = { ...person, fieldClocks: {} };
	for (const field of PRIVACY_FIELDS) {
		if (field === 'displayName' || maySee(person.privacy[field], audience)) continue;
		Object.assign(view, { [field]: EMPTY[field] });
	}
	return view;
}

/** The fields `audience` may not see (for "how others see my profile"). */
export function hiddenFields(person: Pick<Person, 'privacy'>, audience: Audience): PrivacyField[] {
	return PRIVACY_FIELDS.filter((field) => !maySee(person.privacy[field], audience));
}

/**
 * May this audience see the person's journey (contributions, events attended, badges)?
 * (A level stored before `journey` existed took the default when the row was read: rows.ts.)
 */
export function maySeeJourney(person: Pick<Person, 'privacy'>, audience: Audience): boolean {
	return maySee(person.privacy.journey, audience);
}
