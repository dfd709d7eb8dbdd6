/**
 * The privacy matrix, on real PGlite: for every privacy field × every level × every audience
 * (the person themself, another member, anyone on the web), a value the audience may not see
 * never reaches them, on any path a person leaves the server by. Each (field, level) has its
 * own person holding a distinctive marker in that field only, so a leak anywhere in a
 * serialised answer is caught; the audiences that may see it must find the marker (the check
 * would otherwise prove nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import type { PullChanges, PullResponse } from '$lib/domain/sync-protocol';
import { callEndpoint, serveEndpointsFrom } from '$lib/server/auth/spec-support';
import type { DatabaseHandle } from '$lib/server/db';
import type { people } from '$lib/server/db/schema';
import { handlePull } from '$lib/server/sync/pull';
import { handlePush } from '$lib/server/sync/push';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile, clock } from '$lib/server/testing/fixtures';
import { POST as pullEndpoint } from '../../routes/api/sync/pull/+server';

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
const COUNTRIES: Record<PrivacyLevel, string> = { private: 'ZQ', community: 'ZX', public: 'ZY' };
const ZONES: Record<PrivacyLevel, string> = {
	private: 'Pacific/Chatham',
	community: 'Asia/Kathmandu',
	public: 'Australia/Eucla'
};
const LANGUAGES: Record<PrivacyLevel, string> = { private: 'tlh', community: 'qya', public: 'qzb' };
const AREAS_BY_LEVEL = { private: 'marketing', community: 'education', public: 'testing' } as const;

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
		case 'country':
			return { stored: { country: COUNTRIES[level] }, needles: [`"${COUNTRIES[level]}"`] };
		case 'timezone':
			return { stored: { timezone: ZONES[level] }, needles: [ZONES[level]] };
		case 'languages':
			return { stored: { languages: [LANGUAGES[level]] }, needles: [`"${LANGUAGES[level]}"`] };
		case 'skills':
		case 'interests':
			return { stored: { [field]: [word] }, needles: [word] };
		case 'links':
			return {
				stored: { links: [{ label: `${word}label`, url: `https://${word}.example.org/` }] },
				needles: [word]
			};
		case 'areas':
			return {
				stored: { areas: [AREAS_BY_LEVEL[level]] },
				needles: [`"${AREAS_BY_LEVEL[level]}"`]
			};
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

/** Pull everything in scope from the start, page after page. */
async function pullAll(actor: Actor): Promise<PullChanges> {
	const deviceId = newId();
	const all: Partial<Record<keyof PullChanges, unknown[]>> = {};
	let cursor = 0;
	let page: PullResponse;
	do {
		page = await handlePull(handle.db, actor, { deviceId, cursor, limit: 500 });
		for (const [table, rows] of Object.entries(page.changes))
			(all[table as keyof PullChanges] ??= []).push(...rows);
		cursor = page.cursor;
	} while (page.more);
	return all as PullChanges;
}

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
		seenByViewer = await pullAll(viewer);
	});

	it.each(cells(['self', 'member']))(
		'$field at $level, pulled by $audience → visible: $sees',
		async ({ field, level, audience, sees }) => {
			const subject = subjectOf(field, level);
			const pulled = audience === 'self' ? await pullAll(subject.actor) : seenByViewer;
			expect(leaks(pulled, subject)).toBe(sees);
		}
	);

	it('the anonymous caller cannot pull at all (401)', async () => {
		const response = await callEndpoint(pullEndpoint, {
			body: JSON.stringify({ deviceId: newId(), cursor: 0 })
		});
		expect(response.status).toBe(401);
	});
});
