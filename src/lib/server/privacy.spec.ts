/**
 * The privacy matrix, on real PGlite: for every privacy field × every level × every audience
 * (the person themself, another member, anyone on the web), a value the audience may not see
 * never reaches them, on any path a person leaves the server by. Each (field, level) has its
 * own person holding a distinctive marker in that field only, so a leak anywhere in a
 * serialised answer is caught; the audiences that may see it must find the marker (the check
 * would otherwise prove nothing).
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { render } from 'svelte/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaLabels } from '$lib/client/labels';
import { countryName, languageName } from '$lib/components/profile/intl-names';
import type { Actor } from '$lib/domain/actor';
import {
	DEFAULT_PRIVACY,
	PRIVACY_FIELDS,
	PRIVACY_LEVELS,
	type Privacy,
	type PrivacyField,
	type PrivacyLevel
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import type { PullChanges } from '$lib/domain/sync-protocol';
import type { DatabaseHandle } from '$lib/server/db';
import type { people } from '$lib/server/db/schema';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile, clock, pullAll } from '$lib/server/testing/fixtures';
import { GET as directoryEndpoint } from '../../routes/api/directory/+server';
import { GET as personEndpoint } from '../../routes/api/people/[id]/+server';
import { POST as pullEndpoint } from '../../routes/api/sync/pull/+server';
import { GET as avatarEndpoint } from '../../routes/p/[id]/avatar/+server';
import { load as publicPageLoad } from '../../routes/p/[id]/+page.server';
import PublicPage from '../../routes/p/[id]/+page.svelte';
import { callRoute, localsOf, requestEvent, serveEndpointsFrom } from '$lib/server/testing/routes';

const AUDIENCES = ['self', 'member', 'anonymous'] as const;
type Audience = (typeof AUDIENCES)[number];

/** Who may see a field at each level: the table every path below must keep. */
const SEES: Record<PrivacyLevel, Record<Audience, boolean>> = {
	private: { self: true, member: false, anonymous: false },
	community: { self: true, member: true, anonymous: false },
	public: { self: true, member: true, anonymous: true }
};

type Stored = Partial<typeof people.$inferInsert>;

/** Per field, one value no other person holds, unique per level. */
const COUNTRIES: Record<PrivacyLevel, string> = { private: 'TV', community: 'NR', public: 'PW' };
const ZONES: Record<PrivacyLevel, string> = {
	private: 'Pacific/Chatham',
	community: 'Asia/Kathmandu',
	public: 'Australia/Eucla'
};
const LANGUAGES: Record<PrivacyLevel, string> = { private: 'haw', community: 'fo', public: 'rm' };
const AREAS_BY_LEVEL = { private: 'marketing', community: 'education', public: 'testing' } as const;

/**
 * The value stored in `field` for the person of (field, level), and the strings that betray it
 * in an answer: in JSON, and as a page shows it (a country's or language's name, an area's label).
 */
function markerOf(field: PrivacyField, level: PrivacyLevel): { stored: Stored; needles: string[] } {
	const word = `zq${field.toLowerCase()}${level}marker`;
	switch (field) {
		case 'displayName':
		case 'pronouns':
		case 'bio':
		case 'city':
			return { stored: { [field]: word }, needles: [word] };
		case 'email':
			return { stored: { email: `${word}@example.org` }, needles: [word] };
		case 'avatar': {
			const base64 = Buffer.from(word).toString('base64');
			return { stored: { avatar: `data:image/png;base64,${base64}` }, needles: [base64, word] };
		}
		case 'country': {
			const code = COUNTRIES[level];
			return { stored: { country: code }, needles: [`"${code}"`, countryName(code, 'en')] };
		}
		case 'timezone':
			return { stored: { timezone: ZONES[level] }, needles: [ZONES[level]] };
		case 'languages': {
			const tag = LANGUAGES[level];
			return { stored: { languages: [tag] }, needles: [`"${tag}"`, languageName(tag, 'en')] };
		}
		case 'skills':
		case 'interests':
			return { stored: { [field]: [word] }, needles: [word] };
		case 'links':
			return {
				stored: { links: [{ label: `${word}label`, url: `https://${word}.example.org/` }] },
				needles: [word]
			};
		case 'areas': {
			const area = AREAS_BY_LEVEL[level];
			const label = areaLabels[area]();
			// The page escapes it: "Testing &amp; QA".
			return {
				stored: { areas: [area] },
				needles: [`"${area}"`, label, label.replaceAll('&', '&amp;')]
			};
		}
	}
}

