import { describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import { fieldsFrom, toArguments } from './group-form';

describe('toArguments', () => {
	const id = newId();

	it('gives group.save arguments, area and country only where the kind has them', () => {
		const outcome = toArguments(
			id,
			{
				...fieldsFrom(null),
				name: ' Chile ',
				slug: 'chile',
				kind: 'region',
				country: 'CL',
				area: 'events'
			},
			new Set()
		);
		expect(outcome).toEqual({
			ok: true,
			args: {
				id,
				kind: 'region',
				slug: 'chile',
				name: 'Chile',
				description: '',
				policy: 'open',
				area: null,
				country: 'CL',
				archived: false
			}
		});
	});

	it('says what is wrong per field: no name, a bad or taken slug, an area group without area', () => {
		const bad = toArguments(id, { ...fieldsFrom(null), slug: 'No Good', kind: 'area' }, new Set());
		expect(bad.ok).toBe(false);
		if (bad.ok) return;
		expect(Object.keys(bad.errors).sort()).toEqual(['area', 'name', 'slug']);
		const taken = toArguments(
			id,
			{ ...fieldsFrom(null), name: 'Spain', slug: 'spain' },
			new Set(['spain'])
		);
		expect(taken).toMatchObject({ ok: false, errors: { slug: expect.any(String) } });
	});
});
