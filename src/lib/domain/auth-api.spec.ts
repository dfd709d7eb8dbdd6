import { describe, expect, it } from 'vitest';
import {
	emailLinkRequestSchema,
	emailLinkVerifySchema,
	recoverySignInSchema,
	renamePasskeySchema,
	signUpStartSchema
} from './auth-api';

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

describe('recovery, email link and passkey bodies', () => {
	it('normalise the email of a recovery sign-in and an email link request', () => {
		expect(recoverySignInSchema.parse({ email: ' Ana@Example.ORG ', code: ' 7kqd-4mxr ' })).toEqual(
			{ email: 'ana@example.org', code: '7kqd-4mxr' }
		);
		expect(emailLinkRequestSchema.parse({ email: 'Bo@Example.org ' })).toEqual({
			email: 'bo@example.org'
		});
	});

	it.each([
		[{ email: 'ana@example.org', code: '   ' }],
		[{ email: 'ana@example.org', code: 'x'.repeat(65) }],
		[{ email: 'ana', code: '7KQD-4MXR-9PTW-3HNB' }],
		[{ email: 'ana@example.org' }]
	])('refuse the recovery sign-in %j', (body) => {
		expect(recoverySignInSchema.safeParse(body).success).toBe(false);
	});

	it('take a link token only as base64url of a sane length', () => {
		expect(emailLinkVerifySchema.safeParse({ token: 'A'.repeat(43) }).success).toBe(true);
		for (const token of ['short', 'A'.repeat(129), `${'A'.repeat(40)}+/=`, 42]) {
			expect(emailLinkVerifySchema.safeParse({ token }).success).toBe(false);
		}
	});

	it('trim a passkey name and refuse a blank, long or NUL one', () => {
		expect(renamePasskeySchema.parse({ name: '  Work laptop ' })).toEqual({ name: 'Work laptop' });
		for (const name of ['   ', 'x'.repeat(61), 'a\u0000b']) {
			expect(renamePasskeySchema.safeParse({ name }).success).toBe(false);
		}
	});
});
