import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PRIVACY,
	MAX_LINKS,
	MAX_TAGS,
	personSchema,
	type Person
} from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { updateProfileArgs } from '$lib/domain/mutations';
import { m } from '$lib/paraglide/messages';
import { addTag, fieldsOf, levelsFor, newLinkRow, normaliseUrl, toChanges } from './profile-form';

function person(overrides: Partial<Person> = {}): Person {
	return personSchema.parse({
		id: newId(),
		displayName: 'Ana Souza',
		email: 'ana@example.org',
		pronouns: 'she/her',
		bio: 'Translator.',
		avatar: null,
		city: 'Recife',
		country: 'BR',
		timezone: 'America/Recife',
		languages: ['pt-BR', 'en'],
		skills: ['translation'],
		interests: ['music'],
		links: [{ label: 'Blog', url: 'https://ana.example.org' }],
		areas: ['localization'],
		privacy: DEFAULT_PRIVACY,
		roles: ['member'],
		status: 'active',
		mergedInto: null,
		fieldClocks: {},
		createdAt: '2025-01-01T00:00:00.000Z',
		version: 3,
		...overrides
	});
}

describe('fieldsOf', () => {
	it('opens the form with the person’s values', () => {
		const fields = fieldsOf(person());
		expect(fields.displayName).toBe('Ana Souza');
		expect(fields.links.map(({ label, url }) => ({ label, url }))).toEqual([
			{ label: 'Blog', url: 'https://ana.example.org' }
		]);
		expect(fields.privacy).toEqual(DEFAULT_PRIVACY);
	});

	it('fills a missing time zone with the device’s guess, and an empty text with ""', () => {
		const fields = fieldsOf(person({ timezone: null, pronouns: null }), 'Europe/Lisbon');
		expect(fields.timezone).toBe('Europe/Lisbon');
		expect(fields.pronouns).toBe('');
	});
});

describe('toChanges: change detection', () => {
	it('finds nothing to save in an untouched form', () => {
		const before = person();
		expect(toChanges(before, fieldsOf(before))).toEqual({ ok: true, changes: null });
	});

	it('keeps only the changed fields and privacy levels, as valid mutation arguments', () => {
		const before = person();
		const fields = fieldsOf(before);
		fields.city = '  Olinda ';
		fields.skills = [...fields.skills, 'subtitling'];
		fields.privacy = { ...fields.privacy, city: 'public', bio: 'private' };
		const outcome = toChanges(before, fields);
		expect(outcome).toEqual({
			ok: true,
			changes: {
				city: 'Olinda',
				skills: ['translation', 'subtitling'],
				privacy: { city: 'public', bio: 'private' }
			}
		});
		if (outcome.ok)
			expect(
				updateProfileArgs.safeParse({ personId: before.id, changes: outcome.changes }).success
			).toBe(true);
	});

	it('turns an emptied text into null, and whitespace alone into no change from null', () => {
		const before = person({ bio: null });
		const fields = fieldsOf(before);
		fields.pronouns = '   ';
		fields.bio = '  \n ';
		expect(toChanges(before, fields)).toEqual({ ok: true, changes: { pronouns: null } });
	});

	it('sees areas ticked in another order as no change', () => {
		const before = person({ areas: ['localization', 'design'] });
		const fields = fieldsOf(before);
		fields.areas = ['design', 'localization'];
		expect(toChanges(before, fields)).toEqual({ ok: true, changes: null });
	});

	it('drops empty link rows, completes a link typed without https://', () => {
		const before = person();
		const fields = fieldsOf(before);
		fields.links = [...fields.links, newLinkRow('', ''), newLinkRow('Code', 'git.example.org/ana')];
		expect(toChanges(before, fields)).toEqual({
			ok: true,
			changes: {
				links: [
					{ label: 'Blog', url: 'https://ana.example.org' },
					{ label: 'Code', url: 'https://git.example.org/ana' }
				]
			}
		});
	});

	it('removes the avatar as null', () => {
		const before = person({ avatar: 'data:image/webp;base64,AAAA' });
		const fields = fieldsOf(before);
		fields.avatar = null;
		expect(toChanges(before, fields)).toEqual({ ok: true, changes: { avatar: null } });
	});

	it('takes the guessed time zone as a change from none', () => {
		const before = person({ timezone: null });
		expect(toChanges(before, fieldsOf(before, 'Asia/Jakarta'))).toEqual({
			ok: true,
			changes: { timezone: 'Asia/Jakarta' }
		});
	});
});

