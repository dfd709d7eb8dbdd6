/**
 * Someone's journey (domain/journey.ts) as a viewer may see it: the person resolved through
 * merges, their `journey` privacy level deciding (private: themselves and admins only). What
 * the viewer may not see answers exactly like a person who does not exist.
 */
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '$lib/domain/actor';
import { journeyOf, timelineHead, type Journey } from '$lib/domain/journey';
import { audienceFor, maySeeJourney } from '$lib/domain/privacy';
import { effectiveTaxonomy } from '$lib/domain/taxonomy';
import type { Database } from '$lib/server/db';
import { awards, badges, contributions, taxonomyTerms } from '$lib/server/db/schema';
import { lookUpPerson } from '$lib/server/profiles';
import { toAward, toBadge, toContribution } from '$lib/server/sync/rows';

export type JourneyLookup =
	| { kind: 'malformed' }
	| { kind: 'hidden' }
	| { kind: 'found'; personId: string; journey: Journey };

/** A calendar date the caller may name as their "today" (their own calendar). */
export const journeyDaySchema = z.iso.date();

/** How much of someone else's timeline one answer carries (the newest first). */
export const TIMELINE_ITEMS_SENT = 100;

export async function lookUpJourney(
	db: Database,
	id: string,
	viewer: Actor | null,
	today: string
): Promise<JourneyLookup> {
	let found = await lookUpPerson(db, id, viewer);
	if (found.kind === 'merged') found = await lookUpPerson(db, found.survivorId, viewer);
	if (found.kind === 'malformed') return found;
	if (found.kind !== 'found' || found.person.status !== 'active') return { kind: 'hidden' };
	const person = found.person;
	const audience = audienceFor(viewer, person.id);
	const admin = viewer?.roles.includes('admin') ?? false;
	if (!admin && !maySeeJourney(person, audience)) return { kind: 'hidden' };

	const [contributionRows, awardRows, termRows] = await Promise.all([
		db.select().from(contributions).where(eq(contributions.personId, person.id)),
		db.select().from(awards).where(eq(awards.personId, person.id)),
		db.select().from(taxonomyTerms)
	]);
	const badgeIds = [...new Set(awardRows.map((award) => award.badgeId))];
	const badgeRows =
		badgeIds.length === 0 ? [] : await db.select().from(badges).where(inArray(badges.id, badgeIds));
	const journey = journeyOf({
		contributions: contributionRows.map(toContribution),
		awards: awardRows.map(toAward),
		badges: badgeRows.map(toBadge),
		taxonomy: effectiveTaxonomy(termRows),
		today
	});
	return {
		kind: 'found',
		personId: person.id,
		journey: { ...journey, timeline: timelineHead(journey.timeline, TIMELINE_ITEMS_SENT) }
	};
}
