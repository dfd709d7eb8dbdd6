/**
 * Privacy at the edges where a person leaves the server one at a time: GET /api/people/:id
 * and the public profile page (/p/:id, its load and its rendered HTML). For every field and
 * every level, the public, another member and the person themself receive exactly what they
 * may; merged ids resolve; malformed ids are refused, never a 500.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { render } from 'svelte/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaLabels } from '$lib/client/labels';
import { countryName, languageName, timeZoneLabel } from '$lib/components/profile/intl-names';
import {
	DEFAULT_PRIVACY,
	PRIVACY_FIELDS,
	PRIVACY_LEVELS,
	type Person,
	type Privacy,
	type PrivacyField,
	type PrivacyLevel
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { personResponseSchema } from '$lib/domain/people-api';
import { maySee, type Audience } from '$lib/domain/privacy';
import type { DatabaseHandle } from '$lib/server/db';
import { people } from '$lib/server/db/schema';
import { nextVersion } from '$lib/server/db/versions';
import { insertSession, readSession, SESSION_COOKIE } from '$lib/server/auth/session';
import { createTestDatabase } from '$lib/server/testing/database';
import { GET as getPerson } from '../../routes/api/people/[id]/+server';
import { load as loadPublicPage } from '../../routes/p/[id]/+page.server';
import PublicPage from '../../routes/p/[id]/+page.svelte';
import { GET as getAvatar } from '../../routes/p/[id]/avatar/+server';

let handle: DatabaseHandle;
/** Another member, signed in through a real session (as the session hook reads it). */
let memberLocals: App.Locals;

beforeAll(async () => {
	handle = await createTestDatabase();
	// The handlers' openDatabase() answers with this database (server/db/index.ts's slot).
	Object.assign(globalThis, { [Symbol.for('gather.database')]: Promise.resolve(handle) });
	memberLocals = await signedIn(await insertPerson({ displayName: 'Another Member' }));
});

afterAll(async () => {
	Reflect.deleteProperty(globalThis, Symbol.for('gather.database'));
	await handle?.close();
});

/** Values that cannot appear on a page by chance. */
const AVATAR = `data:image/png;base64,${'QVZBVEFSTUFSS0VS'.repeat(4)}`;
const PROFILE = {
	displayName: 'Zephyrine Quokkaworth',
	email: 'zephyrine.marker@example.org',
	pronouns: 'xe/xem-marker',
	bio: 'Biography marker: knits sweaters for penguins.',
	avatar: AVATAR,
	city: 'Citymarkerville',
	country: 'IS',
	timezone: 'Pacific/Chatham',
	languages: ['kl'],
	skills: ['skillmarker-origami'],
	interests: ['interestmarker-lichens'],
	links: [{ label: 'Linkmarker label', url: 'https://linkmarker.example.org/zephyrine' }],
	areas: ['localization' as const]
};

/** What the page shows of each field when it may: none of it may appear when it may not. */
const SHOWN: Record<PrivacyField, () => string[]> = {
	displayName: () => [PROFILE.displayName],
	email: () => [PROFILE.email],
	pronouns: () => [PROFILE.pronouns],
	bio: () => [PROFILE.bio],
	avatar: () => [AVATAR],
	city: () => [PROFILE.city],
	country: () => [countryName(PROFILE.country)],
	timezone: () => [timeZoneLabel(PROFILE.timezone).replace(/ · .*/u, '')],
	languages: () => [languageName('kl')],
	skills: () => PROFILE.skills,
	interests: () => PROFILE.interests,
	links: () => [PROFILE.links[0]!.label, 'linkmarker.example.org'],
	areas: () => [areaLabels.localization()]
};

async function insertPerson(values: Partial<typeof people.$inferInsert> = {}): Promise<string> {
	const id = values.id ?? newId();
	await handle.db.transaction(async (tx) => {
		await tx
			.insert(people)
			.values({ displayName: 'Someone', ...values, id, version: await nextVersion(tx) });
	});
	return id;
}

async function signedIn(personId: string): Promise<App.Locals> {
	const session = await insertSession(handle.db, personId);
	const cookies = {
		get: (name: string) => (name === SESSION_COOKIE ? session.token : undefined),
		set: () => {},
		delete: () => {}
	};
	const read = await readSession(cookies, handle.db);
	return { person: read!.person, sessionId: read!.id };
}

const anonymous: App.Locals = { person: null, sessionId: null };

