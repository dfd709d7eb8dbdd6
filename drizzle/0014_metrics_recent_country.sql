-- The absence factor for one country walked people busiest first and looked each one up in
-- people: metric_person_recent keeps the person's country (while active) beside the counts.
ALTER TABLE "metric_person_recent" ADD COLUMN "country" text;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_contributions_apply(changes metric_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	keys metric_key[];
	old_flags metric_flag[];
	old_pairs metric_pair[];
	last_person uuid;
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
		INSERT INTO metric_person_recent AS t (person_id, area, country, c12, c26, c52)
		SELECT r.person_id, r.akey,
			(SELECT p.country FROM people p WHERE p.id = r.person_id AND p.status = 'active'),
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
		DELETE FROM metric_person_recent;
		INSERT INTO metric_person_recent (person_id, area, country, c12, c26, c52)
		SELECT w.person_id, w.area, min(p.country),
			coalesce(sum(w.contributions) FILTER (WHERE w.week >= target - 77), 0),
			coalesce(sum(w.contributions) FILTER (WHERE w.week >= target - 175), 0), sum(w.contributions)
		FROM metric_person_weeks w LEFT JOIN people p ON p.id = w.person_id AND p.status = 'active'
		WHERE w.week BETWEEN target - 357 AND target
		GROUP BY 1, 2;
	ELSE
		WHILE current < target LOOP
			current := current + 7;
			-- week `current` enters every period; current - 84, - 182 and - 364 leave one each.
			INSERT INTO metric_person_recent AS t (person_id, area, country, c12, c26, c52)
			WITH RECURSIVE areas AS (
				SELECT min(area) AS area FROM metric_person_weeks
				UNION ALL SELECT (SELECT min(w.area) FROM metric_person_weeks w WHERE w.area > areas.area)
				FROM areas WHERE areas.area IS NOT NULL
			)
			SELECT w.person_id, w.area,
				(SELECT p.country FROM people p WHERE p.id = w.person_id AND p.status = 'active'),
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
	INSERT INTO metric_person_recent (person_id, area, country, c12, c26, c52)
	SELECT w.person_id, w.area, min(nullif(pk.country, '')),
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
	n integer;
BEGIN
	factor := 0;
	carried := 0;
	IF total <= 0 OR weeks NOT IN (12, 26, 52) THEN
		RETURN;
	END IF;
	IF gkey <> '00000000-0000-0000-0000-000000000000'::uuid AND (
		SELECT count(*) FROM (SELECT 1 FROM memberships WHERE group_id = gkey LIMIT 50001) AS m
	) <= 50000 THEN
		EXECUTE format($q$
			SELECT count(*)::integer, coalesce(sum(c), 0)::bigint FROM (
				SELECT c, sum(c) OVER (ORDER BY c DESC ROWS UNBOUNDED PRECEDING) AS upto FROM (
					SELECT r.%1$I AS c FROM memberships m
					JOIN people p ON p.id = m.person_id
					JOIN metric_person_recent r ON r.person_id = m.person_id AND r.area = $1
					WHERE m.group_id = $3 AND m.status = 'member' AND p.status = 'active'
						AND ($2 = '*' OR p.country = $2) AND r.%1$I > 0
				) AS members
			) AS ranked
			WHERE (upto - c) * 2 < $4$q$, 'c' || weeks)
		INTO factor, carried USING akey, ckey, gkey, total;
		RETURN;
	END IF;
	FOR n IN EXECUTE format($q$
		SELECT r.%1$I FROM metric_person_recent r
		WHERE r.area = $1 AND r.%1$I > 0
			AND ($2 = '*' OR r.country = $2)
			AND ($3 = '00000000-0000-0000-0000-000000000000'::uuid OR EXISTS (
				SELECT 1 FROM memberships m JOIN people p ON p.id = m.person_id
				WHERE m.person_id = r.person_id AND m.group_id = $3 AND m.status = 'member'
					AND p.status = 'active'))
		ORDER BY r.%1$I DESC$q$, 'c' || weeks) USING akey, ckey, gkey
	LOOP
		EXIT WHEN carried * 2 >= total;
		factor := factor + 1;
		carried := carried + n;
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
	UPDATE metric_person_recent SET country = CASE WHEN NEW.status = 'active' THEN NEW.country END
	WHERE person_id = NEW.id;
	RETURN NULL;
END
$$;
--> statement-breakpoint
UPDATE metric_person_recent r SET country = p.country FROM people p WHERE p.id = r.person_id AND p.status = 'active';
