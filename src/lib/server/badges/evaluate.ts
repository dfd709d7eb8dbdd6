/**
 * Automatic badges: the server awards a badge with a rule (domain/badge-rules.ts) by itself to
 * whoever meets it. Called after a contribution is logged or edited and after a check-in's
 * `attended` contribution (evaluateAwards, one person), and when a badge's rule is set or
 * changed (awardEveryoneMeeting, everyone at once, in one statement).
 *
 * The definition is ruleProgress: a person meets a rule as of `today` = latestCalendarDate of
 * the mutation time (the latest calendar date anyone on Earth has then, so a contribution
 * dated "today" in UTC+14 counts), exactly as ruleProgress(rule, facts, today).met; the spec
 * checks both agree on random histories.
 *
 * An award row of any kind for the badge (revoked included) blocks the rule: a revoked award
 * is never given back by a machine. Awards are source 'rule', awardedBy null, evidence null,
 * awardedAt = the mutation time, written in the caller's transaction and version.
 *
 * Speed (target ≤ 5 ms per incoming contribution with 10M contributions): no caches (every
 * call reads the database, in the caller's transaction: the benchmark times real work); two
 * statements per person:
 *  1. the non-archived rule badges the person has no award for: a scan of `badges` (small)
 *     with the awards primary key (badge_id, person_id) probed per badge;
 *  2. one INSERT … SELECT whose per-badge tests each read only that person's contributions
 *     through contributions_person_idx (person_id, happened_on): a range scan of their rows
 *     (happened_on bounded by today and the window), aggregated (count, count distinct
 *     event_id, or their distinct weeks for a streak), plus a people primary-key probe.
 * awardEveryoneMeeting is one set-based INSERT … SELECT (a GROUP BY over contributions,
 * joined to people by primary key, awards probed by primary key): a scan of the table, fine
 * for the rare moment an admin saves a rule.
 */
import { and, eq, isNotNull, notExists, sql, type SQL } from 'drizzle-orm';
import { badgeRuleSchema, type BadgeRule } from '$lib/domain/badge-rules';
import { latestCalendarDate } from '$lib/domain/mutations';
import { ATTENDED } from '$lib/domain/taxonomy';
import { addDays } from '$lib/domain/weeks';
import type { Transaction } from '$lib/server/db';
import { awards, badges } from '$lib/server/db/schema';

/** PGlite answers { rows }, postgres.js an array of rows. */
function rowsOf<Row>(result: unknown): Row[] {
	return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}

/** The date rules are evaluated at for a mutation written at `atMs`. */
export function ruleToday(atMs: number): string {
	return latestCalendarDate(atMs);
}

/**
 * A UUIDv7 made by the database for the instant `atMs` (one per row of a set-based insert):
 * a random v4 with the first 48 bits replaced by the milliseconds and the version set to 7.
 */
