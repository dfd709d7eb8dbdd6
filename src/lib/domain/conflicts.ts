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
 * - Profile fields: last writer wins per field, ordered by hybrid logical clock.
 */
import {
	PROFILE_FIELDS,
	type Award,
	type CheckIn,
	type Person,
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

export type ProfilePatch = Partial<Pick<Person, ProfileField>>;
/** Per field, the clock of the write that set its current value. */
export type FieldClocks = Partial<Record<ProfileField, string>>;

/**
 * Apply a profile patch written at `hlc` over the current values: a field changes only when
 * the write is newer than the one that set it. Returns only the fields that change, and the
 * clocks after the merge. Commutative, associative and idempotent per field.
 */
export function mergeProfile(
	clocks: FieldClocks,
	patch: ProfilePatch,
	hlc: string
): { changes: ProfilePatch; clocks: FieldClocks } {
	const changes: Record<string, unknown> = {};
	const merged: FieldClocks = { ...clocks };
	for (const field of PROFILE_FIELDS) {
		if (!Object.hasOwn(patch, field) || patch[field] === undefined) continue;
		const current = clocks[field];
		// Clocks encode to strings that sort in clock order (hlc.ts); equal means the same write.
		if (current !== undefined && current >= hlc) continue;
		changes[field] = patch[field];
		merged[field] = hlc;
	}
	return { changes: changes as ProfilePatch, clocks: merged };
}
