/**
 * The conflict rules as laws: whatever order, grouping or number of times writes arrive in,
 * every side that has seen the same writes holds the same state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	admissionFacts,
	grantedAward,
	mergeAward,
	mergeCheckIn,
	withoutAdmission,
	mergeProfile,
	type FieldClocks,
	type ProfilePatch
} from './conflicts';
import { encodeHlc } from './hlc';
import { ADMISSION_METHODS, DEFAULT_PRIVACY, type Admission, type Privacy } from './entities';

type CheckInFacts = Parameters<typeof mergeCheckIn>[1];
type AwardFacts = Parameters<typeof mergeAward>[1];

const devices = ['0190a000-0000-7000-8000-00000000000a', '0190a000-0000-7000-8000-00000000000b'];
const organizers = ['0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002'];
const start = Date.UTC(2026, 4, 16, 9);

/** A few instants a minute apart, so that equal times (ties) come up often. */
const instant = fc.integer({ min: 0, max: 3 }).map((minute) => new Date(start + minute * 60_000));

const allDevices = ['0190a000-0000-7000-8000-00000000000c', ...devices];

/** One device letting someone in: ties in time, recorder and device come up often. */
const admission: fc.Arbitrary<Admission> = fc.record({
	deviceId: fc.constantFrom(...allDevices),
	deviceName: fc.constantFrom('', 'Door 1', 'Door 2'),
	recordedBy: fc.constantFrom(...organizers),
	at: instant.map((date) => date.toISOString()),
	method: fc.constantFrom(...ADMISSION_METHODS)
});

/** What a device sends: its admission, or a check-in it already merged from several. */
const checkIn: fc.Arbitrary<CheckInFacts> = fc
	.array(admission, { minLength: 1, maxLength: 3 })
	.map((admissions) => foldAdmissions(admissions)!);

function foldAdmissions(admissions: readonly Admission[]): CheckInFacts | null {
	return admissions.reduce<CheckInFacts | null>(
		(held, one) => mergeCheckIn(held, admissionFacts(one)),
		null
	);
}

/** Awards, some at the same moment by the same awarder (two devices of one organizer). */
const awardList = fc.uniqueArray(
	fc.record({
		awardedAt: instant.map((date) => date.toISOString()),
		awardedBy: fc.option(fc.constantFrom(...organizers), { nil: null }),
		evidence: fc.option(fc.constantFrom('Ran the sprint', 'Reviewed 40 strings'), { nil: null })
	}),
	{
		minLength: 1,
		maxLength: 6,
		selector: (award) => `${award.awardedAt}|${award.awardedBy}|${award.evidence}`
	}
);

/** Each write at least once, in any order, some of them repeated: what a flaky network delivers. */
function deliveries<T>(writes: T[]): fc.Arbitrary<T[]> {
	return fc
		.tuple(
			fc.shuffledSubarray(writes, { minLength: writes.length, maxLength: writes.length }),
			fc.array(fc.constantFrom(...writes), { maxLength: 4 }),
			fc.nat()
		)
		.map(([all, repeats, cut]) => {
			// Repeats go in anywhere, including before the first arrival of the same write.
			const at = cut % (all.length + 1);
			return [...all.slice(0, at), ...repeats, ...all.slice(at)];
		});
}

function foldCheckIns(writes: CheckInFacts[]): CheckInFacts | null {
	return writes.reduce<CheckInFacts | null>((state, write) => mergeCheckIn(state, write), null);
}

function foldAwards(writes: AwardFacts[]): AwardFacts | null {
	return writes.reduce<AwardFacts | null>((state, write) => mergeAward(state, write), null);
}

interface ProfileWrite {
	patch: ProfilePatch;
	hlc: string;
}
interface ProfileState {
	values: ProfilePatch;
	privacy: Privacy;
	clocks: FieldClocks;
}
const emptyProfile: ProfileState = { values: {}, privacy: DEFAULT_PRIVACY, clocks: {} };

