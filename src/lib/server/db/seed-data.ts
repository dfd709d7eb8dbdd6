/**
 * The demo community seeded into an empty database, so `npm run dev` opens on a living app.
 * Plain data only; seed.ts turns it into rows with ids, dates and versions.
 */
import type { BadgeRule } from '$lib/domain/badge-rules';
import type { Role } from '$lib/domain/entities';
import type { ActivityType, Area } from '$lib/domain/taxonomy';

/** [display name, pronouns, city, country (ISO 3166), roles, bio]. */
export type SeedPerson = [string, string | null, string, string, Role[], string];

// A table reads best one row per line.
// prettier-ignore
export const SEED_PEOPLE: SeedPerson[] = [
	['Amara Okafor', 'she/her', 'Lagos', 'NG', ['member', 'admin'], 'Keeps the lights on. Ask me about anything community-wide.'],
	['Lucía Fernández', 'she/her', 'Madrid', 'ES', ['member', 'organizer'], 'Runs the Madrid localization sprints. Café con leche enthusiast.'],
	['Kenji Watanabe', 'he/him', 'Tokyo', 'JP', ['member', 'organizer', 'mentor'], 'Onboarding nights in Shibuya, code reviews the rest of the week.'],
	['Priya Raghunathan', 'she/her', 'Bengaluru', 'IN', ['member', 'mentor'], 'Docs and developer education. Happy to pair with newcomers.'],
	['Mateus Oliveira', 'he/him', 'Recife', 'BR', ['member', 'volunteer'], 'QA and bug triage; never misses a meetup.'],
	['Fatima Zahra El Idrissi', 'she/her', 'Casablanca', 'MA', ['member', 'volunteer'], 'Translating into Arabic and French, one string at a time.'],
	['Jonas Becker', null, 'Berlin', 'DE', ['member'], 'New here — learning the ropes with web compatibility testing.'],
	['Nguyễn Thu Hà', 'she/her', 'Hà Nội', 'VN', ['member', 'volunteer'], 'Vietnamese localization lead.'],
	['Aroha Ngata', 'they/them', 'Wellington', 'NZ', ['member'], 'Designer; making our event posters less terrible.'],
	['Tomasz Kowalski', 'he/him', 'Kraków', 'PL', ['member', 'volunteer'], 'Answers support questions before breakfast.'],
	['Sofía Ramírez', 'she/her', 'Bogotá', 'CO', ['member'], 'Writing blog posts about privacy for Spanish speakers.'],
	['Elif Yılmaz', 'she/her', 'İzmir', 'TR', ['member', 'mentor'], 'Mentoring student clubs across Turkey.']
];

/** [person index, area, activity, description, link or null, days ago, at the past event]. */
export type SeedContribution = [
	number,
	Area,
	ActivityType,
	string,
	string | null,
	number,
	boolean?
];

