/**
 * What the badge screens read from the device: every badge with my award and my progress
 * toward its rule (ruleProgress over my contributions), one badge's page, the nominations I
 * may decide and the ones I made, and a badge to edit.
 */
import { ruleProgress, type RuleFact, type RuleProgress } from '$lib/domain/badge-rules';
import type { Actor } from '$lib/domain/actor';
import type { Award, Badge, Nomination } from '$lib/domain/entities';
import { canDecideNomination } from '$lib/domain/permissions';
import type { Taxonomy } from '$lib/domain/taxonomy';
import type { GatherDatabase } from './db';

export interface BadgeCard {
	badge: Badge;
	/** My award, when it stands (not revoked). */
	award: Award | null;
	/** For a badge with a rule I have not earned: how far I am. */
	progress: RuleProgress | null;
}

async function factsOf(db: GatherDatabase, personId: string): Promise<RuleFact[]> {
	const rows = await db.contributions
		.where('[personId+happenedOn]')
		.between([personId, ''], [personId, '\uffff'])
		.toArray();
	return rows.map(({ happenedOn, area, activityType, eventId }) => ({
		happenedOn,
		area,
		activityType,
		eventId: eventId ?? null
	}));
}

function standing(award: Award | undefined): Award | null {
	return award && award.revokedAt === null ? award : null;
}

function cardOf(badge: Badge, award: Award | null, facts: RuleFact[], today: string): BadgeCard {
	const progress = badge.rule && !award ? ruleProgress(badge.rule, facts, today) : null;
	return { badge, award, progress };
}

/** Every badge not archived (and archived ones I hold), mine first, then by name. */
export async function badgeCards(
	db: GatherDatabase,
	actor: Actor,
	today: string,
	locale: string
): Promise<BadgeCard[]> {
	const [badges, mine, facts] = await Promise.all([
		db.badges.toArray(),
		db.awards.where('personId').equals(actor.personId).toArray(),
		factsOf(db, actor.personId)
	]);
	const byBadge = new Map(mine.map((award) => [award.badgeId, standing(award)]));
	return badges
		.map((badge) => cardOf(badge, byBadge.get(badge.id) ?? null, facts, today))
		.filter((card) => !card.badge.archived || card.award)
		.sort(
			(a, b) =>
				Number(b.award !== null) - Number(a.award !== null) ||
				a.badge.name.localeCompare(b.badge.name, locale)
		);
}

export interface BadgePage extends BadgeCard {
	taxonomy: Taxonomy;
	/** How many pending nominations for this badge I may decide (a link to them says so). */
	pendingToDecide: number;
}

export async function badgePage(
	db: GatherDatabase,
	actor: Actor,
	badgeId: string,
	today: string
): Promise<BadgePage | null> {
	const badge = await db.badges.get(badgeId);
	if (!badge) return null;
	const [award, facts, taxonomy, pending] = await Promise.all([
		db.awards.get([badgeId, actor.personId]),
		factsOf(db, actor.personId),
		db.taxonomy(),
		db.nominations.where('status').equals('pending').toArray()
	]);
	return {
		...cardOf(badge, standing(award), facts, today),
		taxonomy,
		pendingToDecide: pending.filter(
			(nomination) => nomination.badgeId === badgeId && canDecideNomination(actor, nomination)
		).length
	};
}

export interface NominationRow {
	nomination: Nomination;
	badge: Badge | null;
	personName: string | null;
	nominatorName: string | null;
}

export interface NominationLists {
	toDecide: NominationRow[];
	mine: NominationRow[];
}

/** Pending nominations I may decide (oldest first), and the ones I made (newest first). */
export async function nominationLists(db: GatherDatabase, actor: Actor): Promise<NominationLists> {
	const all = await db.nominations.toArray();
	const toDecide = all
		.filter((row) => row.status === 'pending' && canDecideNomination(actor, row))
		.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
	const mine = all
		.filter((row) => row.nominatedBy === actor.personId)
		.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
	const badgeIds = [...new Set([...toDecide, ...mine].map((row) => row.badgeId))];
	const personIds = [
		...new Set([...toDecide, ...mine].flatMap((row) => [row.personId, row.nominatedBy]))
	];
	const [badges, people] = await Promise.all([
		db.badges.bulkGet(badgeIds),
		db.people.bulkGet(personIds)
	]);
	const badgeOf = new Map(badgeIds.map((id, index) => [id, badges[index] ?? null]));
	const nameOf = new Map(personIds.map((id, index) => [id, people[index]?.displayName ?? null]));
	const row = (nomination: Nomination): NominationRow => ({
		nomination,
		badge: badgeOf.get(nomination.badgeId) ?? null,
		personName: nameOf.get(nomination.personId) ?? null,
		nominatorName: nameOf.get(nomination.nominatedBy) ?? null
	});
	return { toDecide: toDecide.map(row), mine: mine.map(row) };
}

/** How many nominations wait for my decision (the badges screen's link says so). */
export async function nominationsToDecide(db: GatherDatabase, actor: Actor): Promise<number> {
	const pending = await db.nominations.where('status').equals('pending').toArray();
	return pending.filter((row) => canDecideNomination(actor, row)).length;
}

export interface BadgeToEdit {
	badge: Badge | null;
	/** Slugs other badges use (a new slug must not be one). */
	takenSlugs: ReadonlySet<string>;
	taxonomy: Taxonomy;
}

export async function badgeToEdit(db: GatherDatabase, badgeId: string): Promise<BadgeToEdit> {
	const [badges, taxonomy] = await Promise.all([db.badges.toArray(), db.taxonomy()]);
	return {
		badge: badges.find((badge) => badge.id === badgeId) ?? null,
		takenSlugs: new Set(badges.filter((badge) => badge.id !== badgeId).map((badge) => badge.slug)),
		taxonomy
	};
}

/** Every badge for the admin list, by name (archived ones too). */
export async function allBadges(db: GatherDatabase, locale: string): Promise<Badge[]> {
	const badges = await db.badges.toArray();
	return badges.sort((a, b) => a.name.localeCompare(b.name, locale));
}
