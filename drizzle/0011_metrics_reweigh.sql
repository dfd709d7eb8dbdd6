-- An activity's weight changed: only the engagement levels and promotions (kinds 4..8) of the
-- people with contributions of that activity move. Their level counts are taken off, their
-- weekly points corrected, and their level counts added again (set-based, as the rebuild
-- counts them), instead of rebuilding every rollup. A renamed term (or kind) still rebuilds.
CREATE FUNCTION metric_add_levels(sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO metric_counts AS t (area, country, group_id, kind, day, value)
	WITH people_keys AS (
		SELECT r.person_id,
			CASE WHEN p.status = 'active' THEN coalesce(p.country, '') ELSE '' END AS country,
			CASE WHEN p.status = 'active' THEN coalesce((SELECT array_agg(m.group_id ORDER BY m.group_id)
				FROM memberships m WHERE m.person_id = r.person_id AND m.status = 'member'), '{}')
				ELSE '{}' END AS groups
		FROM metric_reweigh_people r LEFT JOIN people p ON p.id = r.person_id
	), activity AS (
		SELECT person_id, area, week, sum(pts)::integer AS pts, sum(chk)::integer AS chk FROM (
			SELECT w.person_id, w.area, w.week, w.points AS pts, 0 AS chk
			FROM metric_person_weeks w JOIN metric_reweigh_people r ON r.person_id = w.person_id
			UNION ALL SELECT ci.person_id, ci.area, date_trunc('week', ci.day)::date, 0, ci.check_ins
			FROM metric_person_check_ins ci JOIN metric_reweigh_people r ON r.person_id = ci.person_id
		) AS both_kinds GROUP BY 1, 2, 3
	), dense AS (
		SELECT person_id, area, week, sum(pts)::integer AS pts, sum(chk)::integer AS chk FROM (
			SELECT person_id, area, week, pts, chk FROM activity
			UNION ALL SELECT person_id, area, week + s.days, 0, 0
			FROM activity CROSS JOIN (VALUES (28), (84), (112)) AS s(days)
		) AS weeks_and_after GROUP BY 1, 2, 3
	), windows AS (
		SELECT person_id, area, week,
			metric_level(sum(pts) OVER w12, sum(chk) OVER w12 > 0) AS level,
			metric_level(coalesce(sum(pts) OVER w12then, 0), coalesce(sum(chk) OVER w12then, 0) > 0) AS level4
		FROM dense
		WINDOW w12 AS (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '77 days' PRECEDING AND CURRENT ROW),
			w12then AS (PARTITION BY person_id, area ORDER BY week
				RANGE BETWEEN interval '105 days' PRECEDING AND interval '28 days' PRECEDING)
	), steps AS (
		SELECT person_id, area, week, level, lag(level, 1, 0) OVER byweek AS level0,
			(level > level4)::integer - lag((level > level4)::integer, 1, 0) OVER byweek AS up
		FROM windows
		WINDOW byweek AS (PARTITION BY person_id, area ORDER BY week)
	), by_key AS MATERIALIZED (
		SELECT s.area, c.country, g.group_id, d.kind, s.week AS day, true AS step, sum(d.value) AS value
		FROM steps s
		CROSS JOIN LATERAL (VALUES
			(3 + s.level, CASE WHEN s.level <> s.level0 AND s.level > 0 THEN 1 ELSE 0 END),
			(3 + s.level0, CASE WHEN s.level <> s.level0 AND s.level0 > 0 THEN -1 ELSE 0 END),
			(8, s.up)) AS d(kind, value)
		JOIN people_keys pk ON pk.person_id = s.person_id
		CROSS JOIN LATERAL (SELECT '*' UNION ALL SELECT pk.country WHERE pk.country <> '') AS c(country)
		CROSS JOIN LATERAL unnest('{00000000-0000-0000-0000-000000000000}'::uuid[] || pk.groups) AS g(group_id)
		WHERE d.value <> 0
		GROUP BY 1, 2, 3, 4, 5
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
	SELECT area, country, group_id, kind, day, (sign * value)::integer FROM runs
	WHERE filler AND value <> 0
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (area, country, group_id, kind, day) DO UPDATE SET value = t.value + excluded.value;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_taxonomy_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	term text;
	weight_then integer;
	weight_now integer;
BEGIN
	IF TG_OP = 'UPDATE' AND (OLD.slug <> NEW.slug OR OLD.kind <> NEW.kind) THEN
		PERFORM metric_rebuild();
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		term := OLD.slug;
		weight_then := coalesce(OLD.weight, 1);
		weight_now := 1;
	ELSIF TG_OP = 'INSERT' THEN
		term := NEW.slug;
		weight_then := 1;
		weight_now := coalesce(NEW.weight, 1);
	ELSE
		term := NEW.slug;
		weight_then := coalesce(OLD.weight, 1);
		weight_now := coalesce(NEW.weight, 1);
	END IF;
	IF term = 'attended' OR weight_then = weight_now THEN
		RETURN NULL;
	END IF;
	DROP TABLE IF EXISTS metric_reweigh_people;
	CREATE TEMP TABLE metric_reweigh_people ON COMMIT DROP AS
	SELECT DISTINCT person_id FROM contributions WHERE activity_type = term;
	ANALYZE metric_reweigh_people;
	PERFORM metric_add_levels(-1);
	UPDATE metric_person_weeks w SET points = w.points + d.n * (weight_now - weight_then)
	FROM (
		SELECT c.person_id, a.akey, date_trunc('week', c.happened_on)::date AS week, count(*)::integer AS n
		FROM contributions c CROSS JOIN LATERAL (VALUES (c.area), ('*')) AS a(akey)
		WHERE c.activity_type = term
		GROUP BY 1, 2, 3
	) AS d
	WHERE w.person_id = d.person_id AND w.area = d.akey AND w.week = d.week;
	PERFORM metric_add_levels(1);
	DROP TABLE metric_reweigh_people;
	RETURN NULL;
END
$$;
