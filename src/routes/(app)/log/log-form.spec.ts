import { describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import {
	durationMinutes,
	offeredTerms,
	settledChoice,
	toArguments,
	type LogFields
} from './log-form';

const fields = (overrides: Partial<LogFields> = {}): LogFields => ({
	area: 'documentation',
	activityType: 'wrote_docs',
	description: 'Wrote the guide',
	happenedOn: '2026-01-05',
	link: '',
	eventId: '',
	duration: '',
	durationUnit: 'minutes',
	location: '',
	...overrides
});
const archivedDocs = effectiveTaxonomy([
	{ kind: 'activity', slug: 'wrote_docs', names: {}, weight: null, archived: true, position: 40 }
]);
const today = '2026-01-10';

describe('the contribution form', () => {
	it('reads durations in minutes or hours', () => {
		expect(durationMinutes('', 'minutes')).toBeNull();
		expect(durationMinutes('45', 'minutes')).toBe(45);
		expect(durationMinutes('1,5', 'hours')).toBe(90);
		expect(durationMinutes('1.5', 'minutes')).toBeNaN();
		expect(durationMinutes('abc', 'hours')).toBeNaN();
	});

	it('turns good fields into arguments, empty optional ones into null', () => {
		const id = newId();
		const outcome = toArguments(
			fields({ duration: '2', durationUnit: 'hours', location: ' Lagos ' }),
			id,
			effectiveTaxonomy([]),
			null,
			today
		);
		expect(outcome).toEqual({
			ok: true,
			args: expect.objectContaining({
				id,
				durationMinutes: 120,
				location: 'Lagos',
				link: null,
				eventId: null
			})
		});
	});

	it('explains every bad field', () => {
		const outcome = toArguments(
			fields({
				description: '',
				link: 'not a link',
				duration: '25',
				durationUnit: 'hours',
				happenedOn: '2026-02-01'
			}),
			newId(),
			effectiveTaxonomy([]),
			null,
			today
		);
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(Object.keys(outcome.errors).sort()).toEqual([
			'description',
			'duration',
			'happenedOn',
			'link'
		]);
	});

	it('refuses an archived type, unless the edited contribution already had it', () => {
		const taxonomy = archivedDocs;
		expect(toArguments(fields(), newId(), taxonomy, null, today).ok).toBe(false);
		const keep = { area: 'documentation', activityType: 'wrote_docs' };
		expect(toArguments(fields(), newId(), taxonomy, keep, today).ok).toBe(true);
	});

	it('offers the terms in force, keeping an edited contribution’s own', () => {
		const offered = offeredTerms(archivedDocs, 'activity', null).map((term) => term.slug);
		expect(offered).not.toContain('wrote_docs');
		expect(offered).not.toContain('attended');
		expect(offeredTerms(archivedDocs, 'activity', 'wrote_docs').map((t) => t.slug)).toContain(
			'wrote_docs'
		);
		expect(settledChoice('wrote_docs', offeredTerms(archivedDocs, 'activity', null))).toBe(
			'organized_event'
		);
	});
});
