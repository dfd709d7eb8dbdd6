/**
 * Conflict rules: how concurrent writes from several offline devices combine. Pure functions,
 * used by the device (local apply and rebase) and by the server (apply), so both sides reach
 * the same state whatever order writes arrive in.
 *
 * - Check-ins: set-union on (event, person). The earliest time wins; every device that
 *   recorded the check-in is kept.
 * - Awards: one per (badge, person). The earliest award wins (ties: the smaller awarder id),
 *   so two organizers awarding offline converge on the same row.
 * - Contributions: append-only; a reused id is a conflict, never an overwrite.
 * - Profile fields and their privacy levels: last writer wins per key, ordered by hybrid
 *   logical clock.
 */
import {
	PRIVACY_KEYS,
	PROFILE_FIELDS,
	type Award,
	type Admission,
	type CheckIn,
	type ClockedKey,
	type Person,
	type Privacy,
	type ProfileField
} from './entities';

type CheckInFacts = Pick<CheckIn, 'checkedInAt' | 'recordedBy' | 'admissions'>;

/**
 * Merge a recorded check-in into the existing one (or none). Commutative, associative and
 * idempotent: each device keeps its own earliest admission (two devices = admitted twice),
 * and the earliest admission of all sets the check-in's time and recorder.
 */
export function mergeCheckIn(existing: CheckInFacts | null, incoming: CheckInFacts): CheckInFacts {
	return summarise(mergeAdmissions([...(existing?.admissions ?? []), ...incoming.admissions]))!;
}

/** The check-in these admissions make: null when there are none. */
function summarise(admissions: Admission[]): CheckInFacts | null {
	const [first] = admissions;
	if (!first) return null;
	return { checkedInAt: first.at, recordedBy: first.recordedBy, admissions };
}

/**
 * One admission per device, its earliest; the earliest first. Instants are spelled one way
 * (UTC), whatever offset the device wrote them with.
 */
function mergeAdmissions(all: readonly Admission[]): Admission[] {
	const byDevice = new Map<string, Admission>();
	for (const admission of all) {
		const normal = { ...admission, at: new Date(admission.at).toISOString() };
		const held = byDevice.get(admission.deviceId);
		if (!held || earlierAdmission(normal, held)) byDevice.set(admission.deviceId, normal);
	}
	return [...byDevice.values()].sort((a, b) =>
		earlierAdmission(a, b) ? -1 : earlierAdmission(b, a) ? 1 : 0
	);
}

function earlierAdmission(a: Admission, b: Admission): boolean {
	const at = Date.parse(a.at);
	const bt = Date.parse(b.at);
	if (at !== bt) return at < bt;
	if (a.recordedBy !== b.recordedBy) return a.recordedBy < b.recordedBy;
	if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId;
	// The same device, recorder and instant: a total order, so the merge never depends on
	// which copy arrived first.
	return a.method + a.deviceName < b.method + b.deviceName;
}

/**
 * A check-in without one device's admission (an undo at that door): null when nobody else
 * admitted the person, else the time and recorder of the earliest admission left.
 */
export function withoutAdmission(checkIn: CheckInFacts, deviceId: string): CheckInFacts | null {
	return summarise(checkIn.admissions.filter((admission) => admission.deviceId !== deviceId));
}

/** The check-in one device's admission makes (what checkin.record and friends merge). */
export function admissionFacts(admission: Admission): CheckInFacts {
	return summarise(mergeAdmissions([admission]))!;
}

type AwardFacts = Pick<Award, 'awardedAt' | 'awardedBy' | 'evidence'>;

/** Which of two awards of the same badge to the same person stands. Commutative. */
export function mergeAward<Facts extends AwardFacts>(
	existing: Facts | null,
	incoming: Facts
): Facts {
	if (!existing) return incoming;
	const at = Date.parse(existing.awardedAt);
	const bt = Date.parse(incoming.awardedAt);
	if (at !== bt) return at < bt ? existing : incoming;
	const byA = existing.awardedBy ?? '';
	const byB = incoming.awardedBy ?? '';
	if (byA !== byB) return byA < byB ? existing : incoming;
	// The same awarder at the same millisecond (two of their devices): no evidence first, then
	// text order, so the winner never depends on which arrived first.
	if (existing.evidence === incoming.evidence || existing.evidence === null) return existing;
	if (incoming.evidence === null) return incoming;
	return existing.evidence <= incoming.evidence ? existing : incoming;
}

export type ProfilePatch = Partial<Pick<Person, ProfileField>> & { privacy?: Partial<Privacy> };
/** Per clocked key (a field, or `privacy.<field>`), the clock of the write that set it. */
export type FieldClocks = Partial<Record<ClockedKey, string>>;

/**
 * Apply a profile patch written at `hlc` over the current values: a field (or a field's
 * privacy level) changes only when the write is newer than the one that set it. Returns the
 * fields that change, the privacy after the merge, and the clocks after the merge.
 * Commutative, associative and idempotent per key.
 */
export function mergeProfile(
	current: { fieldClocks: FieldClocks; privacy: Privacy },
	patch: ProfilePatch,
	hlc: string
): { changes: Partial<Pick<Person, ProfileField>>; privacy: Privacy; clocks: FieldClocks } {
	const changes: Record<string, unknown> = {};
	const clocks: FieldClocks = { ...current.fieldClocks };
	const privacy: Privacy = { ...current.privacy };
	// Clocks encode to strings that sort in clock order (hlc.ts); equal means the same write.
	const newer = (key: ClockedKey) => {
		const clock = current.fieldClocks[key];
		return clock === undefined || clock < hlc;
	};
	for (const field of PROFILE_FIELDS) {
		if (!Object.hasOwn(patch, field) || patch[field] === undefined || !newer(field)) continue;
		changes[field] = patch[field];
		clocks[field] = hlc;
	}
	for (const field of PRIVACY_KEYS) {
		const level = patch.privacy?.[field];
		const key = `privacy.${field}` as const;
		if (level === undefined || !newer(key)) continue;
		privacy[field] = level;
		clocks[key] = hlc;
	}
	return { changes: changes as Partial<Pick<Person, ProfileField>>, privacy, clocks };
}

type GrantFacts = Pick<Award, 'awardedAt' | 'awardedBy' | 'evidence' | 'source'>;

/**
 * What a grant (by hand, or an approved nomination) leaves on the award row of its badge and
 * person, given the row already there (or none). A standing award folds with the grant by
 * mergeAward, the winner's source with it; a revoked award is reinstated by the grant alone.
 * The same on the device and the server (award.grant, nomination.decide).
 */
export function grantedAward(
	existing: (GrantFacts & { revokedAt: unknown }) | null,
	grant: GrantFacts
): GrantFacts & { revokedAt: null; revokedBy: null; revocationReason: null } {
	const standing = existing && existing.revokedAt === null ? existing : null;
	const { awardedAt, awardedBy, evidence, source } = mergeAward<GrantFacts>(standing, grant);
	return {
		awardedAt,
		awardedBy,
		evidence,
		source,
		revokedAt: null,
		revokedBy: null,
		revocationReason: null
	};
}
