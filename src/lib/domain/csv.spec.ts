import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
	it('quotes what needs quoting, and defuses cells a spreadsheet would run as a formula', () => {
		const csv = toCsv(
			['=HYPERLINK("https://evil.example")', 'plain'],
			[
				['+1', '@SUM(A1)'],
				['-2', 'a, "quoted" one'],
				[3, null]
			]
		);
		expect(csv.split('\r\n')).toEqual([
			`"'=HYPERLINK(""https://evil.example"")",plain`,
			`"'+1","'@SUM(A1)"`,
			`"'-2","a, ""quoted"" one"`,
			'3,'
		]);
	});
});
