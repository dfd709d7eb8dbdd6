#!/usr/bin/env node
/**
 * Add (or replace) messages in every locale file at once, from one JSON file:
 *   { "key": { "en": "…", "es": "…", "fr": "…", "de": "…", "pt-BR": "…", "hi": "…", "id": "…", "ar": "…" } }
 * Refuses a key that lacks a locale, so every locale file keeps every key. Several people (or
 * helpers) can run it at once: it takes an exclusive lock on messages/ while it writes.
 *   node scripts/add-messages.mjs new-keys.json
 * Or remove messages no code uses any more (src/lib/domain/messages.spec.ts finds them):
 *   node scripts/add-messages.mjs --remove key_one key_two
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const settings = JSON.parse(readFileSync(path.join(root, 'project.inlang/settings.json'), 'utf8'));
const locales = settings.locales;
const args = process.argv.slice(2);
const removing = args[0] === '--remove';
const removals = removing ? args.slice(1) : [];
const [file] = removing ? [] : args;
if (removing ? removals.length === 0 : !file) {
	console.error('usage: node scripts/add-messages.mjs <messages.json> | --remove <key>…');
	process.exit(2);
}
const additions = file ? JSON.parse(readFileSync(file, 'utf8')) : {};
for (const [key, byLocale] of Object.entries(additions)) {
	if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`bad key ${key}: use snake_case`);
	const missing = locales.filter((locale) => typeof byLocale[locale] !== 'string');
	if (missing.length > 0) throw new Error(`${key} lacks ${missing.join(', ')}`);
}

// mkdir is atomic: the lock is held while the directory exists.
const lock = path.join(root, 'messages/.lock');
for (let tries = 0; ; tries++) {
	try {
		mkdirSync(lock);
		break;
	} catch {
		if (tries > 600) throw new Error(`${lock} held for a minute; remove it if stale`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
try {
	// Every file is read and changed before any is written: a refusal leaves them all as they were.
	const files = locales.map((locale) => {
		const target = path.join(root, `messages/${locale}.json`);
		const messages = JSON.parse(readFileSync(target, 'utf8'));
		for (const [key, byLocale] of Object.entries(additions)) messages[key] = byLocale[locale];
		for (const key of removals) {
			if (!(key in messages)) throw new Error(`${key} is not in ${locale}.json`);
			delete messages[key];
		}
		return { target, messages };
	});
	for (const { target, messages } of files)
		writeFileSync(target, `${JSON.stringify(messages, null, '\t')}\n`);
} finally {
	rmdirSync(lock);
}
console.log(
	removing
		? `${removals.length} messages removed from ${locales.length} locales`
		: `${Object.keys(additions).length} messages in ${locales.length} locales`
);
