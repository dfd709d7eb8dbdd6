import { describe, expect, it } from 'vitest';
import { decideCelebration, storageMemory, type CelebrationAward } from './celebration';

const me = 'me';
function award(id: string, values: Partial<CelebrationAward> = {}): CelebrationAward {
	return { id, badgeId: `badge-${id}`, personId: me, revokedAt: null, version: 3, ...values };
}

describe('decideCelebration', () => {
	it('waits for the first sync of a device, then marks what it holds as celebrated', () => {
		const awards = [award('a'), award('b')];
		expect(decideCelebration(awards, me, null, false)).toEqual({ celebrate: [], remember: null });
		expect(decideCelebration(awards, me, null, true)).toEqual({
			celebrate: [],
			remember: ['a', 'b']
		});
		expect(decideCelebration([], me, null, true)).toEqual({ celebrate: [], remember: [] });
	});

	it('celebrates every award not yet celebrated, once', () => {
		const awards = [award('a'), award('b'), award('c')];
		const first = decideCelebration(awards, me, ['a'], true);
		expect(first).toEqual({ celebrate: ['b', 'c'], remember: ['a', 'b', 'c'] });
		expect(decideCelebration(awards, me, first.remember, true)).toEqual({
			celebrate: [],
			remember: null
		});
	});

	it('never celebrates a pending, revoked or someone else’s award', () => {
		const awards = [
			award('pending', { version: 0 }),
			award('revoked', { revokedAt: '2026-11-20T10:00:00.000Z' }),
			award('theirs', { personId: 'someone' })
		];
		expect(decideCelebration(awards, me, [], true)).toEqual({ celebrate: [], remember: null });
	});
});

describe('storageMemory', () => {
	it('remembers ids per person and survives garbage', () => {
		const values = new Map<string, string>();
		const storage = {
			getItem: (name: string) => values.get(name) ?? null,
			setItem: (name: string, value: string) => void values.set(name, value)
		} as Storage;
		const memory = storageMemory(storage);
		expect(memory.read(me)).toBeNull();
		memory.write(me, ['a']);
		expect(memory.read(me)).toEqual(['a']);
		expect(memory.read('someone')).toBeNull();
		values.set('gather.celebrated.me', '{not json');
		expect(memory.read(me)).toBeNull();
	});
});
