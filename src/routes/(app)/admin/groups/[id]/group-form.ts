/**
 * The group form's fields, and how they become group.save arguments: validated by the
 * registry's own schema, plus the one rule only the device's copy of every group can check
 * early (a slug another group has), each problem as a translated message for its field.
 */
import type { Group, GroupKind, MembershipPolicy } from '$lib/domain/entities';
import { saveGroupArgs, type SaveGroupArgs } from '$lib/domain/mutations';
import type { Area } from '$lib/domain/taxonomy';
import { m } from '$lib/paraglide/messages';

export interface GroupFields {
	name: string;
	slug: string;
	kind: GroupKind;
	policy: MembershipPolicy;
	description: string;
	area: Area | '';
	country: string;
	archived: boolean;
}

export type GroupFieldErrors = Partial<Record<'name' | 'slug' | 'area' | 'country', string>>;

export function fieldsFrom(group: Group | null): GroupFields {
	return {
		name: group?.name ?? '',
		slug: group?.slug ?? '',
		kind: group?.kind ?? 'team',
		policy: group?.policy ?? 'open',
		description: group?.description ?? '',
		area: group?.area ?? '',
		country: group?.country ?? '',
		archived: group?.archived ?? false
	};
}

export type GroupFormOutcome =
	{ ok: true; args: SaveGroupArgs } | { ok: false; errors: GroupFieldErrors };

/**
 * The arguments for group.save, or what is wrong per field. `takenSlugs` are the slugs of the
 * other groups this device holds (the server refuses a taken slug too).
 */
export function toArguments(
	id: string,
	fields: GroupFields,
	takenSlugs: ReadonlySet<string>
): GroupFormOutcome {
	const slug = fields.slug.trim();
	const candidate = {
		id,
		kind: fields.kind,
		slug,
		name: fields.name.trim(),
		description: fields.description.trim(),
		policy: fields.policy,
		area: fields.kind === 'area' && fields.area !== '' ? fields.area : null,
		country: fields.kind === 'region' && fields.country !== '' ? fields.country : null,
		archived: fields.archived
	};
	const errors: GroupFieldErrors = {};
	if (candidate.name === '') errors.name = m.admin_group_name_required();
	if (!/^[a-z0-9-]{2,64}$/.test(slug)) errors.slug = m.admin_group_slug_invalid();
	else if (takenSlugs.has(slug)) errors.slug = m.admin_group_slug_taken();
	if (candidate.kind === 'area' && candidate.area === null)
		errors.area = m.admin_group_area_required();
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	const parsed = saveGroupArgs.safeParse(candidate);
	if (!parsed.success) {
		// Whatever else the schema refuses (lengths are capped by the inputs) is the name's.
		const field = parsed.error.issues[0]?.path[0];
		const key = field === 'country' || field === 'slug' || field === 'area' ? field : 'name';
		return { ok: false, errors: { [key]: m.admin_group_invalid() } };
	}
	return { ok: true, args: parsed.data };
}
