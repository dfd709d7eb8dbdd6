/**
 * Every message is used, and every locale has the same ones. Code uses a message by its name
 * (`m.key(…)`, or `m.key` in a label map); a message no code names any more is dead weight that
 * translators still keep up. Remove it with `node scripts/add-messages.mjs --remove key…`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(import.meta.url);

/**
 * Messages looked up by a name built at run time (m[`area_${area}`]), which no search for the
 * name finds: by the file (from the repository's root) that builds them, the names it may
 * build. None today — the label maps (client/labels.ts, …) name each message they use.
 */
const BUILT_NAMES: Record<string, readonly string[]> = {};

function keysOf(locale: string): string[] {
	const messages = JSON.parse(readFileSync(path.join(root, `messages/${locale}.json`), 'utf8'));
	return Object.keys(messages).filter((key) => !key.startsWith('$'));
}

/** The app's own code (not the compiled messages, not this file), as one text per file. */
function sources(): { file: string; text: string }[] {
	const src = path.join(root, 'src');
	return readdirSync(src, { recursive: true, encoding: 'utf8' })
		.filter((file) => /\.(ts|js|svelte)$/.test(file) && !file.startsWith(`lib${path.sep}paraglide`))
		.map((file) => path.join(src, file))
		.filter((file) => file !== here)
		.map((file) => ({ file: path.relative(root, file), text: readFileSync(file, 'utf8') }));
}

describe('messages', () => {
	const code = sources();

	it('are each used by the code', () => {
		const named = new Set<string>(Object.values(BUILT_NAMES).flat());
		for (const { text } of code) {
			for (const [, key] of text.matchAll(/\bm\.([A-Za-z0-9_]+)/g)) named.add(key);
			for (const [, key] of text.matchAll(/\bm\[\s*['"]([A-Za-z0-9_]+)['"]\s*\]/g)) named.add(key);
		}
		expect(code.length).toBeGreaterThan(50);
		expect(keysOf('en').filter((key) => !named.has(key))).toEqual([]);
	});

	it('are looked up by a built name only where BUILT_NAMES lists the names', () => {
		// A computed lookup hides which messages it uses: it must come with its names above.
		const building = code
			.filter(({ text }) => /\bm\[\s*(?!['"]\w+['"]\s*\])/.test(text))
			.map(({ file }) => file);
		expect(building.sort()).toEqual(Object.keys(BUILT_NAMES).sort());
	});

	it('are the same in every locale', () => {
		const settings = JSON.parse(
			readFileSync(path.join(root, 'project.inlang/settings.json'), 'utf8')
		);
		const english = keysOf('en').sort();
		for (const locale of settings.locales as string[])
			expect(keysOf(locale).sort(), locale).toEqual(english);
	});
});
