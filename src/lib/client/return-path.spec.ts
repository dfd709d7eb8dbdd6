import { describe, expect, it } from 'vitest';
import { returnPath, welcomeFrom } from './return-path';

const origin = 'https://gather.example';

function welcomeWith(next: string): URL {
	return new URL(`${origin}/welcome?${new URLSearchParams({ next })}`);
}

describe('welcomeFrom', () => {
	it('carries the page opened (path and query) to the welcome screen and back', () => {
		const opened = new URL(`${origin}/events/42/door?from=qr`);
		const welcome = new URL(welcomeFrom(opened, '/welcome', '/'), origin);
		expect(welcome.pathname).toBe('/welcome');
		expect(returnPath(welcome)).toBe('/events/42/door?from=qr');
	});

	it('needs no way back from home or the welcome screen itself', () => {
		expect(welcomeFrom(new URL(`${origin}/`), '/welcome', '/')).toBe('/welcome');
		expect(welcomeFrom(new URL(`${origin}/welcome?next=/x`), '/welcome', '/')).toBe('/welcome');
	});
});

describe('returnPath', () => {
	it('accepts a path of this site, with its query and fragment', () => {
		expect(returnPath(welcomeWith('/events/42/door'))).toBe('/events/42/door');
		expect(returnPath(welcomeWith('/directory?q=ana#top'))).toBe('/directory?q=ana#top');
	});

	it('has none without a way back, or when it would leave the site or is not a path', () => {
		expect(returnPath(new URL(`${origin}/welcome`))).toBeNull();
		for (const next of [
			'',
			'events/42',
			'https://evil.example/',
			'//evil.example/door',
			'/\\evil.example',
			'/\t/evil.example',
			'javascript:alert(1)',
			'http:/evil.example'
		])
			expect(returnPath(welcomeWith(next)), next).toBeNull();
	});
});
