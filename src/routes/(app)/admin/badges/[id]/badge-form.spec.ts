import { describe, expect, it } from 'vitest';
import type { Badge } from '$lib/domain/entities';
import { newId } from '$lib/domain/ids';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import { fieldsFrom, ruleFrom, toArguments, type BadgeFields } from './badge-form';

const taxonomy = effectiveTaxonomy([]);

function fields(overrides: Partial<BadgeFields> = {}): BadgeFields {
	return { ...fieldsFrom(null), name: 'Translator', slug: 'translator', ...overrides };
}

describe('ruleFrom', () => {
	it('makes each preset’s rule', () => {
		expect(ruleFrom(fields({ preset: 'none' }), taxonomy).rule).toBeNull();
		expect(ruleFrom(fields({ preset: 'first' }), taxonomy).rule).toEqual({
			kind: 'contributions',
			count: 1,
			area: null,
			activityType: null,
			withinDays: null
		});
		expect(
			ruleFrom(fields({ preset: 'events', count: '3', withinDays: '' }), taxonomy).rule
		).toEqual({ kind: 'events_attended', count: 3, withinDays: null });
		expect(
			ruleFrom(
				fields({ preset: 'contributions', count: '10', area: 'localization', withinDays: '90' }),
				taxonomy
			).rule
		).toEqual({
			kind: 'contributions',
			count: 10,
			area: 'localization',
			activityType: null,
			withinDays: 90
		});
		expect(ruleFrom(fields({ preset: 'mentored', count: '1' }), taxonomy).rule).toMatchObject({
			activityType: 'mentored'
		});
		expect(ruleFrom(fields({ preset: 'streak', weeks: '4' }), taxonomy).rule).toEqual({
			kind: 'streak',
			weeks: 4
		});
	});

	it('says what is wrong: counts, days, weeks, and an area the taxonomy lacks', () => {
		expect(ruleFrom(fields({ preset: 'events', count: '0' }), taxonomy).errors.count).toBeTruthy();
		expect(
			ruleFrom(fields({ preset: 'events', count: '2', withinDays: '-1' }), taxonomy).errors
				.withinDays
		).toBeTruthy();
		expect(ruleFrom(fields({ preset: 'streak', weeks: '1' }), taxonomy).errors.weeks).toBeTruthy();
		expect(
			ruleFrom(fields({ preset: 'contributions', count: '2', area: 'astrology' }), taxonomy).errors
				.rule
		).toBeTruthy();
	});
});

describe('fieldsFrom and toArguments', () => {
	it('round-trips a stored badge’s rule through its preset', () => {
		const badge: Badge = {
			id: newId(),
			slug: 'mentor',
			name: 'Mentor',
			description: '',
			criteria: '',
			image: null,
			rule: {
				kind: 'contributions',
				count: 2,
				area: null,
				activityType: 'mentored',
				withinDays: null
			},
			archived: false,
			createdAt: new Date().toISOString(),
			version: 1
		};
		const loaded = fieldsFrom(badge);
		expect(loaded.preset).toBe('mentored');
		const outcome = toArguments(badge.id, loaded, new Set(), taxonomy);
		expect(outcome).toMatchObject({ ok: true, args: { rule: badge.rule, slug: 'mentor' } });
	});

	it('refuses a missing name and a taken slug', () => {
		const outcome = toArguments(newId(), fields({ name: ' ' }), new Set(['translator']), taxonomy);
		expect(outcome.ok).toBe(false);
		if (!outcome.ok) expect(Object.keys(outcome.errors).sort()).toEqual(['name', 'slug']);
	});
});