function applyProfile(state: ProfileState, write: ProfileWrite): ProfileState {
	const merged = mergeProfile(
		{ fieldClocks: state.clocks, privacy: state.privacy },
		write.patch,
		write.hlc
	);
	return {
		values: { ...state.values, ...merged.changes },
		privacy: merged.privacy,
		clocks: merged.clocks
	};
}

function foldProfile(writes: ProfileWrite[], from = emptyProfile): ProfileState {
	return writes.reduce(applyProfile, from);
}

/** Merge replica `other` into `state`: each field it holds arrives as the write that set it. */
function joinProfiles(state: ProfileState, other: ProfileState): ProfileState {
	let joined = state;
	for (const [key, hlc] of Object.entries(other.clocks) as [keyof FieldClocks, string][]) {
		const patch: ProfilePatch = key.startsWith('privacy.')
			? { privacy: { city: other.privacy.city } }
			: { [key]: other.values[key as keyof ProfilePatch] };
		joined = applyProfile(joined, { patch, hlc });
	}
	return joined;
}

const profilePatch: fc.Arbitrary<ProfilePatch> = fc
	.record(
		{
			displayName: fc.constantFrom('Ada', 'Grace', 'Linus'),
			pronouns: fc.constantFrom(null, 'she/her', 'they/them'),
			bio: fc.constantFrom(null, 'Translator', 'Docs and tests'),
			city: fc.constantFrom(null, 'Lyon', 'Pune'),
			country: fc.constantFrom(null, 'FR', 'IN'),
			privacy: fc.constantFrom<Partial<Privacy>>({ city: 'private' }, { city: 'public' })
		},
		{ requiredKeys: [] }
	)
	.filter((patch) => Object.keys(patch).length > 0);

/** Distinct writes have distinct clocks (the node part differs between devices). */
const profileWrites = fc.uniqueArray(
	fc.record({
		patch: profilePatch,
		hlc: fc
			.record({
				millis: fc.integer({ min: 0, max: 2 }).map((second) => start + second * 1000),
				counter: fc.integer({ min: 0, max: 2 }),
				node: fc.constantFrom('phone', 'laptop', 'tablet')
			})
			.map(encodeHlc)
	}),
	{ minLength: 1, maxLength: 8, selector: (write) => write.hlc }
);

