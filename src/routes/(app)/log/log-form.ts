/**
 * The contribution form's logic, kept apart from the markup: the starting fields (a refused
 * write being fixed, the choices remembered per person, a stored contribution), the taxonomy
 * terms offered, turning the fields into mutation arguments with the domain schema, and each
 * problem into a translated message.
 */
import { z } from 'zod';
import type { Contribution, RejectedMutation } from '$lib/domain/entities';
import { contributionMinutes } from '$lib/domain/entities';
import { logContributionArgs, type LogContributionArgs } from '$lib/domain/mutations';
import {
	loggableProblem,
	taxonomySlug,
	type Taxonomy,
	type TaxonomyKind,
	type Term
} from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import { lastChoices, type LastChoices } from '$lib/client/contribution-choices';
import { localToday } from '$lib/client/format';

export const DURATION_UNITS = ['minutes', 'hours'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface LogFields {
	area: string;
	activityType: string;
	description: string;
	happenedOn: string;
	link: string;
	/** '' for no event. */
	eventId: string;
	/** As typed: a number of `durationUnit`, or '' for none. */
	duration: string;
	durationUnit: DurationUnit;
	location: string;
}

export type FieldErrors = Partial<Record<keyof LogFields, string>>;

const REJECTION_PARAM = 'fixes';

/** The quick log's address prefilled with a refused contribution, to be corrected and sent again. */
export function fixQuery(rejection: Pick<RejectedMutation, 'id' | 'args'>): string {
	const draft = logContributionArgs.partial().safeParse(rejection.args);
	const params = new URLSearchParams({ [REJECTION_PARAM]: rejection.id });
	if (draft.success)
		for (const [key, value] of Object.entries(draft.data))
			if ((typeof value === 'string' || typeof value === 'number') && key !== 'id')
				params.set(key, String(value));
	return params.toString();
}

/** What the next log starts from, once this one is saved. */
export function choicesOf(fields: LogFields): LastChoices {
	return { area: fields.area, activityType: fields.activityType, eventId: fields.eventId || null };
}

/** The refused write this log corrects: dismissed once the corrected one is saved. */
export function fixedRejection(params: URLSearchParams): string | null {
	const id = z.uuid().safeParse(params.get(REJECTION_PARAM));
	return id.success ? id.data : null;
}

/** A duration in minutes as the form shows it: whole hours in hours, else minutes. */
function durationFields(minutes: number | null): Pick<LogFields, 'duration' | 'durationUnit'> {
	if (minutes === null) return { duration: '', durationUnit: 'minutes' };
	return minutes % 60 === 0
		? { duration: String(minutes / 60), durationUnit: 'hours' }
		: { duration: String(minutes), durationUnit: 'minutes' };
}

/** A new log: prefilled from the URL (a refused contribution being fixed), else my last choices. */
export function initialFields(params: URLSearchParams, personId: string): LogFields {
	const last = lastChoices(personId);
	const slug = (name: string) => taxonomySlug.safeParse(params.get(name)).data;
	const minutes = contributionMinutes.safeParse(Number(params.get('durationMinutes')));
	const fixing = fixedRejection(params) !== null;
	return {
		area: slug('area') ?? last.area ?? '',
		activityType: slug('activityType') ?? last.activityType ?? '',
		description: params.get('description') ?? '',
		happenedOn: params.get('happenedOn') ?? localToday(),
		link: params.get('link') ?? '',
		eventId: z.uuid().safeParse(params.get('eventId')).data ?? (fixing ? '' : (last.eventId ?? '')),
		...durationFields(minutes.success ? minutes.data : null),
		location: params.get('location') ?? ''
	};
}

/** The form holding a stored contribution, to edit it. */
export function fieldsOf(contribution: Contribution): LogFields {
	return {
		area: contribution.area,
		activityType: contribution.activityType,
		description: contribution.description,
		happenedOn: contribution.happenedOn,
		link: contribution.link ?? '',
		eventId: contribution.eventId ?? '',
		...durationFields(contribution.durationMinutes),
		location: contribution.location ?? ''
	};
}

/**
 * The terms offered for one kind: the ones in force (not archived, never `attended`), in
 * position order, plus `keep` (the edited contribution's own term) even when archived since.
 */
export function offeredTerms(taxonomy: Taxonomy, kind: TaxonomyKind, keep: string | null): Term[] {
	const terms = kind === 'area' ? taxonomy.areas : taxonomy.activities;
	return terms.filter(
		(term) =>
			term.slug === keep || (!term.archived && !(kind === 'activity' && term.slug === 'attended'))
	);
}

/** The choice to show: the one held if still offered, else the first offered. */
export function settledChoice(current: string, offered: readonly Term[]): string {
	return offered.some((term) => term.slug === current) ? current : (offered[0]?.slug ?? '');
}

/** Minutes from what was typed: null for nothing, NaN for what is not a duration. */
export function durationMinutes(duration: string, unit: DurationUnit): number | null {
	const typed = duration.trim().replace(',', '.');
	if (typed === '') return null;
	const value = Number(typed);
	if (!Number.isFinite(value)) return Number.NaN;
	const minutes = unit === 'hours' ? value * 60 : value;
	return Number.isInteger(minutes) ? minutes : unit === 'hours' ? Math.round(minutes) : Number.NaN;
}

type Outcome = { ok: true; args: LogContributionArgs } | { ok: false; errors: FieldErrors };

/**
 * The mutation's arguments for `id` (a new one to log, or the edited one), or a message per
 * field. `keep` are the edited contribution's own terms: kept even when archived since.
 */
export function toArguments(
	fields: LogFields,
	id: string,
	taxonomy: Taxonomy,
	keep: { area: string; activityType: string } | null = null,
	today = localToday()
): Outcome {
	const link = fields.link.trim();
	const location = fields.location.trim();
	const candidate = {
		id,
		area: fields.area,
		activityType: fields.activityType,
		description: fields.description,
		happenedOn: fields.happenedOn,
		link: link === '' ? null : link,
		eventId: fields.eventId === '' ? null : fields.eventId,
		durationMinutes: durationMinutes(fields.duration, fields.durationUnit),
		location: location === '' ? null : location
	};
	const errors: FieldErrors = {};
	const parsed = logContributionArgs.safeParse(candidate);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const field = issue.path[0];
			if (field === 'description')
				errors.description ??=
					issue.code === 'too_big'
						? m.error_description_too_long()
						: m.error_description_required();
			else if (field === 'link') errors.link ??= m.error_link_invalid();
			else if (field === 'happenedOn') errors.happenedOn ??= m.error_date_invalid();
			else if (field === 'durationMinutes') errors.duration ??= m.contribution_duration_invalid();
			else if (field === 'location') errors.location ??= m.contribution_location_too_long();
			else if (field === 'area') errors.area ??= m.contribution_choose_area();
			else if (field === 'activityType') errors.activityType ??= m.contribution_choose_activity();
		}
	}
	if (!errors.happenedOn && fields.happenedOn > today) errors.happenedOn = m.error_date_future();
	const unchanged = keep?.area === fields.area && keep.activityType === fields.activityType;
	if (!errors.area && !errors.activityType && !unchanged) {
		const problem = loggableProblem(taxonomy, fields.area, fields.activityType);
		if (problem === 'unknown_area') errors.area = m.contribution_choose_area();
		else if (problem) errors.activityType = m.contribution_choose_activity();
	}
	if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
	return { ok: true, args: parsed.data };
}