// prettier-ignore
export const SEED_CONTRIBUTIONS: SeedContribution[] = [
	[0, 'community', 'organized_event', 'Hosted the quarterly community call and wrote up the notes.', null, 86],
	[0, 'community', 'wrote_post', 'Published the community health report for last quarter.', 'https://blog.example.org/community-health-q2', 61],
	[0, 'support', 'answered_questions', 'Cleared the backlog of account questions on the forum.', null, 12],
	[1, 'localization', 'organized_event', 'Planned the Madrid localization sprint: venue, agenda and sign-ups.', null, 9],
	[1, 'localization', 'translated', 'Translated 180 strings of the settings panel into Spanish.', null, 40],
	[1, 'localization', 'reviewed', 'Reviewed 95 pending Spanish suggestions in Pontoon.', null, 22],
	[2, 'education', 'organized_event', 'Ran the Tokyo open source onboarding night.', null, 24, true],
	[2, 'education', 'gave_talk', 'Gave the talk "Your first patch in 30 minutes" at the onboarding night.', 'https://slides.example.org/first-patch', 24, true],
	[2, 'development', 'reviewed', 'Reviewed six pull requests from first-time contributors.', null, 17],
	[2, 'education', 'mentored', 'Mentored two students through their first merged fix.', null, 5],
	[3, 'documentation', 'wrote_docs', 'Rewrote the contributor setup guide for Windows.', 'https://docs.example.org/setup/windows', 70],
	[3, 'education', 'mentored', 'Weekly office hours: helped four newcomers pick their first bug.', null, 33],
	[3, 'documentation', 'reviewed', 'Reviewed the API reference pages for the sync service.', null, 14],
	[3, 'education', 'gave_talk', 'Spoke about writing good docs at a Bengaluru meetup.', null, 48],
	[4, 'testing', 'tested', 'Tested the release candidate on three low-end Android phones.', null, 80],
	[4, 'testing', 'tested', 'Verified 12 fixed bugs in the nightly build.', null, 52],
	[4, 'support', 'answered_questions', 'Triaged 30 new bug reports and closed the duplicates.', null, 29],
	[4, 'events', 'other', 'Set up the projector and Wi-Fi at the onboarding night.', null, 24, true],
	[5, 'localization', 'translated', 'Translated the onboarding emails into Arabic.', null, 77],
	[5, 'localization', 'translated', 'Finished the French translation of the privacy notice.', null, 45],
	[5, 'localization', 'reviewed', 'Reviewed Darija terminology with three other translators.', null, 17],
	[5, 'localization', 'translated', 'Translated 240 strings of the mobile app into Arabic.', null, 3],
	[6, 'testing', 'tested', 'Reported a layout bug on a news site in the web compatibility tracker.', 'https://webcompat.example.org/issues/4821', 31],
	[6, 'testing', 'tested', 'Tested the new tab page with a screen reader.', null, 8],
	[7, 'localization', 'translated', 'Translated the help center front page into Vietnamese.', null, 88],
	[7, 'localization', 'translated', 'Updated 300 Vietnamese strings after the string freeze.', null, 55],
	[7, 'localization', 'organized_event', 'Organised an online translation hour for the Vietnamese team.', null, 27],
	[7, 'localization', 'reviewed', 'Reviewed and approved 140 Vietnamese suggestions.', null, 6],
	[8, 'design', 'designed', 'Designed the poster and social cards for the Madrid sprint.', null, 11],
	[8, 'design', 'designed', 'Drew new icons for the badge set.', null, 58],
	[9, 'support', 'answered_questions', 'Answered 25 questions on the Polish support forum.', null, 66],
	[9, 'support', 'answered_questions', 'Wrote canned answers for the five most common sync problems.', null, 37],
	[9, 'development', 'wrote_code', 'Fixed a date formatting bug in the Polish locale.', 'https://code.example.org/gather/pull/212', 15],
	[10, 'marketing', 'wrote_post', 'Blog post: "Privacidad en tu teléfono, paso a paso".', 'https://blog.example.org/privacidad-paso-a-paso', 50],
	[10, 'marketing', 'wrote_post', 'Shared the Madrid sprint announcement in three Latin American groups.', null, 7],
	[11, 'education', 'mentored', 'Kicked off a student club at Ege University.', null, 84],
	[11, 'education', 'gave_talk', 'Talk at a student club: how open source communities work.', null, 42],
	[11, 'education', 'mentored', 'Mentored the club\u2019s first three contributors.', null, 20],
	[11, 'community', 'organized_event', 'Organised a virtual meetup for Turkish-speaking volunteers.', null, 2],
	[6, 'documentation', 'wrote_docs', 'Fixed broken links in the testing guide.', null, 1],
	[5, 'localization', 'reviewed', 'Proofread the Arabic release notes before they went out.', null, 10],
	[5, 'localization', 'translated', 'Translated the event check-in screens into French.', null, 24],
	[7, 'localization', 'translated', 'Translated the new sign-in screens into Vietnamese.', null, 12],
	[7, 'localization', 'reviewed', 'Reviewed the Vietnamese glossary with two new translators.', null, 15],
	[7, 'localization', 'translated', 'Translated the badge names and criteria into Vietnamese.', null, 33],
	[7, 'localization', 'reviewed', 'Checked 90 Vietnamese strings for consistent terminology.', null, 38],
	[7, 'localization', 'translated', 'Translated the privacy notice into Vietnamese.', null, 47],
	[7, 'localization', 'translated', 'Translated the event emails into Vietnamese.', null, 64],
	[7, 'localization', 'reviewed', 'Reviewed the Vietnamese app store listing.', null, 70]
];