async function callApi(id: string, locals: App.Locals): Promise<Response> {
	return getPerson({ params: { id }, locals } as never);
}

interface PageOutcome {
	status: number;
	location?: string;
	/** The rendered page (head and body), when it rendered. */
	html?: string;
	/** The person the load handed to the page. */
	person?: Person;
}

/** The public page as a browser would get it: the load, then the page rendered to HTML. */
async function publicPage(id: string): Promise<PageOutcome> {
	let data;
	try {
		data = await loadPublicPage({
			params: { id },
			url: new URL(`https://gather.example.org/p/${id}`),
			setHeaders: () => {}
		} as never);
	} catch (failure) {
		if (isRedirect(failure)) return { status: failure.status, location: failure.location };
		if (isHttpError(failure)) return { status: failure.status };
		throw failure;
	}
	const { head, body } = render(PublicPage, { props: { data, params: { id } } as never });
	return { status: 200, html: head + body, person: (data as { person: Person }).person };
}

/** A person with every field filled, `field` at `level`, everything else public. */
async function personWith(field: PrivacyField, level: PrivacyLevel): Promise<string> {
	const privacy: Privacy = { ...DEFAULT_PRIVACY };
	for (const other of PRIVACY_FIELDS) privacy[other] = 'public';
	privacy[field] = level;
	return insertPerson({
		...PROFILE,
		email: `${newId()}.${PROFILE.email}`,
		privacy,
		fieldClocks: { [`privacy.${field}`]: '01J0000000000-0000-spec' }
	});
}

function isEmptyValue(value: unknown): boolean {
	return value === null || (Array.isArray(value) && value.length === 0);
}

const LEVELS_FOR = (field: PrivacyField) =>
	PRIVACY_LEVELS.filter((level) => field !== 'displayName' || level !== 'private');

describe.each(PRIVACY_FIELDS)('privacy of %s', (field) => {
	it.each(LEVELS_FOR(field))('at %s: each audience receives exactly what it may', async (level) => {
		const id = await personWith(field, level);
		const stored = (await handle.db.select().from(people).where(eq(people.id, id)))[0]!;
		const selfLocals = await signedIn(id);

		for (const [audience, locals] of [
			['public', anonymous],
			['community', memberLocals],
			['self', selfLocals]
		] as [Audience, App.Locals][]) {
			const response = await callApi(id, locals);
			const visible = maySee(level, audience);
			if (field === 'displayName' && !visible) {
				expect(response.status, audience).toBe(404);
				expect(await response.text()).not.toContain(PROFILE.displayName);
				continue;
			}
			expect(response.status, audience).toBe(200);
			const { person } = personResponseSchema.parse(await response.json());
			if (visible) expect(person[field], `${audience} sees ${field}`).toEqual(stored[field]);
			else expect(isEmptyValue(person[field]), `${audience} misses ${field}`).toBe(true);
			// Every other field is public here: present for everyone.
			for (const other of PRIVACY_FIELDS)
				if (other !== field) expect(person[other], `${audience}: ${other}`).toEqual(stored[other]);
			// Clocks say when each field was written: the owner's alone.
			expect(Object.keys(person.fieldClocks).length > 0).toBe(audience === 'self');
		}

		const page = await publicPage(id);
		if (field === 'displayName' && level !== 'public') {
			expect(page.status).toBe(404);
			return;
		}
		expect(page.status).toBe(200);
		const html = page.html!;
		for (const text of SHOWN[field]()) {
			if (level === 'public') expect(html, `${field} shown`).toContain(escape(text));
			else expect(html, `${field} hidden`).not.toContain(escape(text));
		}
		if (field === 'avatar' && level !== 'public') expect(html).not.toContain('/avatar');
		// The load hands the page nothing more than the public may see.
		expect(isEmptyValue(page.person![field])).toBe(level !== 'public');
		expect(page.person!.fieldClocks).toEqual({});
	});
});

/** Text as it appears in HTML (the page escapes what it shows). */
function escape(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');
}

