/**
 * The server side of the badge mutations (badge classes, grants, revocations, nominations): what only
 * the server's data can decide (the taxonomy a rule names, slugs, the image's real bytes, who
 * a nomination is for), mirrored on the device by client/badge-mutations.ts.
 */
import { and, eq, ne } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import { uuidv7 } from 'uuidv7';
import { ruleProblem, type BadgeRule } from '$lib/domain/badge-rules';
import { grantedAward } from '$lib/domain/conflicts';
import type { Award } from '$lib/domain/entities';
import { mutationTime, writtenAt } from '$lib/domain/mutations';
import { canAward, canDecideNomination, canNominate } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import type { Transaction } from '$lib/server/db';
import { activePersonId } from '$lib/server/db/person-ids';
import { awards, badges, nominations } from '$lib/server/db/schema';
import { readTaxonomy } from '$lib/server/contributions/taxonomy';
import type { ServerMutation } from '$lib/server/sync/apply';
import { awardEveryoneMeeting } from './evaluate';

type BadgeMutationName =
	'badge.save' | 'award.grant' | 'award.revoke' | 'nomination.create' | 'nomination.decide';

/**
 * A data URL's bytes must be the image type it declares: the schema only checked its shape,
 * and every device will draw it. Refused as invalid 'not_image' otherwise.
 */
export async function requireBadgeImage(dataUrl: string): Promise<void> {
	const match = /^data:(image\/(?:png|jpeg|webp));base64,(.*)$/.exec(dataUrl);
	if (!match) throw new MutationRejected('invalid', 'not_image');
	const detected = await fileTypeFromBuffer(Buffer.from(match[2], 'base64'));
	if (detected?.mime !== match[1]) throw new MutationRejected('invalid', 'not_image');
}

/** Whether two rules ask for the same (PostgreSQL's jsonb keeps its own key order). */
function sameRule(stored: BadgeRule | null, saved: BadgeRule | null): boolean {
	const canonical = (rule: BadgeRule | null) =>
		rule === null
			? 'null'
			: JSON.stringify(Object.entries(rule).sort(([a], [b]) => a.localeCompare(b)));
	return canonical(stored) === canonical(saved);
}

function awardKey(args: { badgeId: string; personId: string }) {
	return and(eq(awards.badgeId, args.badgeId), eq(awards.personId, args.personId));
}

async function openBadge(tx: Transaction, badgeId: string) {
	const [badge] = await tx
		.select({ archived: badges.archived })
		.from(badges)
		.where(eq(badges.id, badgeId));
	if (!badge) throw new MutationRejected('not_found', 'badge');
	if (badge.archived) throw new MutationRejected('closed', 'badge archived');
}

/** Grant an open badge (grantedAward over the row held, locked); a new award takes `id`. */
async function grant(
	tx: Transaction,
	key: { badgeId: string; personId: string; id: string },
	facts: Pick<Award, 'awardedAt' | 'awardedBy' | 'evidence' | 'source'>,
	version: number
): Promise<void> {
	await openBadge(tx, key.badgeId);
	const where = awardKey(key);
	const [existing] = await tx.select().from(awards).where(where).for('update');
	const granted = grantedAward(
		existing ? { ...existing, awardedAt: existing.awardedAt.toISOString() } : null,
		facts
	);
	const values = { ...granted, awardedAt: new Date(granted.awardedAt), version };
	if (existing) await tx.update(awards).set(values).where(where);
	else
		await tx
			.insert(awards)
			.values({ id: key.id, badgeId: key.badgeId, personId: key.personId, ...values });
}