interface Subject {
	field: PrivacyField;
	level: PrivacyLevel;
	actor: Actor;
	needles: string[];
}

let handle: DatabaseHandle;
let viewer: Actor;
const subjects: Subject[] = [];

/**
 * Everyone else's fields are public and hold nothing distinctive; their display name is public
 * too, so the public sees them at all (and a hidden field is hidden, not the whole person).
 * The display name's own level is that of the cell; a private display name cannot be set
 * (refused below) and is written straight into the database here, to prove it still leaks nowhere.
 */
async function addSubject(field: PrivacyField, level: PrivacyLevel): Promise<Subject> {
	const { stored, needles } = markerOf(field, level);
	const privacy: Privacy = {
		...(Object.fromEntries(PRIVACY_FIELDS.map((name) => [name, 'public'])) as Privacy),
		[field]: level
	};
	const actor = await addPersonWithProfile(handle.db, {
		displayName: `Subject ${field} ${level}`,
		email: null,
		...stored,
		privacy
	});
	return { field, level, actor, needles };
}

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	viewer = await addPersonWithProfile(handle.db, {
		displayName: 'Viewer',
		privacy: DEFAULT_PRIVACY
	});
	for (const field of PRIVACY_FIELDS)
		for (const level of PRIVACY_LEVELS) subjects.push(await addSubject(field, level));
});
afterAll(() => handle?.close());

function leaks(answer: unknown, subject: Subject): boolean {
	const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
	return subject.needles.some((needle) => text.includes(needle));
}

/** Every (field, level, audience) cell, with whether the audience may see the value. */
function cells(audiences: readonly Audience[]) {
	return PRIVACY_FIELDS.flatMap((field) =>
		PRIVACY_LEVELS.flatMap((level) =>
			audiences.map((audience) => ({ field, level, audience, sees: SEES[level][audience] }))
		)
	);
}

function subjectOf(field: PrivacyField, level: PrivacyLevel): Subject {
	const subject = subjects.find((each) => each.field === field && each.level === level);
	if (!subject) throw new Error(`no subject for ${field} ${level}`);
	return subject;
}

describe('privacy matrix: the table itself', () => {
	it('covers every field, level and audience', () => {
		expect(cells(AUDIENCES)).toHaveLength(PRIVACY_FIELDS.length * PRIVACY_LEVELS.length * 3);
		for (const level of PRIVACY_LEVELS) expect(SEES[level].self).toBe(true);
	});

	it('a private display name cannot be set: the write is refused', async () => {
		const actor = await addPersonWithProfile(handle.db);
		const deviceId = newId();
		const response = await handlePush(handle.db, actor, {
			deviceId,
			mutations: [
				{
					mutationId: 1,
					name: 'profile.update',
					args: { personId: actor.personId, changes: { privacy: { displayName: 'private' } } },
					hlc: clock()
				}
			]
		});
		expect(response).toMatchObject({ applied: 0, rejected: 1 });
	});
});

describe('privacy matrix: pull', () => {
	let seenByViewer: PullChanges;
	beforeAll(async () => {
		seenByViewer = await pullAll(handle.db, viewer);
	});

	it.each(cells(['self', 'member']))(
		'$field at $level, pulled by $audience → visible: $sees',
		async ({ field, level, audience, sees }) => {
			const subject = subjectOf(field, level);
			const pulled = audience === 'self' ? await pullAll(handle.db, subject.actor) : seenByViewer;
			expect(leaks(pulled, subject)).toBe(sees);
		}
	);

	it('the anonymous caller cannot pull at all (401)', async () => {
		const response = await callRoute(pullEndpoint, {
			body: JSON.stringify({ deviceId: newId(), cursor: 0 })
		});
		expect(response.status).toBe(401);
	});
});

function audienceLocals(audience: Audience, subject: Subject): App.Locals {
	return localsOf({ self: subject.actor, member: viewer, anonymous: null }[audience]);
}

describe('privacy matrix: GET /api/people/[id]', () => {
	it.each(cells(AUDIENCES))(
		'$field at $level, read by $audience → visible: $sees',
		async ({ field, level, audience, sees }) => {
			const subject = subjectOf(field, level);
			const response = await callRoute(personEndpoint, {
				locals: audienceLocals(audience, subject),
				params: { id: subject.actor.personId }
			});
			expect([200, 404]).toContain(response.status);
			expect(leaks(await response.text(), subject)).toBe(sees);
		}
	);
});

