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
	badgeSchema,
	contributionDescription,
	contributionLocation,
	contributionMinutes,
	eventSchema,
	MAX_NOMINATION_REASON_LENGTH,
	taxonomyTermSchema,
	MAX_DEVICE_NAME_LENGTH,
	MAX_DISPLAY_NAME_LENGTH,
	MAX_EMAIL_LENGTH,
	groupSchema,
	personSchema,
	PRIVACY_KEYS,
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
	canEditTaxonomy,
	canLogContribution,
	canManageBadges,
	canManageGroups,
	canManageRoles,
	canNominate,
	canRevokeAward
} from './permissions';
import { MutationRejected } from './rejection';
import { isCheckInCodeShaped, normaliseCheckInCode } from './self-check-in';
import { ATTENDED, taxonomySlug } from './taxonomy';

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

/** The fields of a contribution its author gives (logging it, or editing it). */
export const contributionFields = z.object({
	area: taxonomySlug,
	activityType: taxonomySlug,
	description: contributionDescription,
	happenedOn: z.iso.date(),
	link: webLink.nullable(),
	// Added with the complete contributions: writes queued by an older app lack them.
	eventId: z.uuid().nullable().default(null),
	durationMinutes: contributionMinutes.nullable().default(null),
	location: contributionLocation.nullable().default(null)
});

export const logContributionArgs = contributionFields.extend({ id: z.uuid() });
/** What a caller passes to log a contribution (fields added later may be left out). */
export type LogContributionArgs = z.input<typeof logContributionArgs>;

