import { describe, expect, it } from 'vitest';
import { newId } from '$lib/domain/ids';
import { lastChoices, rememberChoices } from './contribution-choices';

function memoryStorage(): Storage {
	const values = new Map<string, string>();
	return {
		get length() {
			return values.size;
		},
		clear: () => values.clear(),
		getItem: (name) => values.get(name) ?? null,
		key: (index) => [...values.keys()][index] ?? null,
		removeItem: (name) => void values.delete(name),
		setItem: (name, value) => void values.set(name, value)
	};
}

describe('the log form’s remembered choices', () => {
	it('remembers each person’s own last choices', () => {
		const storage = memoryStorage();
		const eventId = newId();
		rememberChoices('me', { area: 'design', activityType: 'designed', eventId }, storage);
		rememberChoices('you', { area: 'testing', activityType: 'tested', eventId: null }, storage);
		expect(lastChoices('me', storage)).toEqual({
			area: 'design',
			activityType: 'designed',
			eventId
		});
		expect(lastChoices('you', storage)).toEqual({
			area: 'testing',
			activityType: 'tested',
			eventId: null
		});
		expect(lastChoices('someone else', storage)).toEqual({});
	});

	it('forgets what it cannot read, and keeps going without storage', () => {
		const storage = memoryStorage();
		storage.setItem('gather.lastLog.me', '{not json');
		expect(lastChoices('me', storage)).toEqual({});
		storage.setItem('gather.lastLog.me', JSON.stringify({ area: 'Not A Slug', activityType: 'x' }));
		expect(lastChoices('me', storage)).toEqual({});
		// A remembered event that is not an id is dropped; the terms are still offered.
		storage.setItem(
			'gather.lastLog.me',
			JSON.stringify({ area: 'design', activityType: 'designed', eventId: 'nope' })
		);
		expect(lastChoices('me', storage)).toEqual({
			area: 'design',
			activityType: 'designed',
			eventId: null
		});
		const full = {
			...memoryStorage(),
			setItem: () => {
				throw new Error('full');
			}
		};
		expect(() =>
			rememberChoices('me', { area: 'design', activityType: 'designed', eventId: null }, full)
		).not.toThrow();
	});
});
