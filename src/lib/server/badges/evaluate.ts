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
 * Speed (target ≤ 5 ms per incoming contribution with 10M contributions): one statement
 * (in its savepoint: evaluateAwardsSafely), whatever the person's history. The process keeps the rule badges it last
 * read, and the statement recomputes their fingerprint (md5 of every badge's id, archived flag
 * and rule: a scan of the small `badges` table) and awards only if it is unchanged; otherwise
 * the rules are read again and the statement rebuilt (so any process's badge change is seen at
 * once: no stale cache, the benchmark times real work). In the statement:
 *  1. only the non-archived rule badges; when the caller says what came in (`incoming`), only
 *     the rules those contributions can have made met (a contributions rule of their area and
 *     type, inside its window; events only for an attendance; a streak when dated up to
 *     today): the others were decided by the earlier evaluations. Each test first probes the
 *     awards primary key (badge_id, person_id): any award row blocks the rule.
 *  2. one INSERT … SELECT with one test per rule, none reading the whole history:
 *     - contributions of any type: the metrics rollup metric_person_weeks (kept by the
 *       triggers of 0008 in the same statement as the contribution) gives the whole weeks of
 *       the window by its primary key (person_id, area or '*', week); the days at the window's
 *       edges (part of a week, and this week up to today) are counted exactly from
 *       contributions_person_idx (person_id, happened_on);
 *     - contributions of one type: a range scan of contributions_person_idx stopping at the
 *       `count`-th row (LIMIT);
 *     - events attended: count(distinct event_id) over the person's attended rows in the window;
 *     - streak: the person's distinct weeks by a loose index scan (one index probe per week
 *       they did something: the first day on or after the week after the last one found),
 *       only around the incoming weeks when they are known, then gaps and islands.
 * awardEveryoneMeeting is one set-based INSERT … SELECT (a GROUP BY over contributions,
 * joined to people by primary key, awards probed by primary key): a scan of the table, fine
 * for the rare moment an admin saves a rule.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { badgeRuleSchema, type BadgeRule } from '$lib/domain/badge-rules';
import { latestCalendarDate } from '$lib/domain/mutations';
import { ATTENDED } from '$lib/domain/taxonomy';
import { addDays, weekStart } from '$lib/domain/weeks';
import type { Transaction } from '$lib/server/db';
import { badges } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/db/rows';

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
 * The ids of everyone meeting `rule` as of `today` (a subquery; may repeat an id for a
 * streak): for awardEveryoneMeeting, set-based over the whole table.
 */
