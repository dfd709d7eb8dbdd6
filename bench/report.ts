/**
 * The results table, on the console and in docs/benchmarks.md. Only the part between the
 * markers is generated; the analysis around it is written by hand and kept.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';

export interface Row {
	benchmark: string;
	result: string;
	limit: string;
	target: string;
	/** null: not measured here (e.g. PostgreSQL not installed). */
	met: boolean | null;
}

export const START = '<!-- bench:results:start -->';
export const END = '<!-- bench:results:end -->';

function cell(text: string): string {
	return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function verdict(met: boolean | null): string {
	if (met === null) return 'n/a';
	return met ? 'yes' : '**no**';
}

export function table(rows: readonly Row[]): string {
	const lines = [
		'| benchmark | result | limit beside it | target | met? |',
		'| --- | --- | --- | --- | --- |',
		...rows.map(
			(row) =>
				`| ${cell(row.benchmark)} | ${cell(row.result)} | ${cell(row.limit)} | ${cell(row.target)} | ${verdict(row.met)} |`
		)
	];
	return lines.join('\n');
}

async function format(root: string, markdown: string): Promise<string> {
	const file = path.join(root, 'docs/benchmarks.md');
	const options = (await prettier.resolveConfig(file)) ?? {};
	return prettier.format(markdown, { ...options, filepath: file });
}

/** The table formatted for the console (prettier aligns the columns). */
export async function consoleTable(root: string, rows: readonly Row[]): Promise<string> {
	return (await format(root, table(rows))).trim();
}

const SKELETON = `# Benchmarks

Run \`npm run bench\`. The section between the markers below is rewritten by every run.

${START}
${END}
`;

/** Replace the generated section of docs/benchmarks.md (created when missing). */
export async function writeResults(root: string, generated: string): Promise<string> {
	const file = path.join(root, 'docs/benchmarks.md');
	const current = existsSync(file) ? await readFile(file, 'utf8') : SKELETON;
	const start = current.indexOf(START);
	const end = current.indexOf(END);
	if (start < 0 || end < start) throw new Error(`${file} lost its ${START} … ${END} markers`);
	const next =
		current.slice(0, start + START.length) + `\n\n${generated.trim()}\n\n` + current.slice(end);
	await writeFile(file, await format(root, next));
	return file;
}
