import { describe, expect, it } from 'vitest';
import {
	decideCelebration,
	storageMemory,
	type CelebrationAward,
	type CelebrationFacts
} from './celebration';

const me = 'me';
function award(id: string, values: Partial<CelebrationAward> = {}): CelebrationAward {
	return { id, badgeId: `badge-${id}`, personId: me, revokedAt: null, version: 3, ...values };
}
function facts(awards: CelebrationAward[], synced = true): CelebrationFacts {
	const badges = awards.map((held) => ({
		id: held.badgeId,
		name: `Badge ${held.id}`,
		image: null
	}));
	return { awards, badges, synced };
}
const names = (decision: ReturnType<typeof decideCelebration>) =>
	decision.celebrate.map((badge) => badge.name);

describe('decideCelebration', () => {
	it('waits for the first sync of a device, then marks what it holds as celebrated', () => {
		const awards = [award('a'), award('b')];
		expect(decideCelebration(facts(awards, false), me, null)).toEqual({
			celebrate: [],
			remember: null
		});
		expect(decideCelebration(facts(awards), me, null)).toEqual({
			celebrate: [],
			remember: ['a', 'b']
		});
		expect(decideCelebration(facts([]), me, null)).toEqual({ celebrate: [], remember: [] });
	});

	it('celebrates every badge not yet celebrated, once', () => {
		const held = facts([award('a'), award('b'), award('c')]);
		const first = decideCelebration(held, me, ['a']);
		expect(names(first)).toEqual(['Badge b', 'Badge c']);
		expect(first.remember).toEqual(['a', 'b', 'c']);
		expect(decideCelebration(held, me, first.remember)).toEqual({ celebrate: [], remember: null });
	});

	it('remembers, without showing, an award whose badge is not on the device', () => {
		const held = { ...facts([award('a')]), badges: [] };
		expect(decideCelebration(held, me, [])).toEqual({ celebrate: [], remember: ['a'] });
	});

	it('never celebrates a pending, revoked or someone else’s award', () => {
		const held = facts([
			award('pending', { version: 0 }),
			award('revoked', { revokedAt: '2026-11-20T10:00:00.000Z' }),
			award('theirs', { personId: 'someone' })
		]);
		expect(decideCelebration(held, me, [])).toEqual({ celebrate: [], remember: null });
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
