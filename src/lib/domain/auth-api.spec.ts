import { describe, expect, it } from 'vitest';
import { signUpStartSchema } from './auth-api';

describe('sign-up details', () => {
	it('accepts an email with the space a phone keyboard leaves after autocomplete, normalised', () => {
		const parsed = signUpStartSchema.parse({ displayName: ' Ana ', email: ' Ana@Example.ORG ' });
		expect(parsed).toEqual({ displayName: 'Ana', email: 'ana@example.org' });
	});

	it.each([['not an email'], ['ana@'], [''], [`${'a'.repeat(250)}@example.org`]])(
		'refuses %j as an email',
		(email) => {
			expect(signUpStartSchema.safeParse({ displayName: 'Ana', email }).success).toBe(false);
		}
	);

	it('refuses a blank name', () => {
		expect(
			signUpStartSchema.safeParse({ displayName: '   ', email: 'a@example.org' }).success
		).toBe(false);
	});
});
