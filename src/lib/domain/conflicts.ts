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
	PRIVACY_FIELDS,
	PROFILE_FIELDS,
	type Award,
	type CheckIn,
	type ClockedKey,
	type Person,
	type Privacy,
	type ProfileField
} from './entities';

type CheckInFacts = Pick<CheckIn, 'checkedInAt' | 'deviceIds' | 'recordedBy'>;

/** Merge a recorded check-in into the existing one (or none). Commutative and idempotent. */
export function mergeCheckIn(existing: CheckInFacts | null, incoming: CheckInFacts): CheckInFacts {
	const deviceIds = [...new Set([...(existing?.deviceIds ?? []), ...incoming.deviceIds])].sort();
	const earliest = !existing || !earlierCheckIn(existing, incoming) ? incoming : existing;
	// One spelling of the instant (UTC), whatever offset the device wrote it with.
	const checkedInAt = new Date(earliest.checkedInAt).toISOString();
	return { checkedInAt, recordedBy: earliest.recordedBy, deviceIds };
}

function earlierCheckIn(a: CheckInFacts, b: CheckInFacts): boolean {
	const at = Date.parse(a.checkedInAt);
	const bt = Date.parse(b.checkedInAt);
	return at !== bt ? at < bt : a.recordedBy <= b.recordedBy;
}

type AwardFacts = Pick<Award, 'awardedAt' | 'awardedBy' | 'evidence'>;

/** Which of two awards of the same badge to the same person stands. Commutative. */
export function mergeAward(existing: AwardFacts | null, incoming: AwardFacts): AwardFacts {
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
	for (const field of PRIVACY_FIELDS) {
		const level = patch.privacy?.[field];
		const key = `privacy.${field}` as const;
		if (level === undefined || !newer(key)) continue;
		privacy[field] = level;
		clocks[key] = hlc;
	}
	return { changes: changes as Partial<Pick<Person, ProfileField>>, privacy, clocks };
}