/**
 * Badge classes: the ones with a rule are awarded by the server itself (seed.ts runs the
 * same awardEveryoneMeeting as saving a rule does); the others by people, or by nomination.
 */
export const SEED_BADGES = [
	{
		slug: 'first-contribution',
		name: 'First Steps',
		description: 'Welcome aboard! Every community is built one first contribution at a time.',
		criteria: 'Log your first contribution of any kind: a translation, a test, an answer, a talk.',
		rule: { kind: 'contributions', count: 1, area: null, activityType: null, withinDays: null }
	},
	{
		slug: 'event-regular',
		name: 'Event Regular',
		description: 'Shows up, helps out, brings friends.',
		criteria: 'Check in at three different community events within twelve months.',
		rule: { kind: 'events_attended', count: 3, withinDays: 365 }
	},
	{
		slug: 'localizer',
		name: 'Localizer',
		description: 'Makes the project speak one more language, week after week.',
		criteria: 'Log ten contributions in the localization area within ninety days.',
		rule: {
			kind: 'contributions',
			count: 10,
			area: 'localization',
			activityType: null,
			withinDays: 90
		}
	},
	{
		slug: 'mentor',
		name: 'Mentor',
		description: 'Helps newcomers find their way.',
		criteria: 'Mentor someone through their first steps, and log it as mentoring.',
		rule: {
			kind: 'contributions',
			count: 1,
			area: null,
			activityType: 'mentored',
			withinDays: null
		}
	},
	{
		slug: 'on-a-roll',
		name: 'On a Roll',
		description: 'Something done every week, a month in a row.',
		criteria: 'Contribute or attend an event in four weeks in a row.',
		rule: { kind: 'streak', weeks: 4 }
	},
	{
		slug: 'translator',
		name: 'Translator',
		description: 'Trusted with the words people read in their own language.',
		criteria: 'Awarded by a localization organizer for translations of lasting quality.',
		rule: null
	},
	{
		slug: 'helping-hand',
		name: 'Helping Hand',
		description: 'Goes out of their way so others get unstuck.',
		criteria: 'Awarded by an organizer or mentor, often on a nomination, for help beyond the call.',
		rule: null
	}
] as const satisfies readonly {
	slug: string;
	name: string;
	description: string;
	criteria: string;
	rule: BadgeRule | null;
}[];

export type SeedBadgeSlug = (typeof SEED_BADGES)[number]['slug'];

/** [badge slug, person index, awarded by (person index), evidence]: given by people. */
export const SEED_AWARDS: [SeedBadgeSlug, number, number, string][] = [
	['translator', 5, 1, 'Arabic and French translations of the onboarding flow.'],
	['translator', 7, 1, 'Leads the Vietnamese team; 400+ strings this quarter.'],
	['mentor', 3, 0, 'Weekly office hours for newcomers.'],
	['event-regular', 4, 2, 'Five meetups in Recife and Tokyo this year.'],
	[
		'helping-hand',
		2,
		0,
		'Stayed two hours after the onboarding night to fix everyone\u2019s setup.'
	]
];

