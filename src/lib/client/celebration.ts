/**
 * Which awards this device still has to celebrate. Celebrated award ids are remembered per
 * person on the device (localStorage); a device that never remembered any for the person waits
 * for its first full sync and then marks every award it holds as celebrated, so signing in on a
 * new phone brings no storm of old badges.
 */
import type { Award, Badge } from '$lib/domain/entities';
import type { GatherDatabase } from './db';

export type CelebrationAward = Pick<Award, 'id' | 'badgeId' | 'personId' | 'revokedAt' | 'version'>;

export type CelebratedBadge = Pick<Badge, 'id' | 'name' | 'image'>;

export interface CelebrationFacts {
	awards: CelebrationAward[];
	badges: CelebratedBadge[];
	/** The device has finished a full sync at least once. */
	synced: boolean;
}

export interface CelebrationDecision {
	/** The badges to celebrate now (an award whose badge is not on the device is skipped). */
	celebrate: CelebratedBadge[];
	/** The award ids to remember from now on, or null: nothing to remember yet. */
	remember: string[] | null;
}

/** `remembered`: the award ids this device remembers for the person, null when it never did. */
export function decideCelebration(
	{ awards, badges, synced }: CelebrationFacts,
	personId: string,
	remembered: readonly string[] | null
): CelebrationDecision {
	// Only what the server confirmed (a device's own pending write is not an award yet).
	const earned = awards.filter(
		(award) => award.personId === personId && award.version > 0 && award.revokedAt === null
	);
	if (remembered === null) {
		if (!synced) return { celebrate: [], remember: null };
		return { celebrate: [], remember: earned.map((award) => award.id) };
	}
	const known = new Set(remembered);
	const fresh = earned.filter((award) => !known.has(award.id));
	if (fresh.length === 0) return { celebrate: [], remember: null };
	const badgeById = new Map(badges.map((badge) => [badge.id, badge]));
	return {
		celebrate: fresh.flatMap((award) => badgeById.get(award.badgeId) ?? []),
		remember: [...remembered, ...fresh.map((award) => award.id)]
	};
}

/** Where the ids are kept: one localStorage entry per person. */
export interface CelebrationMemory {
	read(personId: string): string[] | null;
	write(personId: string, ids: readonly string[]): void;
}

const key = (personId: string) => `gather.celebrated.${personId}`;

export function storageMemory(storage: Storage): CelebrationMemory {
	return {
		read(personId) {
			try {
				const value: unknown = JSON.parse(storage.getItem(key(personId)) ?? 'null');
				return Array.isArray(value) ? value.filter((id) => typeof id === 'string') : null;
			} catch {
				return null;
			}
		},
		write(personId, ids) {
			try {
				storage.setItem(key(personId), JSON.stringify(ids));
			} catch {
				// Storage full or blocked: at worst a badge is celebrated again.
			}
		}
	};
}

/** What the decision needs from the device's database (read through LiveQuery). */
export async function celebrationFacts(
	db: GatherDatabase,
	personId: string
): Promise<CelebrationFacts> {
	const [awards, lastSyncedAt] = await Promise.all([
		db.awards.where('personId').equals(personId).toArray(),
		db.getMeta('lastSyncedAt')
	]);
	const badges = (await db.badges.bulkGet([...new Set(awards.map((award) => award.badgeId))]))
		.filter((badge) => badge !== undefined)
		.map(({ id, name, image }) => ({ id, name, image }));
	return { awards, badges, synced: Boolean(lastSyncedAt) };
}
