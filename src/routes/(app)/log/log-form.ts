/**
 * The quick log's form logic, kept apart from the markup: turning the fields into mutation
 * arguments with the domain schema, and each problem into a translated message.
 */
import { z } from 'zod';
import { newId } from '$lib/domain/ids';
import type { RejectedMutation } from '$lib/domain/entities';
import { logContributionArgs, type LogContributionArgs } from '$lib/domain/mutations';
import {
	LOGGED_ACTIVITY_TYPES,
	AREAS,
	type LoggedActivityType,
	type Area
} from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';
import { localToday } from '$lib/client/format';

export interface LogFields {
	area: Area;
	activityType: LoggedActivityType;
	description: string;
	happenedOn: string;
	link: string;
}

export type FieldErrors = Partial<Record<keyof LogFields, string>>;

const LAST_CHOICES_KEY = 'gather.lastLog';
const REJECTION_PARAM = 'fixes';
const lastChoicesSchema = z.object({
	area: z.enum(AREAS),
	activityType: z.enum(LOGGED_ACTIVITY_TYPES)
});

/** The area and activity type of the previous log: most people log the same kind again. */
export function lastChoices(): { area: Area; activityType: LoggedActivityType } {
	try {
		const parsed = lastChoicesSchema.safeParse(
			JSON.parse(localStorage.getItem(LAST_CHOICES_KEY) ?? 'null')
		);
		if (parsed.success) return parsed.data;
	} catch {
		// Unreadable: fall back to the defaults.
	}
	return { area: AREAS[0], activityType: LOGGED_ACTIVITY_TYPES[0] };
}

export function rememberChoices(fields: Pick<LogFields, 'area' | 'activityType'>): void {
	localStorage.setItem(
		LAST_CHOICES_KEY,
		JSON.stringify({ area: fields.area, activityType: fields.activityType })
	);
}

/** The quick log's address prefilled with a refused contribution, to be corrected and sent again. */
export function fixQuery(rejection: Pick<RejectedMutation, 'id' | 'args'>): string {
	const draft = logContributionArgs.partial().safeParse(rejection.args);
	const params = new URLSearchParams({ [REJECTION_PARAM]: rejection.id });
	if (draft.success)
		for (const [key, value] of Object.entries(draft.data))
			if (typeof value === 'string' && key !== 'id') params.set(key, value);
	return params.toString();
}

/** The refused write this log corrects: dismissed once the corrected one is saved. */
export function fixedRejection(params: URLSearchParams): string | null {
	const id = z.uuid().safeParse(params.get(REJECTION_PARAM));
	return id.success ? id.data : null;
}

/** Fields prefilled from the URL (a refused contribution being fixed), else the last choices. */
export function initialFields(params: URLSearchParams): LogFields {
	const last = lastChoices();
	const area = lastChoicesSchema.shape.area.safeParse(params.get('area'));
	const activity = lastChoicesSchema.shape.activityType.safeParse(params.get('activityType'));
	return {
		area: area.success ? area.data : last.area,
		activityType: activity.success ? activity.data : last.activityType,
		description: params.get('description') ?? '',
		happenedOn: params.get('happenedOn') ?? localToday(),
		link: params.get('link') ?? ''
	};
}

type Outcome = { ok: true; args: LogContributionArgs } | { ok: false; errors: FieldErrors };

export function toArguments(fields: LogFields, today = localToday()): Outcome {
	const link = fields.link.trim();
	const candidate = {
		id: newId(),
		area: fields.area,
		activityType: fields.activityType,
		description: fields.description,
		happenedOn: fields.happenedOn,
		link: link === '' ? null : link
	};
	const errors: FieldErrors = {};
	const parsed = logContributionArgs.safeParse(candidate);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			const field = issue.path[0] as keyof LogFields;
			if (errors[field]) continue;
			if (field === 'description')
				errors.description =
					issue.code === 'too_big'
						? m.error_description_too_long()
						: m.error_description_required();
			else if (field === 'link') errors.link = m.error_link_invalid();
			else if (field === 'happenedOn') errors.happenedOn = m.error_date_invalid();
		}
	}
	if (!errors.happenedOn && fields.happenedOn > today) errors.happenedOn = m.error_date_future();
	if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
	return { ok: true, args: parsed.data };
}
