/**
 * The rows an Open Badges document is made from: a badge, an award with its badge and earner,
 * and the issuer's public URLs. Every URL is built from the request's origin.
 */
import { createHash } from 'node:crypto';
import { eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { env } from '$env/dynamic/private';
import type { Database } from '$lib/server/db';
import { awards, badges, people } from '$lib/server/db/schema';
import { toPerson } from '$lib/server/sync/rows';

export type BadgeRow = typeof badges.$inferSelect;

export interface AwardRecord {
	id: string;
	awardedAt: Date;
	evidence: string | null;
	revokedAt: Date | null;
	revocationReason: string | null;
	personId: string;
	/** Lower-cased: the identity both versions hash. */
	email: string | null;
	/** The earner's name only when their privacy shows it to anyone on the web. */
	publicName: string | null;
	badge: BadgeRow;
}

const idSchema = z.uuid();

export function isId(value: string): boolean {
	return idSchema.safeParse(value).success;
}

export function communityName(): string {
	return env.GATHER_COMMUNITY_NAME?.trim() || 'Gather community';
}

/** The issuer's public URLs on this site. */
export function issuerUrls(origin: string) {
	return {
		origin,
		profile: `${origin}/ob/issuer`,
		profileV2: `${origin}/ob/v2/issuer`,
		jwks: `${origin}/ob/issuer/jwks.json`,
		key: (kid: string) => `${origin}/ob/issuer/keys/${kid}`,
		achievement: (badgeId: string) => `${origin}/ob/badges/${badgeId}`,
		badgeClass: (badgeId: string) => `${origin}/ob/v2/badges/${badgeId}`,
		image: (badgeId: string) => `${origin}/ob/badges/${badgeId}/image`,
		assertion: (awardId: string) => `${origin}/ob/assertions/${awardId}`,
		revocations: `${origin}/ob/revocations`,
		verify: (awardId: string) => `${origin}/verify/${awardId}`
	};
}

export async function readBadge(db: Database, badgeId: string): Promise<BadgeRow | null> {
	if (!isId(badgeId)) return null;
	const [row] = await db.select().from(badges).where(eq(badges.id, badgeId)).limit(1);
	return row ?? null;
}

export async function readAward(db: Database, awardId: string): Promise<AwardRecord | null> {
	if (!isId(awardId)) return null;
	const [row] = await db
		.select({ award: awards, badge: badges, person: people })
		.from(awards)
		.innerJoin(badges, eq(badges.id, awards.badgeId))
		.innerJoin(people, eq(people.id, awards.personId))
		.where(eq(awards.id, awardId))
		.limit(1);
	if (!row) return null;
	return {
		id: row.award.id,
		awardedAt: row.award.awardedAt,
		evidence: row.award.evidence,
		revokedAt: row.award.revokedAt,
		revocationReason: row.award.revocationReason,
		personId: row.person.id,
		email: row.person.email?.toLowerCase() ?? null,
		publicName: toPerson(row.person, null)?.displayName ?? null,
		badge: row.badge
	};
}

/** A badge's words as both versions publish them: criteria fall back to the description. */
export function badgeTexts(badge: BadgeRow) {
	const description = badge.description || badge.name;
	return { description, criteria: { narrative: badge.criteria || description } };
}

/** Where a badge's picture is served, or null when it has none. */
export function badgeImageUrl(badge: BadgeRow, origin: string): string | null {
	return badge.image ? issuerUrls(origin).image(badge.id) : null;
}

/** Every revoked award: the revocation list. */
export function readRevocations(db: Database) {
	return db
		.select({ id: awards.id, reason: awards.revocationReason, revokedAt: awards.revokedAt })
		.from(awards)
		.where(isNotNull(awards.revokedAt));
}

/**
 * The earner's identity as Open Badges hashes it: `sha256$` + hex SHA-256 of the identity with
 * the salt appended. The salt is derived from the award, so a document reads the same each time.
 */
export function hashedIdentity(identity: string, awardId: string) {
	const salt = awardId.replaceAll('-', '');
	const hash = createHash('sha256').update(`${identity}${salt}`, 'utf8').digest('hex');
	return { identityHash: `sha256$${hash}`, salt };
}

/** Evidence as Open Badges holds it: a web link as the id, anything else as a narrative. */
export function evidenceParts(evidence: string | null): { id?: string; narrative?: string } | null {
	const text = evidence?.trim();
	if (!text) return null;
	try {
		const url = new URL(text);
		if (url.protocol === 'https:' || url.protocol === 'http:') return { id: url.href };
	} catch {
		// Not a link: the words are the evidence.
	}
	return { narrative: text };
}

/** A date at whole seconds, as JWT NumericDates hold it, written as the credential writes it. */
export function secondsPrecision(date: Date): { iso: string; seconds: number } {
	const seconds = Math.floor(date.getTime() / 1000);
	return { iso: new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'), seconds };
}
