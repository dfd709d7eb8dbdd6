import { describe, expect, it } from 'vitest';
import { encodeHlc } from './hlc';
import { newId } from './ids';
import { latestCalendarDate, prepareMutation, type MutationContext } from './mutations';
import { MutationRejected } from './rejection';

const now = Date.UTC(2026, 10, 21, 12);
const context: MutationContext = {
	actor: { personId: newId(), roles: ['member'] },
	deviceId: newId(),
	mutationId: 1,
	hlc: encodeHlc({ millis: now, counter: 0, node: 'spec' })
};
const valid = {
	id: newId(),
	area: 'localization',
	activityType: 'translated',
	description: '  Translated the onboarding guide  ',
	happenedOn: '2026-11-20',
	link: 'https://example.org/guide'
};

function rejection(run: () => unknown): MutationRejected {
	try {
		run();
	} catch (error) {
		if (error instanceof MutationRejected) return error;
		throw error;
	}
	throw new Error('expected a rejection');
}

describe('contribution.log', () => {
	it('accepts a valid contribution and trims the description', () => {
		const args = prepareMutation('contribution.log', valid, context);
		expect(args.description).toBe('Translated the onboarding guide');
	});

	it.each([
		['an empty description', { description: '   ' }],
		['a description over 500 characters', { description: 'x'.repeat(501) }],
		['a javascript: link', { link: 'javascript:alert(1)' }],
		['a link without a host', { link: 'https://' }],
		['a malformed area', { area: 'Astrology!' }],
		['attended, which only the door records', { activityType: 'attended' }],
		['a malformed date', { happenedOn: '21/11/2026' }],
		['a non-uuid id', { id: '42' }]
	])('refuses %s as invalid', (_, patch) => {
		expect(
			rejection(() => prepareMutation('contribution.log', { ...valid, ...patch }, context)).reason
		).toBe('invalid');
	});

	it('refuses a date after the latest calendar date anywhere on Earth', () => {
		expect(latestCalendarDate(now)).toBe('2026-11-22');
		expect(() =>
			prepareMutation('contribution.log', { ...valid, happenedOn: '2026-11-22' }, context)
		).not.toThrow();
		const error = rejection(() =>
			prepareMutation('contribution.log', { ...valid, happenedOn: '2026-11-23' }, context)
		);
		expect(error.reason).toBe('invalid');
	});

	it('refuses a mutation with an unreadable clock', () => {
		expect(
			rejection(() => prepareMutation('contribution.log', valid, { ...context, hlc: 'soon' }))
				.reason
		).toBe('clock');
	});
});
