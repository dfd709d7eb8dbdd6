/**
 * The device side of the badge mutations (badge classes, grants, revocations, nominations): the
 * same rules as the server's appliers (server/badges/apply.ts), decided over what this device holds.
 * What the device cannot know (a row it does not hold, the image's real bytes) the server decides.
 */
import { ruleProblem } from '$lib/domain/badge-rules';
import { grantedAward } from '$lib/domain/conflicts';
import type { Award } from '$lib/domain/entities';
import { mutationTime } from '$lib/domain/mutations';
import { canAward, canDecideNomination } from '$lib/domain/permissions';
import { MutationRejected } from '$lib/domain/rejection';
import type { GatherDatabase } from './db';
import type { LocalMutation } from './mutations';
import { discardUnconfirmed } from './unconfirmed';

type BadgeMutationName =
	'badge.save' | 'award.grant' | 'award.revoke' | 'nomination.create' | 'nomination.decide';

/** An archived badge is awarded no more (by hand, nomination or rule). */
async function requireOpenBadge(db: GatherDatabase, badgeId: string): Promise<void> {
	const badge = await db.badges.get(badgeId);
	if (badge?.archived) throw new MutationRejected('closed', 'badge archived');
}

/** Grant a badge (grantedAward over the row this device holds); a new award takes `id`. */
async function grant(
	db: GatherDatabase,
	key: { badgeId: string; personId: string; id: string },
	facts: Pick<Award, 'awardedAt' | 'awardedBy' | 'evidence' | 'source'>
): Promise<void> {
	await requireOpenBadge(db, key.badgeId);
	const existing = await db.awards.get([key.badgeId, key.personId]);
	await db.awards.put({
		id: existing?.id ?? key.id,
		badgeId: key.badgeId,
		personId: key.personId,
		...grantedAward(existing ?? null, facts),
		version: existing?.version ?? 0
	});
}

export const badgeMutations: { [Name in BadgeMutationName]: LocalMutation<Name> } = {
	'badge.save': {
		async apply(db, args, context) {
			if (args.rule) {
				const problem = ruleProblem(args.rule, await db.taxonomy());
				if (problem) throw new MutationRejected('invalid', problem);
			}
			const taken = await db.badges.where('slug').equals(args.slug).first();
			if (taken && taken.id !== args.id) throw new MutationRejected('conflict', 'slug');
			const existing = await db.badges.get(args.id);
			await db.badges.put({
				...args,
				createdAt: existing?.createdAt ?? mutationTime(context),
				version: existing?.version ?? 0
			});
		},
		async discard(db, args) {
			await discardUnconfirmed(db.badges, args.id);
			// An edit the server refused comes back with its re-stamped row on the next pull.
		}
	},

	'award.grant': {
		async apply(db, args, context) {
			if (!canAward(context.actor, args.personId)) throw new MutationRejected('forbidden');
			await grant(
				db,
				{ badgeId: args.badgeId, personId: args.personId, id: args.id ?? crypto.randomUUID() },
				{
					awardedAt: mutationTime(context),
					awardedBy: context.actor.personId,
					evidence: args.evidence,
					source: 'manual'
				}
			);
		},
		async discard(db, args) {
			await discardUnconfirmed(db.awards, [args.badgeId, args.personId]);
		}
	},

	'award.revoke': {
		async apply(db, args, context) {
			const award = await db.awards.get([args.badgeId, args.personId]);
			if (!award) return; // not on this device: the server decides
			if (award.revokedAt !== null) {
				// Already revoked by this very write (a rebase): nothing more to do.
				if (award.revokedBy === context.actor.personId && award.revocationReason === args.reason)
					return;
				throw new MutationRejected('not_found', 'award');
			}
			await db.awards.update([args.badgeId, args.personId], {
				revokedAt: mutationTime(context),
				revokedBy: context.actor.personId,
				revocationReason: args.reason
			});
		},
		async discard() {
			// The server re-stamps the award after a refusal: the next pull restores it.
		}
	},

	'nomination.create': {
		async apply(db, args, context) {
			const existing = await db.nominations.get(args.id);
			if (existing && existing.version > 0) return; // confirmed: the pulled row is the truth
			await requireOpenBadge(db, args.badgeId);
			const award = await db.awards.get([args.badgeId, args.personId]);
			if (award && award.revokedAt === null) throw new MutationRejected('conflict', 'awarded');
			await db.nominations.put({
				...args,
				nominatedBy: context.actor.personId,
				status: 'pending',
				decidedBy: null,
				decidedAt: null,
				createdAt: mutationTime(context),
				version: 0
			});
		},
		async discard(db, args) {
			await discardUnconfirmed(db.nominations, args.id);
		}
	},

	'nomination.decide': {
		async apply(db, args, context) {
			const nomination = await db.nominations.get(args.id);
			if (!nomination) return; // not on this device: the server decides
			if (!canDecideNomination(context.actor, nomination)) throw new MutationRejected('forbidden');
			const status = args.approve ? 'approved' : 'declined';
			if (nomination.status !== 'pending') {
				// This write already applied (a rebase over the optimistic row): idempotent.
				if (nomination.decidedBy === context.actor.personId && nomination.status === status) return;
				throw new MutationRejected('already_decided');
			}
			const at = mutationTime(context);
			if (args.approve)
				await grant(
					db,
					{ badgeId: nomination.badgeId, personId: nomination.personId, id: args.awardId },
					{
						awardedAt: at,
						awardedBy: context.actor.personId,
						evidence: nomination.reason,
						source: 'nomination'
					}
				);
			await db.nominations.update(args.id, {
				status,
				decidedBy: context.actor.personId,
				decidedAt: at
			});
		},
		async discard(db, args) {
			const nomination = await db.nominations.get(args.id);
			if (nomination)
				await discardUnconfirmed(db.awards, [nomination.badgeId, nomination.personId]);
			// The nomination itself is re-stamped by the server: the next pull restores it.
		}
	}
};
