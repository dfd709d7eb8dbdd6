import { m } from '$lib/paraglide/messages';

export interface AdminSection {
	/** Given to resolve() where it is linked. */
	path:
		| '/admin/groups'
		| '/admin/badges'
		| '/admin/taxonomy'
		| '/admin/people'
		| '/admin/duplicates'
		| '/admin/import'
		| '/admin/merges';
	title: () => string;
	summary: () => string;
	/** Runs on the server only: says so, since it cannot work offline. */
	online: boolean;
}

/** The admin area's sections, as the section nav and the overview list them. */
export const adminSections: AdminSection[] = [
	{
		path: '/admin/groups',
		title: m.admin_nav_groups,
		summary: m.admin_groups_summary,
		online: false
	},
	{
		path: '/admin/badges',
		title: m.badge_admin_nav,
		summary: m.badge_admin_summary,
		online: false
	},
	{
		path: '/admin/taxonomy',
		title: m.taxonomy_title,
		summary: m.taxonomy_summary,
		online: false
	},
	{
		path: '/admin/people',
		title: m.admin_nav_people,
		summary: m.admin_people_summary,
		online: false
	},
	{
		path: '/admin/duplicates',
		title: m.admin_nav_duplicates,
		summary: m.admin_duplicates_summary,
		online: true
	},
	{
		path: '/admin/import',
		title: m.admin_nav_import,
		summary: m.admin_import_summary,
		online: true
	},
	{
		path: '/admin/merges',
		title: m.admin_nav_merges,
		summary: m.admin_merges_summary,
		online: true
	}
];
