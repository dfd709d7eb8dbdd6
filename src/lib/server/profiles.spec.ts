/**
 * GET /api/people/:id and the public profile page (/p/:id) beyond the privacy matrix (which
 * privacy.spec.ts runs for every field, level and audience on both): merged ids resolve, a
 * deleted account says so, field clocks go to their owner alone, the page's title and link
 * preview use public fields only, and a malformed id is refused, never a 500.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { render } from 'svelte/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_PRIVACY, type Person, type Privacy } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { personResponseSchema } from '$lib/domain/people-api';
import type { DatabaseHandle } from '$lib/server/db';
import { createTestDatabase } from '$lib/server/testing/database';
import { addPersonWithProfile } from '$lib/server/testing/fixtures';
import { GET as getPerson } from '../../routes/api/people/[id]/+server';
import { load as loadPublicPage } from '../../routes/p/[id]/+page.server';
import PublicPage from '../../routes/p/[id]/+page.svelte';
import { GET as getAvatar } from '../../routes/p/[id]/avatar/+server';
import { callRoute, requestEvent, serveEndpointsFrom } from '$lib/server/testing/routes';

let handle: DatabaseHandle;
let member: Actor;

beforeAll(async () => {
	handle = await createTestDatabase();
	serveEndpointsFrom(handle);
	member = await addPersonWithProfile(handle.db, { displayName: 'Another Member' });
});

afterAll(() => handle?.close());

const publicName: Privacy = { ...DEFAULT_PRIVACY, displayName: 'public' };
const AVATAR_BYTES = Buffer.from('an avatar, as bytes');
const AVATAR = `data:image/png;base64,${AVATAR_BYTES.toString('base64')}`;

function localsOf(actor: Actor | null): App.Locals {
	if (!actor) return { person: null, sessionId: null };
	return {
		person: { id: actor.personId, displayName: 'Someone', email: null, roles: [...actor.roles] },
		sessionId: 'session'
	};
}

function callApi(id: string, viewer: Actor | null): Promise<Response> {
	return callRoute(getPerson, {
		url: `https://gather.example.org/api/people/${id}`,
		locals: localsOf(viewer),
		params: { id }
	});
}

async function personOf(response: Response): Promise<Person> {
	expect(response.status).toBe(200);
	return personResponseSchema.parse(await response.json()).person;
}

interface PageOutcome {
	status: number;
	location?: string;
	/** The rendered page (head and body), when it rendered. */
	html?: string;
	person?: Person;
	/** The headers the load set, when it rendered. */
	headers?: Record<string, string>;
}

/** The public page as a browser would get it: the load, then the page rendered to HTML. */
async function publicPage(id: string): Promise<PageOutcome> {
	const { event, headersSet } = requestEvent({ url: `/p/${id}`, params: { id } });
	let data;
	try {
		data = await loadPublicPage(event as never);
	} catch (failure) {
		if (isRedirect(failure)) return { status: failure.status, location: failure.location };
		if (isHttpError(failure)) return { status: failure.status };
		throw failure;
	}
	const { head, body } = render(PublicPage, { props: { data, params: { id } } as never });
	const person = (data as { person: Person }).person;
	return { status: 200, html: head + body, person, headers: headersSet };
}

describe('the public page', () => {
	it('has a title, a description and a link preview from public fields only', async () => {
		const { personId } = await addPersonWithProfile(handle.db, {
			displayName: 'Zephyrine Quokkaworth',
			pronouns: 'xe/xem',
			bio: 'Knits sweaters for penguins.',
			avatar: AVATAR,
			privacy: { ...DEFAULT_PRIVACY, displayName: 'public', pronouns: 'public', avatar: 'public' }
		});
		const page = await publicPage(personId);
		expect(page.status).toBe(200);
		// A field made private later must not linger in a cache.
		expect(page.headers).toEqual({ 'cache-control': 'no-cache' });
		const html = page.html!;
		expect(html).toMatch(/<title>Zephyrine Quokkaworth \(xe\/xem\) · [^<]+<\/title>/u);
		// The bio is for members: the description does not quote it.
		expect(html).toMatch(/<meta name="description" content="[^"]*Zephyrine Quokkaworth/u);
		expect(html).not.toContain('penguins');
		expect(html).toContain(`<link rel="canonical" href="https://gather.example.org/p/${personId}"`);
		expect(html).toContain(
			`<meta property="og:image" content="https://gather.example.org/p/${personId}/avatar"`
		);
	});

	it('serves a public avatar as an image for link previews', async () => {
		const { personId } = await addPersonWithProfile(handle.db, {
			avatar: AVATAR,
			privacy: { ...publicName, avatar: 'public' }
		});
		const response = await callRoute(getAvatar, {
			url: `https://gather.example.org/p/${personId}/avatar`,
			params: { id: personId }
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await response.arrayBuffer())).toEqual(AVATAR_BYTES);
		for (const id of [newId(), 'not-a-uuid']) {
			const missing = await callRoute(getAvatar, {
				url: 'https://gather.example.org/',
				params: { id }
			});
			expect(missing.status, id).toBe(404);
		}
	});

	it('says a deleted account was deleted (410)', async () => {
		const { personId } = await addPersonWithProfile(handle.db, {
			displayName: 'Deleted account',
			status: 'deleted',
			privacy: publicName
		});
		expect((await publicPage(personId)).status).toBe(410);
		expect((await personOf(await callApi(personId, member))).status).toBe('deleted');
	});

	it('answers 404, not 500, to an unknown or malformed id', async () => {
		for (const id of [newId(), 'not-a-uuid', '123', "' or 1=1 --", ''])
			expect((await publicPage(id)).status, id).toBe(404);
	});

	it('hands the page no field clocks', async () => {
		const { personId } = await addPersonWithProfile(handle.db, {
			privacy: publicName,
			fieldClocks: { displayName: '01J0000000000-0000-spec' }
		});
		expect((await publicPage(personId)).person!.fieldClocks).toEqual({});
	});
});