describe('the public page', () => {
	it('has a title and a description from public fields only', async () => {
		const id = await personWith('bio', 'community');
		const page = await publicPage(id);
		expect(page.status).toBe(200);
		const html = page.html!;
		expect(html).toMatch(/<title>Zephyrine Quokkaworth \(xe\/xem-marker\) · [^<]+<\/title>/u);
		// The bio is for members here: the description does not quote it.
		expect(html).toMatch(/<meta name="description" content="[^"]*Zephyrine Quokkaworth/u);
		expect(html).not.toContain('Biography marker');
		expect(html).toContain(`<link rel="canonical" href="https://gather.example.org/p/${id}"`);
		expect(html).toContain(`https://gather.example.org/p/${id}/avatar`);
	});

	it('serves a public avatar as an image for link previews, and a hidden one not at all', async () => {
		const status = async (id: string) => {
			try {
				const response = await getAvatar({ params: { id } } as never);
				return { status: response.status, type: response.headers.get('content-type') };
			} catch (failure) {
				if (isHttpError(failure)) return { status: failure.status, type: null };
				throw failure;
			}
		};
		expect(await status(await personWith('avatar', 'public'))).toEqual({
			status: 200,
			type: 'image/png'
		});
		expect((await status(await personWith('avatar', 'community'))).status).toBe(404);
		expect((await status('not-a-uuid')).status).toBe(404);
	});

	it('says a deleted account was deleted (410)', async () => {
		const id = await insertPerson({
			displayName: 'Deleted account',
			status: 'deleted',
			privacy: { ...DEFAULT_PRIVACY, displayName: 'public' }
		});
		expect((await publicPage(id)).status).toBe(410);
		const response = await callApi(id, memberLocals);
		expect(personResponseSchema.parse(await response.json()).person.status).toBe('deleted');
	});

	it('answers 404, not 500, to an unknown or malformed id', async () => {
		expect((await publicPage(newId())).status).toBe(404);
		for (const id of ['not-a-uuid', '123', "' or 1=1 --", ''])
			expect((await publicPage(id)).status, id).toBe(404);
	});
});

describe('merged ids', () => {
	const publicName = { ...DEFAULT_PRIVACY, displayName: 'public' as const };

	async function merged(into: string, privacy = publicName): Promise<string> {
		return insertPerson({
			displayName: 'Old account',
			status: 'merged',
			mergedInto: into,
			privacy
		});
	}

	it('the API answers the merged person, pointing at the survivor, for the client to follow', async () => {
		const survivor = await insertPerson({ displayName: 'Survivor', privacy: publicName });
		const old = await merged(survivor);
		for (const locals of [memberLocals, anonymous]) {
			const response = await callApi(old, locals);
			expect(response.status).toBe(200);
			const { person } = personResponseSchema.parse(await response.json());
			expect(person).toMatchObject({ id: old, status: 'merged', mergedInto: survivor });
		}
	});

	it('the public page redirects (301) to the end of a chain of merges', async () => {
		const survivor = await insertPerson({ displayName: 'Survivor', privacy: publicName });
		const middle = await merged(survivor);
		const oldest = await merged(middle);
		expect(await publicPage(oldest)).toEqual({ status: 301, location: `/p/${survivor}` });
		expect(await publicPage(middle)).toEqual({ status: 301, location: `/p/${survivor}` });
	});

	it('never tells the public who an old id became when that person is not public', async () => {
		const survivor = await insertPerson({ displayName: 'Members only' });
		const old = await merged(survivor);
		expect(await publicPage(old)).toEqual({ status: 404 });
		expect((await callApi(old, anonymous)).status).toBe(404);
		// Members see where it went.
		expect((await callApi(old, memberLocals)).status).toBe(200);
	});

	it('a merge loop or a dangling merge resolves to nothing, not a hang', async () => {
		const dangling = await merged(newId());
		expect((await callApi(dangling, memberLocals)).status).toBe(404);
		const a = newId();
		const b = await merged(a);
		await insertPerson({
			id: a,
			displayName: 'Loop',
			status: 'merged',
			mergedInto: b,
			privacy: publicName
		});
		expect((await publicPage(b)).status).toBe(404);
		expect((await callApi(a, memberLocals)).status).toBe(404);
	});
});

describe('GET /api/people/:id edges', () => {
	it('answers 400 to a malformed id and 404 to an unknown one, for anyone', async () => {
		for (const locals of [anonymous, memberLocals]) {
			for (const id of ['not-a-uuid', '42', "'; drop table people; --"]) {
				const response = await callApi(id, locals);
				expect(response.status, id).toBe(400);
				expect(await response.json()).toMatchObject({ error: 'invalid_id' });
			}
			expect((await callApi(newId(), locals)).status).toBe(404);
		}
	});

	it('is never cached', async () => {
		const id = await insertPerson({ privacy: { ...DEFAULT_PRIVACY, displayName: 'public' } });
		const response = await callApi(id, anonymous);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});