function uuidv7At(atMs: number): SQL {
	return sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(${Math.trunc(atMs)}::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;
}

/**
 * The ids of the people meeting `rule` as of `today` (a subquery; may repeat an id for a
 * streak). Restricted to one person when `personId` is given: then it reads only their rows
 * through contributions_person_idx.
 */
function peopleMeeting(rule: BadgeRule, today: string, personId: string | null): SQL {
	const person = personId === null ? sql`true` : sql`c.person_id = ${personId}::uuid`;
	const dates = (withinDays: number | null) =>
		withinDays === null
			? sql`c.happened_on <= ${today}::date`
			: sql`c.happened_on <= ${today}::date and c.happened_on >= ${addDays(today, -(withinDays - 1))}::date`;
	switch (rule.kind) {
		case 'contributions': {
			const area = rule.area === null ? sql`` : sql` and c.area = ${rule.area}`;
			const type =
				rule.activityType === null ? sql`` : sql` and c.activity_type = ${rule.activityType}`;
			return sql`select c.person_id from contributions c
				where ${person} and c.activity_type <> ${ATTENDED} and ${dates(rule.withinDays)}${area}${type}
				group by c.person_id having count(*) >= ${rule.count}::int`;
		}
		case 'events_attended':
			// count(distinct) skips a null event_id. Not in the WHERE: `event_id is not null`
			// would tempt the planner onto contributions_event_idx instead of the person's rows.
			return sql`select c.person_id from contributions c
				where ${person} and c.activity_type = ${ATTENDED} and ${dates(rule.withinDays)}
				group by c.person_id having count(distinct c.event_id) >= ${rule.count}::int`;
		case 'streak':
			// Gaps and islands over each person's distinct weeks (their Mondays): consecutive
			// weeks share `week - 7 × rank`; a run of `weeks` of them meets the rule.
			return sql`select runs.person_id from (
					select w.person_id, w.week - (row_number() over (partition by w.person_id order by w.week))::int * 7 as run
					from (
						select distinct c.person_id, c.happened_on - (extract(isodow from c.happened_on)::int - 1) as week
						from contributions c where ${person} and c.happened_on <= ${today}::date
					) w
				) runs
				group by runs.person_id, runs.run having count(*) >= ${rule.weeks}::int`;
	}
}

function parseRule(value: unknown): BadgeRule | null {
	const parsed = badgeRuleSchema.safeParse(value);
	return parsed.success ? parsed.data : null;
}

function awardValues(atMs: number, version: number) {
	return sql`${new Date(atMs).toISOString()}::timestamptz, null, 'rule', null, ${version}::bigint`;
}

/**
 * Award `personId` every rule badge they now meet and have no award for (revoked or not), as
 * of the mutation time `atMs`. Returns the ids of the badges newly awarded.
 */
export async function evaluateAwards(
	tx: Transaction,
	personId: string,
	version: number,
	atMs: number
): Promise<string[]> {
	const candidates = await tx
		.select({ id: badges.id, rule: badges.rule })
		.from(badges)
		.where(
			and(
				eq(badges.archived, false),
				isNotNull(badges.rule),
				notExists(
					tx
						.select({ one: sql`1` })
						.from(awards)
						.where(and(eq(awards.badgeId, badges.id), eq(awards.personId, personId)))
				)
			)
		);
	const today = ruleToday(atMs);
	const tests: SQL[] = [];
	for (const candidate of candidates) {
		const rule = parseRule(candidate.rule);
		if (rule)
			tests.push(
				sql`select ${candidate.id}::uuid as badge_id where exists (${peopleMeeting(rule, today, personId)})`
			);
	}
	if (tests.length === 0) return [];
	const result = await tx.execute(sql`
		insert into awards (id, badge_id, person_id, awarded_at, awarded_by, source, evidence, version)
		select ${uuidv7At(atMs)}, met.badge_id, ${personId}::uuid, ${awardValues(atMs, version)}
		from (${sql.join(tests, sql` union all `)}) met
		where exists (select 1 from people p where p.id = ${personId}::uuid and p.status = 'active')
		on conflict (badge_id, person_id) do nothing
		returning badge_id`);
	return rowsOf<{ badge_id: string }>(result).map((row) => row.badge_id);
}

/**
 * evaluateAwards in a savepoint of its own: a failure is logged and rolls back only the
 * evaluation, never the contribution or check-in that asked for it.
 */
export async function evaluateAwardsSafely(
	tx: Transaction,
	personId: string,
	version: number,
	atMs: number
): Promise<string[]> {
	try {
		return await tx.transaction((savepoint) => evaluateAwards(savepoint, personId, version, atMs));
	} catch (error) {
		console.error('Automatic badge evaluation failed', error);
		return [];
	}
}

/**
 * The badge's rule was set or changed: award it to every active person already meeting it
 * who has no award row for it (revoked or not), in one statement. Returns how many.
 * Nothing for an archived badge or one without a (valid) rule.
 */
export async function awardEveryoneMeeting(
	tx: Transaction,
	badgeId: string,
	version: number,
	atMs: number
): Promise<number> {
	const [badge] = await tx
		.select({ rule: badges.rule, archived: badges.archived })
		.from(badges)
		.where(eq(badges.id, badgeId));
	const rule = badge && !badge.archived ? parseRule(badge.rule) : null;
	if (!rule) return 0;
	const result = await tx.execute(sql`
		insert into awards (id, badge_id, person_id, awarded_at, awarded_by, source, evidence, version)
		select ${uuidv7At(atMs)}, ${badgeId}::uuid, met.person_id, ${awardValues(atMs, version)}
		from (select distinct person_id from (${peopleMeeting(rule, ruleToday(atMs), null)}) m) met
		join people p on p.id = met.person_id and p.status = 'active'
		where not exists (
			select 1 from awards a where a.badge_id = ${badgeId}::uuid and a.person_id = met.person_id
		)
		on conflict (badge_id, person_id) do nothing
		returning badge_id`);
	return rowsOf<{ badge_id: string }>(result).length;
}