describe('toChanges: validation, per field, translated', () => {
	it('requires a display name', () => {
		const fields = fieldsOf(person());
		fields.displayName = '   ';
		expect(toChanges(person(), fields)).toEqual({
			ok: false,
			errors: { displayName: m.profile_error_required() }
		});
	});

	it('says how long a text may be', () => {
		const fields = fieldsOf(person());
		fields.pronouns = 'x'.repeat(41);
		fields.bio = 'y'.repeat(2001);
		const outcome = toChanges(person(), fields);
		expect(outcome).toEqual({
			ok: false,
			errors: {
				pronouns: m.profile_error_too_long({ max: '40' }),
				bio: m.profile_error_too_long({ max: '2,000' })
			}
		});
	});

	it('puts a link’s problems on its own row', () => {
		const before = person();
		const fields = fieldsOf(before);
		const bad = newLinkRow('', 'javascript:alert(1)');
		fields.links = [newLinkRow('', ''), ...fields.links, bad];
		const outcome = toChanges(before, fields);
		expect(outcome).toEqual({
			ok: false,
			errors: {
				[`links.${bad.key}.label`]: m.profile_error_required(),
				[`links.${bad.key}.url`]: m.error_link_invalid()
			}
		});
	});

	it('refuses more links than the domain allows', () => {
		const fields = fieldsOf(person());
		fields.links = Array.from({ length: MAX_LINKS + 1 }, (_, index) =>
			newLinkRow(`L${index}`, `https://example.org/${index}`)
		);
		expect(toChanges(person(), fields)).toEqual({
			ok: false,
			errors: { links: m.profile_error_too_many({ max: String(MAX_LINKS) }) }
		});
	});

	it('refuses an unknown time zone and a private display name', () => {
		const fields = fieldsOf(person());
		fields.timezone = 'Mars/Olympus_Mons';
		fields.privacy = { ...fields.privacy, displayName: 'private' };
		expect(toChanges(person(), fields)).toEqual({
			ok: false,
			errors: {
				timezone: m.profile_error_timezone(),
				'privacy.displayName': m.privacy_error_name_private()
			}
		});
	});

	it('refuses text the database cannot store (NUL)', () => {
		const fields = fieldsOf(person());
		fields.city = 'Re\u0000cife';
		expect(toChanges(person(), fields)).toEqual({
			ok: false,
			errors: { city: m.profile_error_invalid() }
		});
	});
});

describe('addTag', () => {
	it('adds a trimmed tag once, whatever its case', () => {
		expect(addTag(['Design'], '  user   research ')).toEqual({
			ok: true,
			list: ['Design', 'user research']
		});
		expect(addTag(['Design'], 'design')).toEqual({ ok: true, list: ['Design'] });
		expect(addTag(['Design'], '   ')).toEqual({ ok: true, list: ['Design'] });
	});

	it('refuses a tag that is too long, and one too many', () => {
		expect(addTag([], 'x'.repeat(51))).toEqual({
			ok: false,
			error: m.profile_error_tag_too_long({ max: '50' })
		});
		const full = Array.from({ length: MAX_TAGS }, (_, index) => `tag ${index}`);
		expect(addTag(full, 'one more')).toEqual({
			ok: false,
			error: m.profile_error_too_many({ max: '30' })
		});
	});
});

describe('levelsFor and normaliseUrl', () => {
	it('never offers a private display name', () => {
		expect(levelsFor('displayName')).toEqual(['community', 'public']);
		expect(levelsFor('email')).toEqual(['private', 'community', 'public']);
	});

	it('adds https:// only where no scheme was typed', () => {
		expect(normaliseUrl('example.org')).toBe('https://example.org');
		expect(normaliseUrl('http://example.org')).toBe('http://example.org');
		expect(normaliseUrl('mailto:ana@example.org')).toBe('mailto:ana@example.org');
		expect(normaliseUrl('  ')).toBe('');
	});
});