describe('mergeCheckIn', () => {
	it("keeps the earliest check-in, every device that recorded it and each one's admission", () => {
		const door = {
			deviceId: devices[1],
			deviceName: 'Door 2',
			recordedBy: organizers[0],
			at: '2026-05-16T09:02:00.000Z',
			method: 'scan' as const
		};
		const tablet = {
			deviceId: devices[0],
			deviceName: 'Tablet',
			recordedBy: organizers[1],
			at: '2026-05-16T09:00:00+00:00',
			method: 'search' as const
		};
		const first = mergeCheckIn(null, admissionFacts(door));
		const merged = mergeCheckIn(first, admissionFacts(tablet));
		expect(merged).toEqual({
			checkedInAt: '2026-05-16T09:00:00.000Z',
			recordedBy: organizers[1],
			admissions: [{ ...tablet, at: '2026-05-16T09:00:00.000Z' }, door]
		});
		// The same door scanning again later changes nothing; earlier, its admission moves.
		expect(mergeCheckIn(merged, admissionFacts({ ...door, at: '2026-05-16T09:05:00Z' }))).toEqual(
			merged
		);
		const earlier = mergeCheckIn(merged, admissionFacts({ ...door, at: '2026-05-16T08:59:00Z' }));
		expect(earlier.admissions.map((one) => [one.deviceId, one.at])).toEqual([
			[devices[1], '2026-05-16T08:59:00.000Z'],
			[devices[0], '2026-05-16T09:00:00.000Z']
		]);
		expect(earlier).toMatchObject({
			checkedInAt: '2026-05-16T08:59:00.000Z',
			recordedBy: organizers[0]
		});
	});

	it('is commutative', () => {
		fc.assert(
			fc.property(checkIn, checkIn, (a, b) => {
				expect(mergeCheckIn(mergeCheckIn(null, a), b)).toEqual(
					mergeCheckIn(mergeCheckIn(null, b), a)
				);
			})
		);
	});

	it('is associative', () => {
		fc.assert(
			fc.property(checkIn, checkIn, checkIn, (a, b, c) => {
				expect(mergeCheckIn(mergeCheckIn(a, b), c)).toEqual(mergeCheckIn(a, mergeCheckIn(b, c)));
			})
		);
	});

	it('is idempotent', () => {
		fc.assert(
			fc.property(checkIn, checkIn, (a, b) => {
				const once = mergeCheckIn(mergeCheckIn(null, a), b);
				expect(mergeCheckIn(once, b)).toEqual(once);
				expect(mergeCheckIn(once, a)).toEqual(once);
			})
		);
	});

	it('ends in the same check-in for any delivery of the same writes', () => {
		const scenario = fc
			.array(checkIn, { minLength: 1, maxLength: 6 })
			.chain((writes) => fc.tuple(fc.constant(writes), deliveries(writes)));
		fc.assert(
			fc.property(scenario, ([writes, delivered]) => {
				const result = foldCheckIns(delivered);
				expect(result).toEqual(foldCheckIns(writes));
				const earliest = Math.min(...writes.map((write) => Date.parse(write.checkedInAt)));
				expect(Date.parse(result?.checkedInAt ?? '')).toBe(earliest);
				// One admission per device: its earliest.
				const admissions = writes.flatMap((write) => write.admissions);
				expect(result?.admissions.map((one) => one.deviceId).sort()).toEqual(
					[...new Set(admissions.map((one) => one.deviceId))].sort()
				);
				for (const kept of result?.admissions ?? [])
					expect(Date.parse(kept.at)).toBe(
						Math.min(
							...admissions
								.filter((one) => one.deviceId === kept.deviceId)
								.map((one) => Date.parse(one.at))
						)
					);
			})
		);
	});
});

describe('withoutAdmission', () => {
	it("is the check-in as if that device's admissions never arrived", () => {
		fc.assert(
			fc.property(
				fc.array(admission, { minLength: 1, maxLength: 6 }),
				fc.constantFrom(...allDevices),
				(admissions, deviceId) => {
					const all = foldAdmissions(admissions)!;
					const others = admissions.filter((one) => one.deviceId !== deviceId);
					expect(withoutAdmission(all, deviceId)).toEqual(foldAdmissions(others));
				}
			)
		);
	});

	it('leaves nothing when only that device admitted the person', () => {
		const only = admissionFacts({
			deviceId: devices[0],
			deviceName: '',
			recordedBy: organizers[0],
			at: '2026-05-16T09:00:00.000Z',
			method: 'self'
		});
		expect(withoutAdmission(only, devices[0])).toBeNull();
		expect(withoutAdmission(only, devices[1])).toEqual(only);
	});
});