function peopleMeeting(rule: BadgeRule, today: string): SQL {
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
				where c.activity_type <> ${ATTENDED} and ${dates(rule.withinDays)}${area}${type}
				group by c.person_id having count(*) >= ${rule.count}::int`;
		}
		case 'events_attended':
			// count(distinct) skips a null event_id. Not in the WHERE: `event_id is not null`
			// would tempt the planner onto contributions_event_idx instead of the person's rows.
			return sql`select c.person_id from contributions c
				where c.activity_type = ${ATTENDED} and ${dates(rule.withinDays)}
				group by c.person_id having count(distinct c.event_id) >= ${rule.count}::int`;
		case 'streak':
			// Gaps and islands over each person's distinct weeks (their Mondays): consecutive
			// weeks share `week - 7 × rank`; a run of `weeks` of them meets the rule.
			return sql`select runs.person_id from (
					select w.person_id, w.week - (row_number() over (partition by w.person_id order by w.week))::int * 7 as run
					from (
						select distinct c.person_id, c.happened_on - (extract(isodow from c.happened_on)::int - 1) as week
						from contributions c where c.happened_on <= ${today}::date
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

/** What came in for a person: a logged or edited contribution, or a check-in's attendance. */
export interface IncomingFact {
	happenedOn: string;
	area: string;
	activityType: string;
}

/** The first day of a rule's window as of `today` (null: all time). */
const windowStart = (today: string, withinDays: number | null) =>
	withinDays === null ? null : addDays(today, -(withinDays - 1));

/**
 * Whether `incoming` can have made `rule` met: a contribution, attendance or streak rule only
 * changes with a fact it counts (up to today, inside its window).
 */
export function ruleConcerns(
	rule: BadgeRule,
	incoming: readonly IncomingFact[],
	today: string
): boolean {
	return incoming.some((fact) => {
		if (fact.happenedOn > today) return false;
		switch (rule.kind) {
			case 'contributions': {
				const from = windowStart(today, rule.withinDays);
				return (
					fact.activityType !== ATTENDED &&
					(from === null || fact.happenedOn >= from) &&
					(rule.area === null || fact.area === rule.area) &&
					(rule.activityType === null || fact.activityType === rule.activityType)
				);
			}
			case 'events_attended': {
				const from = windowStart(today, rule.withinDays);
				return fact.activityType === ATTENDED && (from === null || fact.happenedOn >= from);
			}
			case 'streak':
				return true;
		}
	});
}

/** `attended` as a literal: a partial index on attended rows can then match the statement. */
const attendedLiteral = sql.raw(`'${ATTENDED}'`);

/** The person's contributions (never attended ones) in [from, to], of the rule's area and type. */
function exactCount(
	rule: Extract<BadgeRule, { kind: 'contributions' }>,
	personId: string,
	from: string | null,
	to: string
): SQL {
	const lower = from === null ? sql`` : sql` and c.happened_on >= ${from}::date`;
	const area = rule.area === null ? sql`` : sql` and c.area = ${rule.area}`;
	return sql`(select count(*) from contributions c
		where c.person_id = ${personId}::uuid and c.happened_on <= ${to}::date${lower}
		and c.activity_type <> ${attendedLiteral}${area})`;
}

/**
 * A boolean expression: `personId` meets `rule` as of `today` (see the header: no test reads
 * the whole history). `around`: the weeks that came in, when known (streaks look only there).
 */
function personMeets(
	rule: BadgeRule,
	today: string,
	personId: string,
	around: readonly string[] | null
): SQL {
	const person = sql`c.person_id = ${personId}::uuid`;
	switch (rule.kind) {
		case 'contributions': {
			const from = windowStart(today, rule.withinDays);
			if (rule.activityType !== null) {
				// Stops at the count-th row: a person far past it costs `count` rows.
				const lower = from === null ? sql`` : sql` and c.happened_on >= ${from}::date`;
				const area = rule.area === null ? sql`` : sql` and c.area = ${rule.area}`;
				return sql`(select count(*) from (select 1 from contributions c
					where ${person} and c.happened_on <= ${today}::date${lower}
					and c.activity_type = ${rule.activityType} and c.activity_type <> ${attendedLiteral}${area}
					limit ${rule.count}::int) counted) >= ${rule.count}::int`;
			}
			// Whole weeks [firstWeek, cut) from the rollup; the days around them exactly.
			const firstWeek = from === null ? null : weekStart(addDays(from, 6));
			const cut = weekStart(addDays(today, 1));
			if (firstWeek !== null && firstWeek >= cut)
				return sql`${exactCount(rule, personId, from, today)} >= ${rule.count}::int`;
			const parts: SQL[] = [];
			if (from !== null && firstWeek !== null && from < firstWeek)
				parts.push(exactCount(rule, personId, from, addDays(firstWeek, -1)));
			parts.push(sql`coalesce((select sum(w.contributions) from metric_person_weeks w
				where w.person_id = ${personId}::uuid and w.area = ${rule.area ?? '*'}
				and w.week < ${cut}::date${firstWeek === null ? sql`` : sql` and w.week >= ${firstWeek}::date`}), 0)`);
			if (cut <= today) parts.push(exactCount(rule, personId, cut, today));
			return sql`(${sql.join(parts, sql` + `)}) >= ${rule.count}::int`;
		}
		case 'events_attended': {
			const from = windowStart(today, rule.withinDays);
			const lower = from === null ? sql`` : sql` and c.happened_on >= ${from}::date`;
			// count(distinct) skips a null event_id.
			return sql`(select count(distinct c.event_id) from contributions c
				where ${person} and c.activity_type = ${attendedLiteral}
				and c.happened_on <= ${today}::date${lower}) >= ${rule.count}::int`;
		}
		case 'streak': {
			// The weeks to look at: all time, or those a run through an incoming week can span.
			let lo: string | null = null;
			let hi = today;
			if (around !== null && around.length > 0) {
				const sorted = [...around].sort();
				lo = addDays(sorted[0], -7 * (rule.weeks - 1));
				const last = addDays(sorted[sorted.length - 1], 7 * rule.weeks - 1);
				if (last < hi) hi = last;
			}
			const lower = lo === null ? sql`` : sql` and c.happened_on >= ${lo}::date`;
			const mondayOf = (day: SQL) => sql`${day} - (extract(isodow from ${day})::int - 1)`;
			// A loose index scan: each step is one probe of contributions_person_idx.
			return sql`exists (
				with recursive weeks(week) as (
					select (select ${mondayOf(sql`min(c.happened_on)`)} from contributions c
						where ${person} and c.happened_on <= ${hi}::date${lower})
					union all
					select (select ${mondayOf(sql`min(c.happened_on)`)} from contributions c
						where ${person} and c.happened_on >= w.week + 7 and c.happened_on <= ${hi}::date)
					from weeks w where w.week is not null
				)
				select 1 from (
					select week - (row_number() over (order by week))::int * 7 as run
					from weeks where week is not null
				) runs
				group by run having count(*) >= ${rule.weeks}::int)`;
		}
	}
}

/** The rule badges as this process last read them, and their fingerprint (see below). */
interface RuleBadges {
	fingerprint: string;
	badges: { id: string; rule: BadgeRule }[];
}
let known: RuleBadges | null = null;

/**
 * The fingerprint of every badge's rule and archived flag, computed by the database at each
 * evaluation (a scan of the small `badges` table, never its pictures): the statement awards only
 * when it equals the fingerprint of the rules it was built from, so a badge added, archived or
 * changed by any process is never missed or misjudged: the rules are read again and the
 * statement rebuilt.
 */
const FINGERPRINT = sql`(select md5(coalesce(string_agg(b.id::text || b.archived::text || b.rule::text, ',' order by b.id), ''))
	from badges b where b.rule is not null)`;

async function readRuleBadges(tx: Transaction): Promise<RuleBadges> {
	const [row] = rowsOf<{
		fingerprint: string;
		badges: { id: string; rule: unknown; archived: boolean }[];
	}>(
		await tx.execute(sql`select ${FINGERPRINT} as fingerprint,
			(select coalesce(json_agg(json_build_object('id', b.id, 'rule', b.rule, 'archived', b.archived)), '[]')
				from badges b where b.rule is not null) as badges`)
	);
	const badges: RuleBadges['badges'] = [];
	for (const badge of row.badges) {
		const rule = badge.archived ? null : parseRule(badge.rule);
		if (rule) badges.push({ id: badge.id, rule });
	}
	return { fingerprint: row.fingerprint, badges };
}

/**
 * One statement: award the rules met among `rules` (each test first probes the awards primary
 * key: any award row blocks it), if the badges are still those `rules` were read from; it
 * answers the badges awarded and the badges' current fingerprint.
 */
function awardStatement(
	rules: RuleBadges,
	personId: string,
	version: number,
	atMs: number,
	incoming: readonly IncomingFact[] | undefined
): SQL {
	const today = ruleToday(atMs);
	const around =
		incoming === undefined
			? null
			: [
					...new Set(
						incoming.filter((f) => f.happenedOn <= today).map((f) => weekStart(f.happenedOn))
					)
				];
	const tests: SQL[] = [];
	for (const { id, rule } of rules.badges) {
		if (incoming !== undefined && !ruleConcerns(rule, incoming, today)) continue;
		tests.push(
			sql`select ${id}::uuid as badge_id
				where not exists (select 1 from awards a where a.badge_id = ${id}::uuid and a.person_id = ${personId}::uuid)
				and ${personMeets(rule, today, personId, around)}`
		);
	}
	const fresh = sql`select ${FINGERPRINT} as fingerprint`;
	if (tests.length === 0)
		return sql`select null::text as badge_id, fresh.fingerprint from (${fresh}) fresh`;
	return sql`with fresh as (${fresh}), inserted as (
		insert into awards (id, badge_id, person_id, awarded_at, awarded_by, source, evidence, version)
		select ${uuidv7At(atMs)}, met.badge_id, ${personId}::uuid, ${awardValues(atMs, version)}
		from (${sql.join(tests, sql` union all `)}) met
		where (select fingerprint from fresh) = ${rules.fingerprint}
		and exists (select 1 from people p where p.id = ${personId}::uuid and p.status = 'active')
		on conflict (badge_id, person_id) do nothing
		returning badge_id)
		select inserted.badge_id::text, null::text as fingerprint from inserted
		union all select null, fresh.fingerprint from fresh`;
}

/**
 * Award `personId` every rule badge they now meet and have no award for (revoked or not), as
 * of the mutation time `atMs`. Returns the ids of the badges newly awarded. `incoming`: the
 * contributions that just came in for them (new values of an edit; attendances included),
 * when known: only the rules those can have made met are tested. Without it, every rule.
 * One statement (the rules are read again first when the badges changed since last time).
 */
export async function evaluateAwards(
	tx: Transaction,
	personId: string,
	version: number,
	atMs: number,
	incoming?: readonly IncomingFact[]
): Promise<string[]> {
	let rules = known ?? (known = await readRuleBadges(tx));
	for (let attempt = 1; ; attempt++) {
		const result = await tx.execute(awardStatement(rules, personId, version, atMs, incoming));
		const ids = awardedIds(result, rules);
		if (ids !== null) return ids;
		if (attempt === 3) throw new Error('The badges keep changing during the evaluation');
		rules = known = await readRuleBadges(tx);
	}
}

/** The badges the statement awarded, or null when it did not run: the badges had changed. */
function awardedIds(result: unknown, rules: RuleBadges): string[] | null {
	const rows = rowsOf<{ badge_id: string | null; fingerprint: string | null }>(result);
	const fingerprint = rows.find((row) => row.fingerprint !== null)?.fingerprint;
	if (fingerprint !== rules.fingerprint) return null;
	return rows.flatMap((row) => (row.badge_id === null ? [] : [row.badge_id]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * evaluateAwards in a savepoint of its own: a failure is logged and rolls back only the
 * evaluation, never the contribution or check-in that asked for it. (A real savepoint: a
 * statement that failed on the transaction itself, even caught, would fail the whole
 * transaction on PostgreSQL, where postgres.js rethrows a transaction's first query error.)
 */
export async function evaluateAwardsSafely(
	tx: Transaction,
	personId: string,
	version: number,
	atMs: number,
	incoming?: readonly IncomingFact[]
): Promise<string[]> {
	try {
		if (!UUID.test(personId)) throw new Error(`not a person id: ${personId}`);
		return await tx.transaction((savepoint) =>
			evaluateAwards(savepoint, personId, version, atMs, incoming)
		);
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
		from (select distinct person_id from (${peopleMeeting(rule, ruleToday(atMs))}) m) met
		join people p on p.id = met.person_id and p.status = 'active'
		where not exists (
			select 1 from awards a where a.badge_id = ${badgeId}::uuid and a.person_id = met.person_id
		)
		on conflict (badge_id, person_id) do nothing
		returning badge_id`);
	return rowsOf<{ badge_id: string }>(result).length;
}