export const badgeMutations: { [Name in BadgeMutationName]: ServerMutation<Name> } = {
	'badge.save': {
		async apply(tx, args, context, version) {
			if (args.rule) {
				const problem = ruleProblem(args.rule, await readTaxonomy(tx));
				if (problem) throw new MutationRejected('invalid', problem);
			}
			if (args.image !== null) await requireBadgeImage(args.image);
			const [taken] = await tx
				.select({ id: badges.id })
				.from(badges)
				.where(and(eq(badges.slug, args.slug), ne(badges.id, args.id)));
			if (taken) throw new MutationRejected('conflict', 'slug');
			const [existing] = await tx
				.select({ rule: badges.rule })
				.from(badges)
				.where(eq(badges.id, args.id))
				.for('update');
			if (existing)
				await tx
					.update(badges)
					.set({ ...args, version })
					.where(eq(badges.id, args.id));
			else
				await tx
					.insert(badges)
					.values({ ...args, createdAt: new Date(mutationTime(context)), version });
			// A new or changed rule is owed at once to everyone who already meets it.
			const ruleChanged = !existing || !sameRule(existing.rule ?? null, args.rule);
			if (args.rule && !args.archived && ruleChanged)
				await awardEveryoneMeeting(tx, args.id, version, writtenAt(context));
		},
		async touch(tx, args, version) {
			await tx.update(badges).set({ version }).where(eq(badges.id, args.id));
		}
	},

	'award.grant': {
		async apply(tx, args, context, version) {
			const personId = await activePersonId(tx, args.personId);
			if (!canAward(context.actor, personId)) throw new MutationRejected('forbidden');
			await grant(
				tx,
				{ badgeId: args.badgeId, personId, id: args.id ?? uuidv7() },
				{
					awardedAt: mutationTime(context),
					awardedBy: context.actor.personId,
					evidence: args.evidence,
					source: 'manual'
				},
				version
			);
		},
		async touch(tx, args, version) {
			await tx.update(awards).set({ version }).where(awardKey(args));
		}
	},

	'award.revoke': {
		async apply(tx, args, context, version) {
			const where = awardKey(args);
			const [award] = await tx
				.select({ revokedAt: awards.revokedAt })
				.from(awards)
				.where(where)
				.for('update');
			if (!award || award.revokedAt !== null) throw new MutationRejected('not_found', 'award');
			await tx
				.update(awards)
				.set({
					revokedAt: new Date(mutationTime(context)),
					revokedBy: context.actor.personId,
					revocationReason: args.reason,
					version
				})
				.where(where);
		},
		async touch(tx, args, version) {
			await tx.update(awards).set({ version }).where(awardKey(args));
		}
	},

	'nomination.create': {
		async apply(tx, args, context, version) {
			await openBadge(tx, args.badgeId);
			const personId = await activePersonId(tx, args.personId);
			if (!canNominate(context.actor, personId)) throw new MutationRejected('forbidden');
			const [award] = await tx
				.select({ revokedAt: awards.revokedAt })
				.from(awards)
				.where(awardKey({ badgeId: args.badgeId, personId }));
			if (award && award.revokedAt === null) throw new MutationRejected('conflict', 'awarded');
			const inserted = await tx
				.insert(nominations)
				.values({
					id: args.id,
					badgeId: args.badgeId,
					personId,
					nominatedBy: context.actor.personId,
					reason: args.reason,
					status: 'pending',
					createdAt: new Date(mutationTime(context)),
					version
				})
				.onConflictDoNothing({ target: nominations.id })
				.returning({ id: nominations.id });
			if (inserted.length === 0) throw new MutationRejected('conflict', 'nomination id used');
		},
		// The device only added a row, and discards it itself after a refusal.
		touch: () => Promise.resolve()
	},

	'nomination.decide': {
		async apply(tx, args, context, version) {
			const [nomination] = await tx
				.select()
				.from(nominations)
				.where(eq(nominations.id, args.id))
				.for('update');
			if (!nomination) throw new MutationRejected('not_found', 'nomination');
			if (!canDecideNomination(context.actor, nomination)) throw new MutationRejected('forbidden');
			if (nomination.status !== 'pending') throw new MutationRejected('already_decided');
			const at = mutationTime(context);
			if (args.approve)
				await grant(
					tx,
					{ badgeId: nomination.badgeId, personId: nomination.personId, id: args.awardId },
					{
						awardedAt: at,
						awardedBy: context.actor.personId,
						evidence: nomination.reason,
						source: 'nomination'
					},
					version
				);
			await tx
				.update(nominations)
				.set({
					status: args.approve ? 'approved' : 'declined',
					decidedBy: context.actor.personId,
					decidedAt: new Date(at),
					version
				})
				.where(eq(nominations.id, args.id));
		},
		async touch(tx, args, version) {
			const [nomination] = await tx
				.update(nominations)
				.set({ version })
				.where(eq(nominations.id, args.id))
				.returning({ badgeId: nominations.badgeId, personId: nominations.personId });
			if (nomination) await tx.update(awards).set({ version }).where(awardKey(nomination));
		}
	}
};
