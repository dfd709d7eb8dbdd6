/** Translated names of profile fields, privacy levels and roles, complete by type. */
import type { PrivacyKey, PrivacyLevel, Role } from '$lib/domain/entities';
import { m } from '$lib/paraglide/messages';

export const fieldLabels: Record<PrivacyKey, () => string> = {
	displayName: m.profile_field_display_name,
	pronouns: m.profile_field_pronouns,
	bio: m.profile_field_bio,
	avatar: m.profile_field_avatar,
	city: m.profile_field_city,
	country: m.profile_field_country,
	timezone: m.profile_field_timezone,
	languages: m.profile_field_languages,
	skills: m.profile_field_skills,
	interests: m.profile_field_interests,
	links: m.profile_field_links,
	areas: m.profile_field_areas,
	email: m.profile_field_email,
	journey: m.profile_field_journey
};

export const privacyLabels: Record<PrivacyLevel, () => string> = {
	private: m.privacy_private,
	community: m.privacy_community,
	public: m.privacy_public
};

export const roleLabels: Record<Role, () => string> = {
	member: m.people_role_member,
	volunteer: m.people_role_volunteer,
	organizer: m.people_role_organizer,
	mentor: m.people_role_mentor,
	moderator: m.people_role_moderator,
	admin: m.people_role_admin
};
