CREATE TABLE "metric_recent_histogram" (
	"area" text NOT NULL,
	"country" text NOT NULL,
	"group_id" uuid NOT NULL,
	"weeks" integer NOT NULL,
	"contributions" integer NOT NULL,
	"people" integer NOT NULL,
	CONSTRAINT "metric_recent_histogram_area_country_group_id_weeks_contributions_pk" PRIMARY KEY("area","country","group_id","weeks","contributions")
);
--> statement-breakpoint
DROP INDEX "metric_person_recent_c12_idx";--> statement-breakpoint
DROP INDEX "metric_person_recent_c26_idx";--> statement-breakpoint
DROP INDEX "metric_person_recent_c52_idx";--> statement-breakpoint
ALTER TABLE "metric_person_recent" ADD COLUMN "groups" uuid[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
-- The absence factor read metric_person_recent busiest first (or a group's members first) and
-- grew with the filter's people: 390 ms for a group of 80,000 at a million people. Each
-- recent row now carries its person's filter keys (country and groups, while active), and a
-- statement trigger keeps metric_recent_histogram (per filter and period: people per number
-- of contributions) equal to those rows; the factor walks the histogram from the top.
CREATE INDEX metric_recent_histogram_empty_idx ON metric_recent_histogram (area) WHERE people = 0;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_histogram_recount() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM metric_recent_histogram;
	INSERT INTO metric_recent_histogram (area, country, group_id, weeks, contributions, people)
	SELECT r.area, k.country, k.group_id, p.weeks, p.n, count(*)
	FROM metric_person_recent r
	CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
	CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
	WHERE p.n > 0
	GROUP BY 1, 2, 3, 4, 5;
END
$$;
--> statement-breakpoint
-- Rows leave their buckets (old_rows) and enter others (new_rows), under each of their keys.
CREATE OR REPLACE FUNCTION metric_recent_histogram_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('gather.metric_recount', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO metric_recent_histogram AS t (area, country, group_id, weeks, contributions, people)
		SELECT r.area, k.country, k.group_id, p.weeks, p.n, count(*)
		FROM new_rows r
		CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
		CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
		WHERE p.n > 0
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (area, country, group_id, weeks, contributions) DO UPDATE SET people = t.people + excluded.people;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO metric_recent_histogram AS t (area, country, group_id, weeks, contributions, people)
		SELECT r.area, k.country, k.group_id, p.weeks, p.n, -count(*)
		FROM old_rows r
		CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
		CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
		WHERE p.n > 0
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (area, country, group_id, weeks, contributions) DO UPDATE SET people = t.people + excluded.people;
	ELSE
		INSERT INTO metric_recent_histogram AS t (area, country, group_id, weeks, contributions, people)
		SELECT r.area, k.country, k.group_id, p.weeks, p.n, sum(r.sign)
		FROM (SELECT *, -1 AS sign FROM old_rows UNION ALL SELECT *, 1 FROM new_rows) AS r
		CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
		CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
		WHERE p.n > 0
		GROUP BY 1, 2, 3, 4, 5 HAVING sum(r.sign) <> 0 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (area, country, group_id, weeks, contributions) DO UPDATE SET people = t.people + excluded.people;
	END IF;
	DELETE FROM metric_recent_histogram WHERE people = 0; -- metric_recent_histogram_empty_idx
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_contributions_apply(changes metric_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	keys metric_key[];
	old_flags metric_flag[];
	old_pairs metric_pair[];
	last_person uuid;
	person_country text;
	person_groups uuid[];
BEGIN
	FOR r IN
		SELECT c.person_id, a.akey, min(date_trunc('week', c.happened_on)::date) AS lo,
			max(date_trunc('week', c.happened_on)::date) AS hi
		FROM unnest(changes) AS c, LATERAL (VALUES (c.area), ('*')) AS a(akey)
		WHERE c.activity_type <> 'attended'
		GROUP BY 1, 2 ORDER BY 1, 2
	LOOP
		IF last_person IS DISTINCT FROM r.person_id THEN
			keys := metric_keys(r.person_id);
			last_person := r.person_id;
			SELECT p.country, metric_groups(p.id) INTO person_country, person_groups
			FROM people p WHERE p.id = r.person_id AND p.status = 'active';
			IF NOT FOUND THEN
				person_country := NULL;
				person_groups := '{}';
			END IF;
		END IF;
		old_flags := metric_flags(r.person_id, r.akey, r.lo, r.hi);
		old_pairs := metric_pairs(r.person_id, r.akey);
		INSERT INTO metric_person_weeks AS t (person_id, area, week, contributions, points)
		SELECT r.person_id, r.akey, date_trunc('week', c.happened_on)::date, sum(c.sign),
			sum(c.sign * metric_weight(c.activity_type))
		FROM unnest(changes) AS c
		WHERE c.person_id = r.person_id AND c.activity_type <> 'attended' AND (r.akey = '*' OR c.area = r.akey)
		GROUP BY 3
		ON CONFLICT (person_id, area, week) DO UPDATE SET contributions = t.contributions + excluded.contributions,
			points = t.points + excluded.points;
		DELETE FROM metric_person_weeks
		WHERE person_id = r.person_id AND area = r.akey AND week BETWEEN r.lo AND r.hi AND contributions = 0;
		INSERT INTO metric_person_months AS t (person_id, area, month, contributions)
		SELECT r.person_id, r.akey, date_trunc('month', c.happened_on)::date, sum(c.sign)
		FROM unnest(changes) AS c
		WHERE c.person_id = r.person_id AND c.activity_type <> 'attended' AND (r.akey = '*' OR c.area = r.akey)
		GROUP BY 3
		ON CONFLICT (person_id, area, month) DO UPDATE SET contributions = t.contributions + excluded.contributions;
		DELETE FROM metric_person_months
		WHERE person_id = r.person_id AND area = r.akey AND contributions = 0;
		-- The recent periods (as of metric_recent_as_of, read after this statement's lock on
		-- metric_person_recent: a roll in progress is waited for, then its week is used).
		INSERT INTO metric_person_recent AS t (person_id, area, country, groups, c12, c26, c52)
		SELECT r.person_id, r.akey, person_country, person_groups,
			coalesce(sum(c.sign) FILTER (WHERE w.week >= a.week - 77), 0),
			coalesce(sum(c.sign) FILTER (WHERE w.week >= a.week - 175), 0), sum(c.sign)
		FROM unnest(changes) AS c
		CROSS JOIN LATERAL (SELECT date_trunc('week', c.happened_on)::date AS week) AS w
		JOIN metric_recent_as_of a ON w.week BETWEEN a.week - 357 AND a.week
		WHERE c.person_id = r.person_id AND c.activity_type <> 'attended' AND (r.akey = '*' OR c.area = r.akey)
		GROUP BY a.week
		ON CONFLICT (person_id, area) DO UPDATE SET c12 = t.c12 + excluded.c12, c26 = t.c26 + excluded.c26,
			c52 = t.c52 + excluded.c52;
		DELETE FROM metric_person_recent WHERE person_id = r.person_id AND area = r.akey AND c52 = 0;
		PERFORM metric_refresh_state(r.person_id, r.akey);
		PERFORM metric_add(r.akey, keys, old_flags, metric_flags(r.person_id, r.akey, r.lo, r.hi),
			old_pairs, metric_pairs(r.person_id, r.akey));
	END LOOP;
END
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_recent_roll(target date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	current date;
BEGIN
	LOCK TABLE metric_person_recent IN SHARE ROW EXCLUSIVE MODE;
	SELECT week INTO current FROM metric_recent_as_of;
	IF current = target THEN
		RETURN;
	END IF;
	IF current IS NULL OR target < current OR target > current + 56 THEN
		-- Every row changes: the histogram is counted again once, not row by row.
		PERFORM set_config('gather.metric_recount', 'on', true);
		DELETE FROM metric_person_recent;
		INSERT INTO metric_person_recent (person_id, area, country, groups, c12, c26, c52)
		SELECT w.person_id, w.area, min(p.country), coalesce(min(g.groups), '{}'),
			coalesce(sum(w.contributions) FILTER (WHERE w.week >= target - 77), 0),
			coalesce(sum(w.contributions) FILTER (WHERE w.week >= target - 175), 0), sum(w.contributions)
		FROM metric_person_weeks w LEFT JOIN people p ON p.id = w.person_id AND p.status = 'active'
		LEFT JOIN (SELECT person_id, array_agg(group_id) AS groups FROM memberships
			WHERE status = 'member' GROUP BY 1) AS g ON g.person_id = p.id
		WHERE w.week BETWEEN target - 357 AND target
		GROUP BY 1, 2;
		PERFORM set_config('gather.metric_recount', 'off', true);
		PERFORM metric_histogram_recount();
	ELSE
		WHILE current < target LOOP
			current := current + 7;
			-- week `current` enters every period; current - 84, - 182 and - 364 leave one each.
			INSERT INTO metric_person_recent AS t (person_id, area, country, groups, c12, c26, c52)
			WITH RECURSIVE areas AS (
				SELECT min(area) AS area FROM metric_person_weeks
				UNION ALL SELECT (SELECT min(w.area) FROM metric_person_weeks w WHERE w.area > areas.area)
				FROM areas WHERE areas.area IS NOT NULL
			)
			SELECT w.person_id, w.area,
				(SELECT p.country FROM people p WHERE p.id = w.person_id AND p.status = 'active'),
				coalesce((SELECT metric_groups(p.id) FROM people p WHERE p.id = w.person_id AND p.status = 'active'), '{}'),
				sum(w.contributions * d.d12), sum(w.contributions * d.d26), sum(w.contributions * d.d52)
			FROM areas
			CROSS JOIN (VALUES (0, 1, 1, 1), (84, -1, 0, 0), (182, 0, -1, 0), (364, 0, 0, -1))
				AS d(back, d12, d26, d52)
			JOIN metric_person_weeks w ON w.area = areas.area AND w.week = current - d.back
			GROUP BY 1, 2
			ON CONFLICT (person_id, area) DO UPDATE SET c12 = t.c12 + excluded.c12,
				c26 = t.c26 + excluded.c26, c52 = t.c52 + excluded.c52;
		END LOOP;
		DELETE FROM metric_person_recent WHERE c52 = 0; -- metric_person_recent_gone_idx
	END IF;
	DELETE FROM metric_recent_as_of;
	INSERT INTO metric_recent_as_of (week) VALUES (target);
END
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_rebuild_part(parts integer, part integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	started timestamptz := clock_timestamp();
BEGIN
	INSERT INTO metric_person_weeks (person_id, area, week, contributions, points)
	SELECT c.person_id, a.akey, date_trunc('week', c.happened_on)::date, count(*), sum(coalesce(t.weight, 1))
	FROM contributions c
	CROSS JOIN LATERAL (VALUES (c.area), ('*')) AS a(akey)
	LEFT JOIN taxonomy_terms t ON t.kind = 'activity' AND t.slug = c.activity_type
	WHERE c.activity_type <> 'attended' AND abs(hashtext(c.person_id::text)) % parts = part
	GROUP BY 1, 2, 3;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_person_months (person_id, area, month, contributions)
	SELECT c.person_id, a.akey, date_trunc('month', c.happened_on)::date, count(*)
	FROM contributions c CROSS JOIN LATERAL (VALUES (c.area), ('*')) AS a(akey)
	WHERE c.activity_type <> 'attended' AND abs(hashtext(c.person_id::text)) % parts = part
	GROUP BY 1, 2, 3;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_person_check_ins (person_id, area, day, check_ins)
	SELECT ci.person_id, a.akey, (ci.checked_in_at AT TIME ZONE e.timezone)::date, count(*)
	FROM check_ins ci JOIN events e ON e.id = ci.event_id
	CROSS JOIN LATERAL (SELECT '*' UNION ALL SELECT e.area WHERE e.area IS NOT NULL) AS a(akey)
	WHERE abs(hashtext(ci.person_id::text)) % parts = part
	GROUP BY 1, 2, 3;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_person_state (person_id, area, first_check_in, converted)
	SELECT f.person_id, f.area, f.first, EXISTS (
		SELECT 1 FROM contributions c
		WHERE c.person_id = f.person_id AND c.happened_on BETWEEN f.first AND f.first + 90
			AND c.activity_type <> 'attended' AND (f.area = '*' OR c.area = f.area))
	FROM (
		SELECT person_id, area, min(day) AS first FROM metric_person_check_ins
		WHERE abs(hashtext(person_id::text)) % parts = part GROUP BY 1, 2
	) AS f;
	-- Each person's keys (country and groups while active), with statistics: the planner
	-- then hashes them instead of joining row by row.
	DROP TABLE IF EXISTS metric_rebuild_keys;
	CREATE TEMP TABLE metric_rebuild_keys ON COMMIT DROP AS
	SELECT p.id AS person_id,
		CASE WHEN p.status = 'active' THEN coalesce(p.country, '') ELSE '' END AS country,
		CASE WHEN p.status = 'active' THEN coalesce(m.groups, '{}') ELSE '{}' END AS groups
	FROM people p
	LEFT JOIN (SELECT person_id, array_agg(group_id ORDER BY group_id) AS groups FROM memberships
		WHERE status = 'member' GROUP BY 1) AS m ON m.person_id = p.id
	WHERE abs(hashtext(p.id::text)) % parts = part;
	ANALYZE metric_rebuild_keys;
	-- Each person and area key at the weeks where their state can change: their weeks of
	-- activity and the weeks 4, 8, 12 and 16 after each (when a week leaves a window: outside
	-- these weeks no window's content changes). The windows as in metric_flags but as ranges of
	-- days; each state's steps (+1 where it begins, -1 where it ends); the steps summed per set
	-- of keys (country and groups) then per key, and run into each week's count. The counted
	-- kinds (contributions, first weeks, gaps, check-ins) are added as they are. Sorted by key,
	-- so that parts running at once lock the shared rows in the same order.
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_counts AS t (area, country, group_id, kind, day, value)
	WITH activity AS (
		SELECT person_id, area, week, sum(c)::integer AS c, sum(pts)::integer AS pts, sum(chk)::integer AS chk FROM (
			SELECT person_id, area, week, contributions AS c, points AS pts, 0 AS chk
			FROM metric_person_weeks WHERE abs(hashtext(person_id::text)) % parts = part
			UNION ALL SELECT person_id, area, date_trunc('week', day)::date, 0, 0, check_ins
			FROM metric_person_check_ins WHERE abs(hashtext(person_id::text)) % parts = part
		) AS both_kinds GROUP BY 1, 2, 3
	), dense AS (
		-- One row per week (an active week and the weeks after others often coincide).
		SELECT person_id, area, week, sum(c)::integer AS c, sum(pts)::integer AS pts, sum(chk)::integer AS chk FROM (
			SELECT person_id, area, week, c, pts, chk FROM activity
			UNION ALL SELECT person_id, area, week + s.days, 0, 0, 0
			FROM activity CROSS JOIN (VALUES (28), (56), (84), (112)) AS s(days)
		) AS weeks_and_after GROUP BY 1, 2, 3
	), windows AS (
		SELECT person_id, area, week,
			sum(c) OVER (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '21 days' PRECEDING AND CURRENT ROW) AS recent,
			coalesce(sum(c) OVER (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '49 days' PRECEDING AND interval '28 days' PRECEDING), 0) AS before,
			metric_level(sum(pts) OVER w12, sum(chk) OVER w12 > 0) AS level,
			metric_level(coalesce(sum(pts) OVER w12then, 0), coalesce(sum(chk) OVER w12then, 0) > 0) AS level4
		FROM dense
		WINDOW w12 AS (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '77 days' PRECEDING AND CURRENT ROW),
			w12then AS (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '105 days' PRECEDING AND interval '28 days' PRECEDING)
	), states AS (
		SELECT person_id, area, week, (recent > 0)::integer AS act, (recent = 0 AND before > 0)::integer AS gone,
			level, (level > level4)::integer AS up
		FROM windows
	), steps AS (
		SELECT person_id, area, week, act - lag(act, 1, 0) OVER byweek AS act,
			gone - lag(gone, 1, 0) OVER byweek AS gone, level, lag(level, 1, 0) OVER byweek AS level0,
			up - lag(up, 1, 0) OVER byweek AS up
		FROM states
		WINDOW byweek AS (PARTITION BY person_id, area ORDER BY week)
	), changed AS (
		SELECT * FROM steps WHERE act <> 0 OR gone <> 0 OR level <> level0 OR up <> 0
	), flags AS (
		SELECT s.person_id, s.area, s.week AS day, d.kind, d.value, true AS step
		FROM changed s CROSS JOIN LATERAL (VALUES (1, s.act), (3, s.gone),
			(3 + s.level, CASE WHEN s.level <> s.level0 AND s.level > 0 THEN 1 ELSE 0 END),
			(3 + s.level0, CASE WHEN s.level <> s.level0 AND s.level0 > 0 THEN -1 ELSE 0 END),
			(8, s.up)) AS d(kind, value)
		WHERE d.value <> 0
		UNION ALL SELECT w.person_id, w.area, w.week, d.kind, d.value, false FROM (
			SELECT person_id, area, week, contributions,
				lag(week) OVER (PARTITION BY person_id, area ORDER BY week) AS prev
			FROM metric_person_weeks WHERE abs(hashtext(person_id::text)) % parts = part
		) AS w CROSS JOIN LATERAL (VALUES (11, w.contributions),
			(100 + least(coalesce((w.week - w.prev) / 7, 157), 157), 1),
			(2, CASE WHEN w.prev IS NULL THEN 1 ELSE 0 END)) AS d(kind, value)
		WHERE d.value <> 0
		UNION ALL SELECT person_id, area, first_check_in, 9, 1, false FROM metric_person_state
			WHERE abs(hashtext(person_id::text)) % parts = part
		UNION ALL SELECT person_id, area, first_check_in, 10, 1, false FROM metric_person_state
			WHERE converted AND abs(hashtext(person_id::text)) % parts = part
	), by_key_set AS (
		SELECT f.area, coalesce(pk.country, '') AS country, coalesce(pk.groups, '{}') AS groups,
			f.kind, f.day, f.step, sum(f.value) AS value
		FROM flags f LEFT JOIN metric_rebuild_keys pk ON pk.person_id = f.person_id
		GROUP BY 1, 2, 3, 4, 5, 6
	), by_key AS MATERIALIZED (
		SELECT s.area, c.country, g.group_id, s.kind, s.day, s.step, sum(s.value) AS value
		FROM by_key_set s
		CROSS JOIN LATERAL (SELECT '*' UNION ALL SELECT s.country WHERE s.country <> '') AS c(country)
		CROSS JOIN LATERAL unnest('{00000000-0000-0000-0000-000000000000}'::uuid[] || s.groups) AS g(group_id)
		GROUP BY 1, 2, 3, 4, 5, 6
	), spans AS (
		SELECT area, country, group_id, kind, min(day) AS lo, max(day) AS hi FROM by_key
		WHERE step GROUP BY 1, 2, 3, 4
	), runs AS (
		-- A row for every week of each key's span (filler), beside the steps: the running sum
		-- reaches each week with its peers, so the fillers carry each week's count.
		SELECT area, country, group_id, kind, day, filler,
			sum(value) OVER (PARTITION BY area, country, group_id, kind ORDER BY day) AS value
		FROM (
			SELECT area, country, group_id, kind, day, value, false AS filler FROM by_key WHERE step
			UNION ALL SELECT s.area, s.country, s.group_id, s.kind, g::date, 0, true
			FROM spans s CROSS JOIN LATERAL generate_series(s.lo, s.hi, interval '7 days') AS g
		) AS steps_and_weeks
	)
	SELECT area, country, group_id, kind, day, value::integer FROM (
		SELECT area, country, group_id, kind, day, value FROM runs WHERE filler AND value <> 0
		UNION ALL SELECT area, country, group_id, kind, day, value FROM by_key WHERE NOT step
	) AS counted
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (area, country, group_id, kind, day) DO UPDATE SET value = t.value + excluded.value;
	INSERT INTO metric_cohorts AS t (area, country, group_id, cohort, month, people)
	WITH firsts AS (
		SELECT person_id, area, min(month) AS cohort FROM metric_person_months
		WHERE abs(hashtext(person_id::text)) % parts = part GROUP BY 1, 2
	), by_key_set AS (
		SELECT m.area, coalesce(pk.country, '') AS country, coalesce(pk.groups, '{}') AS groups,
			f.cohort, m.month, count(*) AS people
		FROM metric_person_months m
		JOIN firsts f ON f.person_id = m.person_id AND f.area = m.area
		LEFT JOIN metric_rebuild_keys pk ON pk.person_id = m.person_id
		WHERE abs(hashtext(m.person_id::text)) % parts = part
		GROUP BY 1, 2, 3, 4, 5
	)
	SELECT s.area, c.country, g.group_id, s.cohort, s.month, sum(s.people)
	FROM by_key_set s
	CROSS JOIN LATERAL (SELECT '*' UNION ALL SELECT s.country WHERE s.country <> '') AS c(country)
	CROSS JOIN LATERAL unnest('{00000000-0000-0000-0000-000000000000}'::uuid[] || s.groups) AS g(group_id)
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (area, country, group_id, cohort, month) DO UPDATE SET people = t.people + excluded.people;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_event_people AS t (event_id, country, group_id, registrations, check_ins)
	WITH people_keys AS (
		SELECT person_id, metric_keys_of(nullif(country, ''), true, groups) AS keys FROM metric_rebuild_keys
	), attendance AS (
		SELECT event_id, person_id, 1 AS registrations, 0 AS check_ins FROM registrations WHERE status = 'registered'
		UNION ALL SELECT event_id, person_id, 0, 1 FROM check_ins
	)
	SELECT a.event_id, k.country, k.group_id, sum(a.registrations), sum(a.check_ins)
	FROM attendance a JOIN people_keys pk ON pk.person_id = a.person_id, unnest(pk.keys) AS k
	GROUP BY 1, 2, 3
	ORDER BY 1, 2, 3
	ON CONFLICT (event_id, country, group_id) DO UPDATE
		SET registrations = t.registrations + excluded.registrations, check_ins = t.check_ins + excluded.check_ins;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_person_recent (person_id, area, country, groups, c12, c26, c52)
	SELECT w.person_id, w.area, min(nullif(pk.country, '')), coalesce(min(pk.groups), '{}'),
		coalesce(sum(w.contributions) FILTER (WHERE w.week >= a.week - 77), 0),
		coalesce(sum(w.contributions) FILTER (WHERE w.week >= a.week - 175), 0), sum(w.contributions)
	FROM metric_person_weeks w JOIN metric_recent_as_of a ON w.week BETWEEN a.week - 357 AND a.week
	LEFT JOIN metric_rebuild_keys pk ON pk.person_id = w.person_id
	WHERE abs(hashtext(w.person_id::text)) % parts = part
	GROUP BY 1, 2;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
END
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_absence_top(akey text, ckey text, gkey uuid, weeks integer, total bigint,
	OUT factor integer, OUT carried bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h record;
	taken bigint;
BEGIN
	factor := 0;
	carried := 0;
	FOR h IN
		SELECT t.contributions, t.people FROM metric_recent_histogram t
		WHERE t.area = akey AND t.country = ckey AND t.group_id = gkey AND t.weeks = metric_absence_top.weeks
			AND t.people > 0
		ORDER BY t.contributions DESC
	LOOP
		EXIT WHEN total <= 0 OR carried * 2 >= total;
		-- As many of this bucket's people as half the contributions still needs.
		taken := least(h.people, ceil((total - carried * 2)::numeric / (2 * h.contributions))::bigint);
		factor := factor + taken;
		carried := carried + taken * h.contributions;
	END LOOP;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_people_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	group_ids uuid[] := metric_groups(NEW.id);
BEGIN
	PERFORM metric_move_person(NEW.id,
		metric_keys_of(OLD.country, OLD.status = 'active', group_ids),
		metric_keys_of(NEW.country, NEW.status = 'active', group_ids));
	UPDATE metric_person_recent SET country = CASE WHEN NEW.status = 'active' THEN NEW.country END,
		groups = CASE WHEN NEW.status = 'active' THEN group_ids ELSE '{}' END
	WHERE person_id = NEW.id;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_memberships_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	p uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.person_id ELSE NEW.person_id END;
	now_groups uuid[] := metric_groups(p);
	then_groups uuid[] := now_groups;
	person record;
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'member' THEN
		then_groups := array_remove(then_groups, NEW.group_id);
	END IF;
	IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'member' THEN
		then_groups := array_append(array_remove(then_groups, OLD.group_id), OLD.group_id);
	END IF;
	SELECT country, status INTO person FROM people WHERE id = p;
	IF FOUND THEN
		PERFORM metric_move_person(p,
			metric_keys_of(person.country, person.status = 'active', then_groups),
			metric_keys_of(person.country, person.status = 'active', now_groups));
		IF person.status = 'active' THEN
			UPDATE metric_person_recent SET groups = now_groups WHERE person_id = p;
		END IF;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
UPDATE metric_person_recent r SET groups = g.groups
FROM (SELECT m.person_id, array_agg(m.group_id) AS groups FROM memberships m
	JOIN people p ON p.id = m.person_id AND p.status = 'active'
	WHERE m.status = 'member' GROUP BY 1) AS g
WHERE g.person_id = r.person_id;
--> statement-breakpoint
SELECT metric_histogram_recount();
--> statement-breakpoint
CREATE TRIGGER metric_recent_histogram_insert AFTER INSERT ON metric_person_recent
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_recent_histogram_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_recent_histogram_update AFTER UPDATE ON metric_person_recent
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION metric_recent_histogram_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_recent_histogram_delete AFTER DELETE ON metric_person_recent
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_recent_histogram_trigger();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_rebuild_start() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE metric_person_weeks, metric_person_months, metric_person_check_ins, metric_person_state,
		metric_counts, metric_cohorts, metric_event_people, metric_person_recent, metric_recent_histogram;
	INSERT INTO metric_recent_as_of (week)
	SELECT date_trunc('week', current_date)::date WHERE NOT EXISTS (SELECT 1 FROM metric_recent_as_of);
END
$$;
