/**
 * One table of directory searches, run by both searches that must agree: the device's
 * (client/directory.spec.ts) and PostgreSQL's (server/directory.spec.ts). Each side stores
 * DIRECTORY_PEOPLE its own way, puts elodie in a group (and bob's request to join it pending),
 * and checks that every case finds exactly `found`, in that order.
 */
import type { DirectoryFilters } from '../directory';
import type { Person } from '../entities';

export type DirectoryKey = 'elodie' | 'marta' | 'ana' | 'bob' | 'merged' | 'deleted';

type Profile = Partial<
	Pick<
		Person,
		'displayName' | 'city' | 'country' | 'skills' | 'interests' | 'languages' | 'areas' | 'status'
	>
>;

/** The community; `merged` is merged into someone (each side says whom). */
export const DIRECTORY_PEOPLE: Record<DirectoryKey, Profile> = {
	elodie: {
		displayName: 'Élodie Marchand',
		city: 'Lyon',
		country: 'FR',
		skills: ['Translation', 'Code Review'],
		interests: ['Open Data'],
		languages: ['fr', 'pt-BR'],
		areas: ['localization']
	},
	marta: {
		displayName: 'Marta Ngata',
		city: 'Wellington',
		country: 'NZ',
		skills: ['Design'],
		languages: ['en', 'mi'],
		areas: ['design']
	},
	ana: {
		displayName: 'Ana Martínez',
		city: 'Bogotá',
		country: 'CO',
		skills: ['Blogging'],
		languages: ['es']
	},
	bob: {
		displayName: 'Bob Stone',
		city: 'Marseille',
		country: 'FR',
		skills: ['Marketing', 'translation'],
		languages: ['en']
	},
	merged: { displayName: 'Marta Merged', status: 'merged', skills: ['Design'] },
	deleted: { displayName: 'Marta Deleted', status: 'deleted', skills: ['Design'] }
};

/** Stands for the group's id in `filters`; each side puts its own in. */
export const THE_GROUP = '00000000-0000-4000-8000-000000000000';

export interface DirectoryCase {
	title: string;
	filters: DirectoryFilters;
	found: DirectoryKey[];
}

export const DIRECTORY_CASES: DirectoryCase[] = [
	{ title: 'a name, by its first letters', filters: { q: 'elodie' }, found: ['elodie'] },
	{ title: 'case and accents ignored', filters: { q: 'ÉLO  march' }, found: ['elodie'] },
	{ title: 'a later name word', filters: { q: 'martinez' }, found: ['ana'] },
	{ title: 'never the middle of a word', filters: { q: 'odie' }, found: [] },
	{
		// Marta (begins), Ana Martínez and Élodie Marchand (a later name word), Bob (Marseille,
		// Marketing); the merged and deleted Martas are not listed.
		title: 'name begins with, then other names, then other fields',
		filters: { q: 'mar' },
		found: ['marta', 'ana', 'elodie', 'bob']
	},
	{ title: 'a skill as text', filters: { q: 'code rev' }, found: ['elodie'] },
	{ title: 'an interest as text', filters: { q: 'open data' }, found: ['elodie'] },
	{ title: 'a city, accents ignored', filters: { q: 'bogota' }, found: ['ana'] },
	{ title: 'a word in other fields only', filters: { q: 'translation' }, found: ['bob', 'elodie'] },
	{
		title: 'a skill filter, case ignored',
		filters: { skill: 'TRANSLATION' },
		found: ['bob', 'elodie']
	},
	{
		title: 'a language finds its regional variants',
		filters: { language: 'pt' },
		found: ['elodie']
	},
	{ title: 'a regional language', filters: { language: 'pt-BR' }, found: ['elodie'] },
	{ title: 'a language', filters: { language: 'en' }, found: ['bob', 'marta'] },
	{ title: 'a country', filters: { country: 'FR' }, found: ['bob', 'elodie'] },
	{ title: 'an area', filters: { area: 'design' }, found: ['marta'] },
	{
		title: 'a group: members, not pending requests',
		filters: { group: THE_GROUP },
		found: ['elodie']
	},
	{
		title: 'text and filters together',
		filters: { q: 'mar', country: 'FR', skill: 'translation' },
		found: ['elodie', 'bob']
	},
	{ title: 'merged and deleted people never', filters: { skill: 'design' }, found: ['marta'] }
];
