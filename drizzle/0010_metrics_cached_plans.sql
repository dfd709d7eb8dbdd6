-- The metrics triggers' helpers in PL/pgSQL: a SQL function that is not inlined is planned
-- again on every call of every transaction, a PL/pgSQL one keeps its plans for the session (an
-- incoming contribution called metric_flags and metric_pairs four times each). metric_flags
-- also reads a person's weeks with one range instead of a lookup per week.
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
	), gaps AS (
		-- The active weeks from lo to the first one after hi (whose gap a change in lo..hi moves).
		SELECT week, 100 + least(coalesce((week - prev) / 7, 157), 157) AS kind FROM (
			SELECT week, lag(week) OVER (ORDER BY week) AS prev FROM metric_person_weeks
			WHERE person_id = p AND area = akey AND week >= lo - 1099
		) AS runs
		WHERE week >= lo AND week <= coalesce((SELECT min(week) FROM metric_person_weeks
			WHERE person_id = p AND area = akey AND week > hi), hi)
	), flags AS (
		SELECT week AS day, 1 AS kind, 1 AS value FROM levels WHERE week >= lo AND recent > 0
		UNION ALL SELECT week, 3, 1 FROM levels WHERE week >= lo AND recent = 0 AND before > 0
		UNION ALL SELECT week, 3 + level, 1 FROM levels WHERE week >= lo AND level > 0
		UNION ALL SELECT week, 8, 1 FROM levels WHERE week >= lo AND level > level4
		UNION ALL SELECT week, 11, c FROM levels WHERE week >= lo AND c <> 0
		UNION ALL SELECT week, kind, 1 FROM gaps
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
CREATE OR REPLACE FUNCTION metric_pairs(p uuid, akey text) RETURNS metric_pair[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT coalesce(array_agg(ROW(first.month, m.month)::metric_pair), '{}')
		FROM (SELECT min(month) AS month FROM metric_person_months WHERE person_id = p AND area = akey) AS first,
			metric_person_months m
		WHERE m.person_id = p AND m.area = akey
	);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_groups(p uuid) RETURNS uuid[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(array_agg(group_id), '{}') FROM memberships WHERE person_id = p AND status = 'member');
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION metric_keys(p uuid) RETURNS metric_key[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce(
		(SELECT metric_keys_of(country, status = 'active', metric_groups(p)) FROM people WHERE id = p),
		ARRAY[ROW('*', '00000000-0000-0000-0000-000000000000'::uuid)::metric_key]);
END
$$;