/** The moment a mutation was written, in milliseconds; rejects an unreadable clock. */
export function writtenAt(context: Pick<MutationContext, 'hlc'>): number {
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
			.partialRecord(z.enum(PRIVACY_KEYS), z.enum(PRIVACY_LEVELS))
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

const checkedInAt = z.iso.datetime({ offset: true });
const deviceName = text().trim().max(MAX_DEVICE_NAME_LENGTH);

export const recordCheckInArgs = z.object({
	eventId: z.uuid(),
	personId: z.uuid(),
	/** When the door saw the person: the device's time, never later than the write itself. */
	checkedInAt,
	/** The name the door gave this device ("Door 2"), shown when someone is admitted twice. */
	deviceName,
	method: z.enum(['scan', 'search'])
});
export type RecordCheckInArgs = z.infer<typeof recordCheckInArgs>;

/** Undo this device's admission of a person, within UNDO_CHECK_IN_MS of it. */
export const undoCheckInArgs = z.object({ eventId: z.uuid(), personId: z.uuid() });
export type UndoCheckInArgs = z.infer<typeof undoCheckInArgs>;
export const UNDO_CHECK_IN_MS = 5 * 60 * 1000;

/**
 * Someone registered and admitted at the door in one step: a new person (ids made on the
 * device), their registration and their check-in. When the email already belongs to someone,
 * the server lands it all on that person instead (the new id resolves to theirs).
 */
export const walkInArgs = z.object({
	eventId: z.uuid(),
	personId: z.uuid(),
	registrationId: z.uuid(),
	displayName: text().trim().min(1).max(MAX_DISPLAY_NAME_LENGTH),
	email: z.email().max(MAX_EMAIL_LENGTH).nullable(),
	checkedInAt,
	deviceName
});
export type WalkInArgs = z.infer<typeof walkInArgs>;

/**
 * An attendee checks themselves in with the code shown at the venue. `registrationId` is used
 * when they had none (a walk-in to a public or community event).
 */
export const selfCheckInArgs = z.object({
	eventId: z.uuid(),
	registrationId: z.uuid(),
	code: z.string().max(20),
	checkedInAt
});
export type SelfCheckInArgs = z.infer<typeof selfCheckInArgs>;

/**
 * An event as its organizer saves it: created, edited, cancelled (`cancelled`), reported on
 * (`reportNotes`, `photosLink`); a duplicate is a new id with the fields copied. The server
 * makes the key, code and createdAt.
 */
export const saveEventArgs = eventSchema
	.omit({
		publicKey: true,
		checkInCode: true,
		checkInCodeHash: true,
		createdAt: true,
		version: true
	})
	.refine((event) => Date.parse(event.endsAt) > Date.parse(event.startsAt), {
		message: 'the event ends before it starts',
		path: ['endsAt']
	})
	.refine((event) => event.venue !== null || event.onlineLink !== null, {
		message: 'an event has a venue or an online link',
		path: ['venue']
	});
export type SaveEventArgs = z.infer<typeof saveEventArgs>;

/** Register a person for an event (themselves, or someone an organizer adds). */
export const registerArgs = z.object({ id: z.uuid(), eventId: z.uuid(), personId: z.uuid() });
export type RegisterArgs = z.infer<typeof registerArgs>;

/** Cancel a registration (the attendee) or revoke its ticket (an organizer). */
export const registrationRef = z.object({ eventId: z.uuid(), personId: z.uuid() });
export type RegistrationRef = z.infer<typeof registrationRef>;

/** Replace the author-given fields of one of their contributions (contributionEditProblem). */
export const editContributionArgs = contributionFields.extend({ id: z.uuid() });
export type EditContributionArgs = z.infer<typeof editContributionArgs>;

export const contributionRef = z.object({ id: z.uuid() });

/** A mentor or organizer vouches for a contribution (or takes it back: verified false). */
export const verifyContributionArgs = z.object({ id: z.uuid(), verified: z.boolean() });
export type VerifyContributionArgs = z.infer<typeof verifyContributionArgs>;

/** An admin's row of the taxonomy: a built-in term overridden, or a new term. */
export const saveTaxonomyTermArgs = taxonomyTermSchema.omit({ version: true });
export type SaveTaxonomyTermArgs = z.infer<typeof saveTaxonomyTermArgs>;

/** A badge class as an admin saves it (new or edited); the server stamps createdAt. */
export const saveBadgeArgs = badgeSchema.omit({ createdAt: true, version: true });
export type SaveBadgeArgs = z.infer<typeof saveBadgeArgs>;

export const revokeAwardArgs = z.object({
	badgeId: z.uuid(),
	personId: z.uuid(),
	reason: text().trim().min(1).max(1000)
});
export type RevokeAwardArgs = z.infer<typeof revokeAwardArgs>;

export const nominateArgs = z.object({
	id: z.uuid(),
	badgeId: z.uuid(),
	personId: z.uuid(),
	reason: text().trim().min(1).max(MAX_NOMINATION_REASON_LENGTH)
});
export type NominateArgs = z.infer<typeof nominateArgs>;

/** Approve (the award, made with `awardId` when new) or decline a pending nomination. */
export const decideNominationArgs = z.object({
	id: z.uuid(),
	approve: z.boolean(),
	awardId: z.uuid()
});
export type DecideNominationArgs = z.infer<typeof decideNominationArgs>;

export const grantAwardArgs = z.object({
	/** The award's id when it is new (an existing award keeps its own). */
	id: z.uuid().optional(),
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

function checkContributionFields(
	args: z.infer<typeof contributionFields>,
	context: MutationContext
): void {
	if (args.happenedOn > latestCalendarDate(writtenAt(context)))
		throw new MutationRejected('invalid', 'happenedOn in the future');
	if (args.activityType === ATTENDED)
		throw new MutationRejected('invalid', 'attended is recorded by the door');
}

export const mutations = {
	'contribution.log': define({
		args: logContributionArgs,
		authorize: (actor) => canLogContribution(actor),
		// Whether the area and type exist and are not archived (loggableProblem) needs the
		// taxonomy's rows: the appliers check it.
		check: checkContributionFields
	}),
	'contribution.edit': define({
		args: editContributionArgs,
		// The stored contribution decides (contributionEditProblem): read by the appliers.
		authorize: () => true,
		check: checkContributionFields
	}),
	'contribution.delete': define({
		args: contributionRef,
		authorize: () => true
	}),
	'contribution.verify': define({
		args: verifyContributionArgs,
		// canVerifyContribution needs the contribution's author: read by the appliers.
		authorize: () => true
	}),
	'taxonomy.save': define({
		args: saveTaxonomyTermArgs,
		authorize: (actor) => canEditTaxonomy(actor),
		check(args) {
			if (args.kind === 'area' && args.weight !== null)
				throw new MutationRejected('invalid', 'areas have no weight');
			if (args.kind === 'activity' && args.slug === ATTENDED && args.archived)
				throw new MutationRejected('invalid', 'attended cannot be archived');
		}
	}),
	'badge.save': define({
		args: saveBadgeArgs,
		// ruleProblem needs the taxonomy; the image's bytes are checked by the server applier.
		authorize: (actor) => canManageBadges(actor)
	}),
	'award.revoke': define({
		args: revokeAwardArgs,
		authorize: (actor) => canRevokeAward(actor)
	}),
	'nomination.create': define({
		args: nominateArgs,
		authorize: (actor, args) => canNominate(actor, args.personId)
	}),
	'nomination.decide': define({
		args: decideNominationArgs,
		// canDecideNomination needs the nomination: read by the appliers.
		authorize: () => true
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
	'checkin.undo': define({
		args: undoCheckInArgs,
		// canCheckIn and the undo window need the event and the admission: the appliers decide.
		authorize: () => true
	}),
	'checkin.walkIn': define({
		args: walkInArgs,
		authorize: () => true,
		check(args, context) {
			if (Date.parse(args.checkedInAt) > writtenAt(context))
				throw new MutationRejected('invalid', 'checkedInAt after the write');
		}
	}),
	'checkin.self': define({
		args: selfCheckInArgs,
		authorize: () => true,
		check(args, context) {
			if (Date.parse(args.checkedInAt) > writtenAt(context))
				throw new MutationRejected('invalid', 'checkedInAt after the write');
			if (!isCheckInCodeShaped(normaliseCheckInCode(args.code)))
				throw new MutationRejected('wrong_code');
		}
	}),
	'event.save': define({
		args: saveEventArgs,
		// A new event needs canCreateEvent, an existing one canManageEvent over its stored
		// organizers: only the applier knows which it is.
		authorize: () => true
	}),
	'registration.create': define({
		args: registerArgs,
		// The event's visibility and organizers decide (canRegister): read by the applier.
		authorize: () => true
	}),
	'registration.cancel': define({
		args: registrationRef,
		authorize: () => true
	}),
	'registration.revoke': define({
		args: registrationRef,
		authorize: () => true
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
/** What a caller passes (fields with defaults may be left out). */
export type MutationInput<Name extends MutationName> = z.input<(typeof mutations)[Name]['args']>;

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