describe('mergeAward', () => {
	it('keeps the earliest award; on the same moment, the smaller awarder id', () => {
		const early = {
			awardedAt: '2026-05-16T09:00:00.000Z',
			awardedBy: organizers[1],
			evidence: 'a'
		};
		const late = { awardedAt: '2026-05-16T10:00:00.000Z', awardedBy: organizers[0], evidence: 'b' };
		const tie = { ...early, awardedBy: organizers[0], evidence: 'c' };
		expect(mergeAward(late, early)).toBe(early);
		expect(mergeAward(early, late)).toBe(early);
		expect(mergeAward(early, tie)).toBe(tie);
		expect(mergeAward(tie, early)).toBe(tie);
	});

	it('is commutative, associative and idempotent', () => {
		fc.assert(
			fc.property(awardList, (awards) => {
				const [a, b = a, c = b] = awards;
				expect(mergeAward(a, b)).toEqual(mergeAward(b, a));
				expect(mergeAward(mergeAward(a, b), c)).toEqual(mergeAward(a, mergeAward(b, c)));
				expect(mergeAward(a, a)).toEqual(a);
			})
		);
	});

	it('ends in the same award for any delivery of the same writes', () => {
		const scenario = awardList.chain((writes) => fc.tuple(fc.constant(writes), deliveries(writes)));
		fc.assert(
			fc.property(scenario, ([writes, delivered]) => {
				expect(foldAwards(delivered)).toEqual(foldAwards(writes));
			})
		);
	});

	// Found by the push property: two devices of one awarder granting at the same millisecond
	// with different evidence once kept whichever arrived first.
	it('ends in the same award when one awarder grants twice at the same moment', () => {
		const first = {
			awardedAt: '2026-05-16T09:00:00.000Z',
			awardedBy: organizers[0],
			evidence: 'a'
		};
		const second = { ...first, evidence: 'b' };
		expect(mergeAward(first, second)).toEqual(mergeAward(second, first));
	});
});

describe('grantedAward', () => {
	const ruleAward = {
		awardedAt: '2026-05-16T10:00:00.000Z',
		awardedBy: null,
		evidence: null,
		source: 'rule' as const
	};
	const cleared = { revokedAt: null, revokedBy: null, revocationReason: null };

	it('folds with a standing award: the earlier stays, the winner keeping its own source', () => {
		const later = {
			awardedAt: '2026-05-16T11:00:00.000Z',
			awardedBy: organizers[0],
			evidence: 'kind words',
			source: 'nomination' as const
		};
		const standing = { ...ruleAward, revokedAt: null };
		expect(grantedAward(standing, later)).toEqual({ ...ruleAward, ...cleared });
		const earlier = { ...later, awardedAt: '2026-05-16T09:00:00.000Z', source: 'manual' as const };
		expect(grantedAward(standing, earlier)).toEqual({ ...earlier, ...cleared });
	});

	it('reinstates a revoked award with the grant alone, and a first grant is the grant', () => {
		const grant = {
			awardedAt: '2026-05-17T09:00:00.000Z',
			awardedBy: organizers[1],
			evidence: null,
			source: 'manual' as const
		};
		const revoked = { ...ruleAward, revokedAt: '2026-05-16T12:00:00.000Z' };
		expect(grantedAward(revoked, grant)).toEqual({ ...grant, ...cleared });
		expect(grantedAward(null, grant)).toEqual({ ...grant, ...cleared });
	});
});