describe('merged ids', () => {
	async function merged(into: string, privacy = publicName): Promise<string> {
		const { personId } = await addPersonWithProfile(handle.db, {
			displayName: 'Old account',
			status: 'merged',
			mergedInto: into,
			privacy
		});
		return personId;
	}

	async function survivor(privacy = publicName): Promise<string> {
		return (await addPersonWithProfile(handle.db, { displayName: 'Survivor', privacy })).personId;
	}

	it('the API answers the merged person, pointing at the survivor, for the client to follow', async () => {
		const kept = await survivor();
		const old = await merged(kept);
		for (const viewer of [member, null]) {
			const person = await personOf(await callApi(old, viewer));
			expect(person).toMatchObject({ id: old, status: 'merged', mergedInto: kept });
		}
	});

	it('the public page redirects (301) to the end of a chain of merges', async () => {
		const kept = await survivor();
		const middle = await merged(kept);
		const oldest = await merged(middle);
		expect(await publicPage(oldest)).toEqual({ status: 301, location: `/p/${kept}` });
		expect(await publicPage(middle)).toEqual({ status: 301, location: `/p/${kept}` });
	});

	it('never tells the public who an old id became when that person is not public', async () => {
		const old = await merged(await survivor(DEFAULT_PRIVACY));
		expect(await publicPage(old)).toEqual({ status: 404 });
		expect((await callApi(old, null)).status).toBe(404);
		// Members see where it went.
		expect((await callApi(old, member)).status).toBe(200);
	});

	it('a merge loop or a dangling merge resolves to nothing, not a hang', async () => {
		const dangling = await merged(newId());
		expect((await callApi(dangling, member)).status).toBe(404);
		const a = newId();
		const b = await merged(a);
		await addPersonWithProfile(handle.db, {
			id: a,
			displayName: 'Loop',
			status: 'merged',
			mergedInto: b,
			privacy: publicName
		});
		expect((await publicPage(b)).status).toBe(404);
		expect((await callApi(a, member)).status).toBe(404);
	});
});

describe('GET /api/people/:id', () => {
	it('answers 400 to a malformed id and 404 to an unknown one, for anyone', async () => {
		for (const viewer of [null, member]) {
			for (const id of ['not-a-uuid', '42', "'; drop table people; --"]) {
				const response = await callApi(id, viewer);
				expect(response.status, id).toBe(400);
				expect(await response.json()).toMatchObject({ error: 'invalid_id' });
			}
			expect((await callApi(newId(), viewer)).status).toBe(404);
		}
	});

	it('gives field clocks to their owner alone (they tell when each field was written)', async () => {
		const owner = await addPersonWithProfile(handle.db, {
			privacy: publicName,
			fieldClocks: {
				displayName: '01J0000000000-0000-spec',
				'privacy.bio': '01J0000000001-0000-spec'
			}
		});
		expect((await personOf(await callApi(owner.personId, owner))).fieldClocks).toEqual({
			displayName: '01J0000000000-0000-spec',
			'privacy.bio': '01J0000000001-0000-spec'
		});
		for (const viewer of [member, null])
			expect((await personOf(await callApi(owner.personId, viewer))).fieldClocks).toEqual({});
	});

	it('is never cached', async () => {
		const { personId } = await addPersonWithProfile(handle.db, { privacy: publicName });
		const response = await callApi(personId, null);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});