/** The public page's server load for a person, as SvelteKit would run it for anyone on the web. */
async function loadPublicPage(id: string) {
	const { event } = requestEvent({ url: `/p/${id}`, params: { id } });
	try {
		const data = await publicPageLoad(event as never);
		return { data: data as Exclude<typeof data, void>, status: 200 };
	} catch (caught) {
		if (isHttpError(caught)) return { data: caught.body, status: caught.status };
		if (isRedirect(caught)) return { data: caught.location, status: caught.status };
		throw caught;
	}
}

describe('privacy matrix: the public page /p/[id] (anyone on the web)', () => {
	it.each(cells(['anonymous']))(
		'$field at $level: load data and HTML → visible: $sees',
		async ({ field, level, sees }) => {
			const subject = subjectOf(field, level);
			const page = await loadPublicPage(subject.actor.personId);
			expect(leaks(page.data, subject)).toBe(sees);
			if (page.status !== 200) {
				// No page at all: only when the display name itself is not public.
				expect(field === 'displayName' && level !== 'public').toBe(true);
				return;
			}
			const html = render(PublicPage, {
				props: { data: page.data, params: { id: subject.actor.personId } } as never
			});
			expect(leaks(html.head + html.body, subject)).toBe(sees);
		}
	);

	it.each(PRIVACY_LEVELS)('the avatar image at %s is served only when public', async (level) => {
		const subject = subjectOf('avatar', level);
		const response = await callRoute(avatarEndpoint, {
			params: { id: subject.actor.personId }
		});
		const body = Buffer.from(await response.arrayBuffer()).toString('utf8');
		expect(response.status).toBe(level === 'public' ? 200 : 404);
		expect(leaks(body, subject)).toBe(SEES[level].anonymous);
	});
});

/** What a member could search for to find the hidden value, per field. */
function searchesFor(subject: Subject): Record<string, string>[] {
	const word = `zq${subject.field.toLowerCase()}${subject.level}marker`;
	switch (subject.field) {
		case 'country':
			return [{ country: COUNTRIES[subject.level] }];
		case 'languages':
			return [{ language: LANGUAGES[subject.level] }];
		case 'areas':
			return [{ area: AREAS_BY_LEVEL[subject.level] }];
		case 'skills':
			return [{ q: word }, { skill: word }];
		case 'timezone':
			return [{ q: ZONES[subject.level].split('/')[1] }];
		default:
			return [{ q: word }];
	}
}

/** The fields the directory searches or filters by: a visible value there must be found. */
const SEARCHED: readonly PrivacyField[] = [
	'displayName',
	'city',
	'country',
	'languages',
	'skills',
	'interests',
	'areas'
];

async function searchAs(actor: Actor, params: Record<string, string>) {
	const query = new URLSearchParams({ ...params, limit: '50' });
	const response = await callRoute(directoryEndpoint, {
		locals: localsOf(actor),
		url: `https://gather.example.org/api/directory?${query}`
	});
	expect(response.status).toBe(200);
	return (await response.json()) as { people: { id: string }[]; nextCursor: string | null };
}

describe('privacy matrix: the directory (GET /api/directory)', () => {
	let everyone: unknown[];
	beforeAll(async () => {
		everyone = [];
		let cursor: string | null = null;
		do {
			const page = await searchAs(viewer, cursor ? { cursor } : {});
			everyone.push(...page.people);
			cursor = page.nextCursor;
		} while (cursor);
	});

	it.each(cells(['member']))(
		"$field at $level, in a member's results → visible: $sees",
		({ field, level, sees }) => {
			expect(leaks(everyone, subjectOf(field, level))).toBe(sees);
		}
	);

	it.each(cells(['member']))(
		'$field at $level, searched for by a member → found: $sees (when searchable)',
		async ({ field, level, sees }) => {
			const subject = subjectOf(field, level);
			for (const search of searchesFor(subject)) {
				const page = await searchAs(viewer, search);
				const found = page.people.some((person) => person.id === subject.actor.personId);
				if (!sees) expect(found, JSON.stringify(search)).toBe(false);
				else if (SEARCHED.includes(field)) expect(found, JSON.stringify(search)).toBe(true);
				expect(leaks(page, subject)).toBe(sees && found);
			}
		}
	);

	it('the anonymous caller cannot search (401)', async () => {
		const response = await callRoute(directoryEndpoint, {
			url: 'https://gather.example.org/api/directory?q=zq'
		});
		expect(response.status).toBe(401);
	});
});
