/**
 * The mutation registry: every write in Gather is one of these, defined once here (name, zod
 * arguments, authorization, domain rules) and applied by both sides: locally on Dexie
 * (src/lib/client/mutations.ts) and on the server on Drizzle (src/lib/server/sync/apply.ts).
 * Both appliers are typed against this registry, so a mutation without an implementation on
 * either side does not compile.
 */
import { z } from 'zod';
import type { Actor } from './actor';
import {
	contributionDescription,
	groupSchema,
	personSchema,
	PRIVACY_FIELDS,
	PRIVACY_LEVELS,
	PROFILE_FIELDS,
	ROLES,
	text,
	webLink,
	type ProfileField
} from './entities';
import { decodeHlc } from './hlc';
import {
	canAward,
	canEditProfile,
	canLogContribution,
	canManageGroups,
	canManageRoles
} from './permissions';
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

const profileFieldSchemas = personSchema.pick(
	Object.fromEntries(PROFILE_FIELDS.map((field) => [field, true])) as {
		[Field in ProfileField]: true;
	}
).shape;

/**
 * A profile edit: any profile fields, and any fields' privacy levels. Each key merges on its
 * own (conflicts.ts), so two devices editing different fields offline both keep their edits.
 */
export const profileChanges = z
	.object({
		...profileFieldSchemas,
		privacy: z
			.partialRecord(z.enum(PRIVACY_FIELDS), z.enum(PRIVACY_LEVELS))
			.refine((privacy) => privacy.displayName !== 'private', {
				message: 'the display name cannot be private',
				path: ['displayName']
			})
	})
	.partial()
	.strict()
	.refine(
		(changes) =>
			PROFILE_FIELDS.some((field) => changes[field] !== undefined) ||
			Object.keys(changes.privacy ?? {}).length > 0,
		{ message: 'nothing to change' }
	);

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

/** A group as an admin saves it (new or edited); the server stamps createdAt and version. */
export const saveGroupArgs = groupSchema.omit({ createdAt: true, version: true });
export type SaveGroupArgs = z.infer<typeof saveGroupArgs>;

export const groupRef = z.object({ groupId: z.uuid() });

/**
 * A curator's decision about one person in a group: make or keep them a member (approving a
 * request, or adding them to a closed group), with or without curating, or remove them
 * (declining a request, or taking them out).
 */
export const setMembershipArgs = z.object({
	groupId: z.uuid(),
	personId: z.uuid(),
	status: z.enum(['member', 'removed']),
	curator: z.boolean()
});
export type SetMembershipArgs = z.infer<typeof setMembershipArgs>;

/** Everyone keeps `member`; admins cannot take `admin` from themselves (nobody left to undo it). */
export const setRolesArgs = z
	.object({
		personId: z.uuid(),
		roles: z
			.array(z.enum(ROLES))
			.max(ROLES.length)
			.transform((roles) => [...new Set<(typeof ROLES)[number]>(['member', ...roles])])
	})
	.strict();
export type SetRolesArgs = z.infer<typeof setRolesArgs>;

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
		authorize: (actor, args) => canAward(actor, args.personId)
	}),
	'rejection.dismiss': define({
		args: z.object({ id: z.uuid() }),
		// Whose refused write it is (canDismissRejection) is checked where the row is read.
		authorize: () => true
	}),
	'group.save': define({
		args: saveGroupArgs,
		authorize: (actor) => canManageGroups(actor),
		check(args) {
			if (args.kind === 'area' && args.area === null)
				throw new MutationRejected('invalid', 'an area group names its area');
		}
	}),
	'group.join': define({
		args: groupRef,
		// The group's policy decides (canJoinGroup), which only the applier can read.
		authorize: () => true
	}),
	'group.leave': define({
		args: groupRef,
		authorize: () => true
	}),
	'membership.set': define({
		args: setMembershipArgs,
		// Curators are per group (canCurate): decided where the group's memberships are read.
		authorize: () => true
	}),
	'person.setRoles': define({
		args: setRolesArgs,
		authorize: (actor) => canManageRoles(actor),
		check(args, context) {
			if (args.personId === context.actor.personId && !args.roles.includes('admin'))
				throw new MutationRejected('invalid', 'an admin cannot remove their own admin role');
		}
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