/** [badge slug, person index, nominated by (person index), reason]: waiting for a decision. */
export const SEED_NOMINATIONS: [SeedBadgeSlug, number, number, string][] = [
	[
		'helping-hand',
		9,
		4,
		'Answers the support forum before breakfast every day, and wrote the canned answers we all use.'
	]
];

/** [contribution number (1-based, in SEED_CONTRIBUTIONS), verified by (person index)]. */
export const SEED_VERIFICATIONS: [number, number][] = [
	[20, 1],
	[22, 1],
	[23, 2],
	[15, 2],
	[37, 3]
];

/** Per seeded person (same order): [languages, skills, interests, timezone, areas]. */
export type SeedProfile = [string[], string[], string[], string, Area[]];

// prettier-ignore
export const SEED_PROFILES: SeedProfile[] = [
	[['en', 'yo'], ['community management', 'facilitation'], ['governance', 'open data'], 'Africa/Lagos', ['community', 'support']],
	[['es', 'en'], ['translation', 'event planning'], ['localization', 'coffee'], 'Europe/Madrid', ['localization', 'events']],
	[['ja', 'en'], ['javascript', 'code review', 'public speaking'], ['education', 'rust'], 'Asia/Tokyo', ['development', 'education']],
	[['en', 'ta', 'hi'], ['technical writing', 'mentoring'], ['documentation', 'accessibility'], 'Asia/Kolkata', ['documentation', 'education']],
	[['pt-BR', 'en'], ['qa', 'bug triage'], ['android', 'performance'], 'America/Recife', ['testing', 'support']],
	[['ar', 'fr', 'en'], ['translation', 'proofreading'], ['localization', 'rtl'], 'Africa/Casablanca', ['localization']],
	[['de', 'en'], ['web compatibility'], ['testing', 'css'], 'Europe/Berlin', ['testing']],
	[['vi', 'en'], ['translation', 'terminology'], ['localization'], 'Asia/Ho_Chi_Minh', ['localization']],
	[['en', 'mi'], ['illustration', 'figma'], ['design', 'posters'], 'Pacific/Auckland', ['design']],
	[['pl', 'en'], ['support', 'javascript'], ['privacy'], 'Europe/Warsaw', ['support']],
	[['es'], ['blogging', 'privacy'], ['marketing', 'privacy'], 'America/Bogota', ['marketing']],
	[['tr', 'en'], ['mentoring', 'python'], ['education', 'student clubs'], 'Europe/Istanbul', ['education']]
];

/** [slug, kind, name, policy, area or null, country or null, description]. */
export type SeedGroup = [
	string,
	'area' | 'region' | 'team',
	string,
	'open' | 'request' | 'closed',
	Area | null,
	string | null,
	string
];

// prettier-ignore
export const SEED_GROUPS: SeedGroup[] = [
	['localization', 'area', 'Localization', 'open', 'localization', null, 'Translators and reviewers of every language.'],
	['education', 'area', 'Education', 'open', 'education', null, 'Mentors, teachers and student clubs.'],
	['testing', 'area', 'Testing & QA', 'open', 'testing', null, 'Release testing, bug triage and web compatibility.'],
	['latin-america', 'region', 'Latin America', 'request', null, null, 'Communities from Mexico to Patagonia.'],
	['spain', 'region', 'Spain', 'request', null, 'ES', 'Local groups across Spain.'],
	['reps-council', 'team', 'Reps Council', 'closed', null, null, 'Elected event organizers who steward the Reps program.']
];

/** [group slug, person index, curator]. */
export const SEED_MEMBERSHIPS: [string, number, boolean][] = [
	['localization', 1, true],
	['localization', 5, false],
	['localization', 7, false],
	['education', 3, true],
	['education', 2, false],
	['education', 11, false],
	['testing', 4, true],
	['testing', 6, false],
	['latin-america', 10, true],
	['latin-america', 4, false],
	['spain', 1, true],
	['reps-council', 0, true],
	['reps-council', 1, false],
	['reps-council', 2, false]
];
