/**
 * The mutation registry: every write in Gather is one of these, defined once here (name, zod
 * arguments, authorization, domain rules) and applied by both sides: locally on Dexie
 * (src/lib/client/mutations.ts) and on the server on Drizzle (src/lib/server/sync/apply.ts).
 * Both appliers are typed against this registry, so a mutation without an implementation on
 * either side does not compile.
 */
import { z } from 'zod';
import type { Actor } from './actor';
import { contributionDescription, personSchema, PROFILE_FIELDS, text, webLink } from './entities';
import { decodeHlc } from './hlc';
import { canAward, canEditProfile, canLogContribution } from './permissions';
import { MutationRejected } from './rejection';
import { ACTIVITY_TYPES, AREAS } from './taxonomy';

/** What an applier knows besides the arguments. */
export interface MutationContext {
	actor: Actor;
	deviceId: string;
	mutationId: number;
	/** The hybrid logical clock of the mutation, made on the device when it was written. */
	hlc: string;
}

interface MutationDefinition<Args extends z.ZodType> {
	args: Args;
	/** Role-level permission, decided from the actor and the arguments alone. */
	authorize(actor: Actor, args: z.infer<Args>): boolean;
	/** Domain rules that hold on both sides; throw MutationRejected when broken. */
	check?(args: z.infer<Args>, context: MutationContext): void;
}

function define<Args extends z.ZodType>(definition: MutationDefinition<Args>) {
	return definition;
}

/** The latest calendar date (YYYY-MM-DD) anyone on Earth can have at `millis`: UTC+14. */
export function latestCalendarDate(millis: number): string {
	return new Date(millis + 14 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The moment a mutation was written, from its clock; used as the rows' creation time. */
export function mutationTime(context: Pick<MutationContext, 'hlc'>): string {
	return new Date(writtenAt(context)).toISOString();
}

export const logContributionArgs = z.object({
	id: z.uuid(),
	area: z.enum(AREAS),
	activityType: z.enum(ACTIVITY_TYPES),
	description: contributionDescription,
	happenedOn: z.iso.date(),
	link: webLink.nullable()
});
export type LogContributionArgs = z.infer<typeof logContributionArgs>;

/** The moment a mutation was written, in milliseconds; rejects an unreadable clock. */
function writtenAt(context: Pick<MutationContext, 'hlc'>): number {
	const hlc = decodeHlc(context.hlc);
	if (!hlc) throw new MutationRejected('clock', 'unreadable clock');
	return hlc.millis;
}

export const profileChanges = personSchema
	.pick({ displayName: true, pronouns: true, bio: true, city: true, country: true })
	.partial()
	.strict()
	.refine((changes) => PROFILE_FIELDS.some((field) => changes[field] !== undefined), {
		message: 'nothing to change'
	});

export const updateProfileArgs = z.object({ personId: z.uuid(), changes: profileChanges });
export type UpdateProfileArgs = z.infer<typeof updateProfileArgs>;

export const recordCheckInArgs = z.object({
	eventId: z.uuid(),
	personId: z.uuid(),
	/** When the door saw the person: the device's time, never later than the write itself. */
	checkedInAt: z.iso.datetime({ offset: true })
});
export type RecordCheckInArgs = z.infer<typeof recordCheckInArgs>;

export const grantAwardArgs = z.object({
	badgeId: z.uuid(),
	personId: z.uuid(),
	evidence: text().trim().max(2000).nullable()
});
export type GrantAwardArgs = z.infer<typeof grantAwardArgs>;

export const mutations = {
	'contribution.log': define({
		args: logContributionArgs,
		authorize: (actor) => canLogContribution(actor),
		check(args, context) {
			if (args.happenedOn > latestCalendarDate(writtenAt(context)))
				throw new MutationRejected('invalid', 'happenedOn in the future');
		}
	}),
	'profile.update': define({
		args: updateProfileArgs,
		authorize: (actor, args) => canEditProfile(actor, args.personId)
	}),
	'checkin.record': define({
		args: recordCheckInArgs,
		// Who may record is decided by the event (canCheckIn: its organizers, or an admin),
		// which only the applier can read; every signed-in person passes here.
		authorize: () => true,
		check(args, context) {
			if (Date.parse(args.checkedInAt) > writtenAt(context))
				throw new MutationRejected('invalid', 'checkedInAt after the write');
		}
	}),
	'award.grant': define({
		args: grantAwardArgs,
		authorize: (actor) => canAward(actor)
	}),
	'rejection.dismiss': define({
		args: z.object({ id: z.uuid() }),
		// Whose refused write it is (canDismissRejection) is checked where the row is read.
		authorize: () => true
	})
} as const;

export type MutationName = keyof typeof mutations;
export type MutationArgs<Name extends MutationName> = z.infer<(typeof mutations)[Name]['args']>;

export function isMutationName(name: string): name is MutationName {
	return Object.hasOwn(mutations, name);
}

/**
 * Validate, authorize and check a mutation as both sides do before applying it.
 * Returns the parsed arguments or throws MutationRejected.
 */
export function prepareMutation<Name extends MutationName>(
	name: Name,
	rawArgs: unknown,
	context: MutationContext
): MutationArgs<Name> {
	// Every write carries a readable clock: conflict rules order by it (an unreadable one
	// would compare as a string and win or lose forever).
	writtenAt(context);
	const definition = mutations[name] as unknown as MutationDefinition<z.ZodType>;
	const parsed = definition.args.safeParse(rawArgs);
	if (!parsed.success) throw new MutationRejected('invalid', z.prettifyError(parsed.error));
	if (!definition.authorize(context.actor, parsed.data)) throw new MutationRejected('forbidden');
	definition.check?.(parsed.data, context);
	return parsed.data as MutationArgs<Name>;
}