describe('mergeProfile', () => {
	const clock = (second: number, node = 'phone') =>
		encodeHlc({ millis: start + second * 1000, counter: 0, node });

	it('lets the newer clock win, field by field', () => {
		const before = { displayName: clock(1), city: clock(3) };
		const result = mergeProfile(
			{ fieldClocks: before, privacy: DEFAULT_PRIVACY },
			{ displayName: 'Ada', city: 'Lyon' },
			clock(2)
		);
		expect(result).toEqual({
			changes: { displayName: 'Ada' },
			privacy: DEFAULT_PRIVACY,
			clocks: { displayName: clock(2), city: clock(3) }
		});
	});

	it("merges each field's privacy level on its own clock", () => {
		const before = { 'privacy.city': clock(3), city: clock(1) };
		const result = mergeProfile(
			{ fieldClocks: before, privacy: { ...DEFAULT_PRIVACY, city: 'private' } },
			{ city: 'Lyon', privacy: { city: 'public', skills: 'public' } },
			clock(2)
		);
		expect(result.changes).toEqual({ city: 'Lyon' });
		expect(result.privacy).toEqual({ ...DEFAULT_PRIVACY, city: 'private', skills: 'public' });
		expect(result.clocks).toEqual({
			'privacy.city': clock(3),
			city: clock(2),
			'privacy.skills': clock(2)
		});
	});

	it('changes nothing for an older clock', () => {
		const before = { bio: clock(5), pronouns: clock(5) };
		expect(
			mergeProfile(
				{ fieldClocks: before, privacy: DEFAULT_PRIVACY },
				{ bio: 'Late', pronouns: null },
				clock(4)
			)
		).toEqual({ changes: {}, privacy: DEFAULT_PRIVACY, clocks: before });
	});

	it('changes nothing when the same write (equal clock) arrives again', () => {
		const fresh = { fieldClocks: {}, privacy: DEFAULT_PRIVACY };
		const once = mergeProfile(fresh, { country: 'IN' }, clock(1, 'laptop'));
		expect(once.changes).toEqual({ country: 'IN' });
		expect(
			mergeProfile(
				{ fieldClocks: once.clocks, privacy: DEFAULT_PRIVACY },
				{ country: 'IN' },
				clock(1, 'laptop')
			)
		).toEqual({ changes: {}, privacy: DEFAULT_PRIVACY, clocks: once.clocks });
	});

	it('sets a field to null when that write is the newest', () => {
		const result = mergeProfile(
			{ fieldClocks: { pronouns: clock(1) }, privacy: DEFAULT_PRIVACY },
			{ pronouns: null },
			clock(2)
		);
		expect(result.changes).toEqual({ pronouns: null });
	});

	it('is commutative', () => {
		fc.assert(
			fc.property(profileWrites, ([a, b = a]) => {
				expect(foldProfile([a, b])).toEqual(foldProfile([b, a]));
			})
		);
	});

	it('is associative: replicas that saw different writes join to the same profile', () => {
		const replicas = fc.tuple(profileWrites, fc.nat(), fc.nat()).map(([writes, i, j]) => {
			// Three replicas, each having seen a slice of the writes (slices may overlap).
			const [from, to] = [i % (writes.length + 1), j % (writes.length + 1)].sort((x, y) => x - y);
			return [writes.slice(0, to), writes.slice(from), writes.slice(to)].map((seen) =>
				foldProfile(seen)
			);
		});
		fc.assert(
			fc.property(replicas, ([a, b, c]) => {
				expect(joinProfiles(joinProfiles(a, b), c)).toEqual(joinProfiles(a, joinProfiles(b, c)));
				expect(joinProfiles(a, b)).toEqual(joinProfiles(b, a));
			})
		);
	});

	it('is idempotent', () => {
		fc.assert(
			fc.property(profileWrites, (writes) => {
				const once = foldProfile(writes);
				expect(foldProfile(writes, once)).toEqual(once);
			})
		);
	});

	it('ends in the same profile for any delivery of the same writes', () => {
		const scenario = profileWrites.chain((writes) =>
			fc.tuple(fc.constant(writes), deliveries(writes))
		);
		fc.assert(
			fc.property(scenario, ([writes, delivered]) => {
				const result = foldProfile(delivered);
				expect(result).toEqual(foldProfile(writes));
				// Every field some write set holds the value of the newest write that set it.
				const fields = new Set(
					writes.flatMap((write) => Object.keys(write.patch)).filter((key) => key !== 'privacy')
				);
				for (const field of fields) {
					const newest = writes
						.filter((write) => Object.hasOwn(write.patch, field))
						.reduce((a, b) => (a.hlc > b.hlc ? a : b));
					expect(result.clocks[field as keyof FieldClocks]).toBe(newest.hlc);
					expect(result.values[field as keyof ProfilePatch]).toBe(
						newest.patch[field as keyof ProfilePatch]
					);
				}
				const privacyWrites = writes.filter((write) => write.patch.privacy !== undefined);
				if (privacyWrites.length > 0) {
					const newest = privacyWrites.reduce((a, b) => (a.hlc > b.hlc ? a : b));
					expect(result.privacy.city).toBe(newest.patch.privacy?.city);
					expect(result.clocks['privacy.city']).toBe(newest.hlc);
				}
			})
		);
	});
});
