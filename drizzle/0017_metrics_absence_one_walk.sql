-- The absence factor is walked once, in domain/metrics.ts absenceOf, over a histogram of
-- people per number of contributions: metric_recent_histogram for the preset periods (its
-- people are the period's contributors), the people's weeks otherwise. metric_counts' kinds
-- that only it read (11, contributions per week; above 100, contributors by gap since their
-- previous week) and the walk in SQL go.
DROP FUNCTION IF EXISTS metric_absence_top(text, text, uuid, integer, bigint);
--> statement-breakpoint
DELETE FROM metric_counts WHERE kind = 11 OR kind > 100;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_flags(p uuid, akey text, lo date, hi date) RETURNS metric_flag[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
	WITH weeks AS (
		SELECT g::date AS week FROM generate_series(lo - 105, hi + 105, interval '7 days') AS g
	), checks AS (
		SELECT date_trunc('week', day)::date AS week, sum(check_ins) AS n
		FROM metric_person_check_ins
		WHERE person_id = p AND area = akey AND day BETWEEN lo - 105 AND hi + 111
		GROUP BY 1
	), dense AS (
		SELECT weeks.week, coalesce(w.contributions, 0) AS c, coalesce(w.points, 0) AS pts,
			coalesce(checks.n, 0) AS chk
		FROM weeks
		LEFT JOIN (
			SELECT week, contributions, points FROM metric_person_weeks
			WHERE person_id = p AND area = akey AND week BETWEEN lo - 105 AND hi + 105
		) AS w ON w.week = weeks.week
		LEFT JOIN checks ON checks.week = weeks.week
	), windows AS (
		SELECT week, c,
			sum(c) OVER (ORDER BY week ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS recent,
			sum(c) OVER (ORDER BY week ROWS BETWEEN 7 PRECEDING AND 4 PRECEDING) AS before,
			metric_level(sum(pts) OVER (ORDER BY week ROWS BETWEEN 11 PRECEDING AND CURRENT ROW),
				sum(chk) OVER (ORDER BY week ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) > 0) AS level
		FROM dense
	), levels AS (
		SELECT *, lag(level, 4) OVER (ORDER BY week) AS level4 FROM windows
	), flags AS (
		SELECT week AS day, 1 AS kind, 1 AS value FROM levels WHERE week >= lo AND recent > 0
		UNION ALL SELECT week, 3, 1 FROM levels WHERE week >= lo AND recent = 0 AND before > 0
		UNION ALL SELECT week, 3 + level, 1 FROM levels WHERE week >= lo AND level > 0
		UNION ALL SELECT week, 8, 1 FROM levels WHERE week >= lo AND level > level4
		UNION ALL SELECT min(week), 2, 1 FROM metric_person_weeks
			WHERE person_id = p AND area = akey HAVING min(week) IS NOT NULL
		UNION ALL SELECT first_check_in, 9, 1 FROM metric_person_state WHERE person_id = p AND area = akey
		UNION ALL SELECT first_check_in, 10, 1 FROM metric_person_state
			WHERE person_id = p AND area = akey AND converted
	)
	SELECT coalesce(array_agg(ROW(day, kind, value)::metric_flag), '{}') FROM flags
	);
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
	-- kinds (first weeks, first check-ins, conversions) are added as they are. Sorted by key,
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
		UNION ALL SELECT person_id, area, min(week), 2, 1, false FROM metric_person_weeks
			WHERE abs(hashtext(person_id::text)) % parts = part GROUP BY 1, 2
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

