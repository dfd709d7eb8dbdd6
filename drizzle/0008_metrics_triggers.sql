-- Community metrics: the triggers that keep the rollups of 0007 fresh, and their backfill.
-- Definitions: src/lib/domain/metrics.ts. Kinds of metric_counts (server/metrics/queries.ts):
-- 1 active (a contribution in W-3..W), 2 new (first contribution's week), 3 newly inactive,
-- 4..7 engagement level exploring/participating/contributing/leading at W, 8 promoted (level
-- at W above level at W-4), 9 first check-in (by day), 10 converted (by first check-in day),
-- 11 contributions (by week, a count, not people).
-- A person is counted under every key (country, group) they belong to: ('*', all groups)
-- always; when active, also their country and each group they are a member of.
CREATE TYPE metric_flag AS (day date, kind integer, value integer);
--> statement-breakpoint
CREATE TYPE metric_pair AS (cohort date, month date);
--> statement-breakpoint
CREATE TYPE metric_key AS (country text, group_id uuid);
--> statement-breakpoint
CREATE TYPE metric_change AS (person_id uuid, area text, activity_type text, happened_on date, sign integer);
--> statement-breakpoint
CREATE INDEX metric_person_weeks_area_week_idx ON metric_person_weeks (area, week) INCLUDE (person_id, contributions);
--> statement-breakpoint
CREATE INDEX metric_event_people_key_idx ON metric_event_people (country, group_id, event_id) INCLUDE (registrations, check_ins);
--> statement-breakpoint
CREATE FUNCTION metric_level(score bigint, checked_in boolean) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN score >= 20 THEN 4 WHEN score >= 5 THEN 3 WHEN score >= 1 THEN 2
		WHEN checked_in THEN 1 ELSE 0 END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_weight(activity text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT weight FROM taxonomy_terms WHERE kind = 'activity' AND slug = activity), 1)
$$;
--> statement-breakpoint
-- The keys of a person with this country, status and groups.
CREATE FUNCTION metric_keys_of(country text, active boolean, group_ids uuid[]) RETURNS metric_key[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT array_agg(ROW(c, g)::metric_key)
	FROM unnest(CASE WHEN active AND country IS NOT NULL THEN ARRAY['*', country] ELSE ARRAY['*'] END) AS c,
		unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid]
			|| CASE WHEN active THEN coalesce(group_ids, '{}') ELSE '{}' END) AS g
$$;
--> statement-breakpoint
CREATE FUNCTION metric_groups(p uuid) RETURNS uuid[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(group_id), '{}') FROM memberships WHERE person_id = p AND status = 'member'
$$;
--> statement-breakpoint
CREATE FUNCTION metric_keys(p uuid) RETURNS metric_key[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(
		(SELECT metric_keys_of(country, status = 'active', metric_groups(p)) FROM people WHERE id = p),
		ARRAY[ROW('*', '00000000-0000-0000-0000-000000000000'::uuid)::metric_key])
$$;
--> statement-breakpoint
-- A person's counts for one area key from week lo to week hi + 15 (what a change in lo..hi can
-- alter), plus their first contribution and first check-in (wherever they fall).
CREATE FUNCTION metric_flags(p uuid, akey text, lo date, hi date) RETURNS metric_flag[]
LANGUAGE sql STABLE AS $$
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
		LEFT JOIN metric_person_weeks w ON w.person_id = p AND w.area = akey AND w.week = weeks.week
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
		UNION ALL SELECT week, 11, c FROM levels WHERE week >= lo AND c <> 0
		UNION ALL SELECT min(week), 2, 1 FROM metric_person_weeks
			WHERE person_id = p AND area = akey HAVING min(week) IS NOT NULL
		UNION ALL SELECT first_check_in, 9, 1 FROM metric_person_state WHERE person_id = p AND area = akey
		UNION ALL SELECT first_check_in, 10, 1 FROM metric_person_state
			WHERE person_id = p AND area = akey AND converted
	)
	SELECT coalesce(array_agg(ROW(day, kind, value)::metric_flag), '{}') FROM flags
$$;
--> statement-breakpoint
-- All of a person's flags for one area key.
CREATE FUNCTION metric_all_flags(p uuid, akey text) RETURNS metric_flag[]
LANGUAGE sql STABLE AS $$
	SELECT metric_flags(p, akey, min(week), max(week)) FROM (
		SELECT week FROM metric_person_weeks WHERE person_id = p AND area = akey
		UNION ALL SELECT date_trunc('week', day)::date FROM metric_person_check_ins
			WHERE person_id = p AND area = akey
	) AS spans HAVING min(week) IS NOT NULL
$$;
--> statement-breakpoint
CREATE FUNCTION metric_pairs(p uuid, akey text) RETURNS metric_pair[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(ROW(first.month, m.month)::metric_pair), '{}')
	FROM (SELECT min(month) AS month FROM metric_person_months WHERE person_id = p AND area = akey) AS first,
		metric_person_months m
	WHERE m.person_id = p AND m.area = akey
$$;
--> statement-breakpoint
-- Add new - old flags (and cohort pairs) to the counts under each key.
CREATE FUNCTION metric_add(akey text, keys metric_key[], old_flags metric_flag[], new_flags metric_flag[],
	old_pairs metric_pair[], new_pairs metric_pair[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO metric_counts AS t (area, country, group_id, kind, day, value)
	SELECT akey, k.country, k.group_id, d.kind, d.day, d.value
	FROM (
		SELECT day, kind, sum(value)::integer AS value FROM (
			SELECT day, kind, value FROM unnest(new_flags)
			UNION ALL SELECT day, kind, -value FROM unnest(old_flags)
		) AS both_sides GROUP BY day, kind HAVING sum(value) <> 0
	) AS d, unnest(keys) AS k
	ON CONFLICT (area, country, group_id, kind, day) DO UPDATE SET value = t.value + excluded.value;
	INSERT INTO metric_cohorts AS t (area, country, group_id, cohort, month, people)
	SELECT akey, k.country, k.group_id, d.cohort, d.month, d.value
	FROM (
		SELECT cohort, month, sum(value)::integer AS value FROM (
			SELECT cohort, month, 1 AS value FROM unnest(new_pairs)
			UNION ALL SELECT cohort, month, -1 FROM unnest(old_pairs)
		) AS both_sides GROUP BY cohort, month HAVING sum(value) <> 0
	) AS d, unnest(keys) AS k
	ON CONFLICT (area, country, group_id, cohort, month) DO UPDATE SET people = t.people + excluded.people;
END
$$;
--> statement-breakpoint
-- The first check-in and conversion of a person for one area key, from the rollups and contributions.
CREATE FUNCTION metric_refresh_state(p uuid, akey text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	first date;
BEGIN
	SELECT min(day) INTO first FROM metric_person_check_ins WHERE person_id = p AND area = akey;
	IF first IS NULL THEN
		DELETE FROM metric_person_state WHERE person_id = p AND area = akey;
		RETURN;
	END IF;
	INSERT INTO metric_person_state AS t (person_id, area, first_check_in, converted)
	VALUES (p, akey, first, EXISTS (
		SELECT 1 FROM contributions c
		WHERE c.person_id = p AND c.happened_on BETWEEN first AND first + 90
			AND c.activity_type <> 'attended' AND (akey = '*' OR c.area = akey)))
	ON CONFLICT (person_id, area) DO UPDATE
		SET first_check_in = excluded.first_check_in, converted = excluded.converted;
END
$$;
--> statement-breakpoint
-- Contributions changed (one statement's rows): the person rollups, then each touched
-- (person, area key)'s counts from the difference of their flags before and after.
CREATE FUNCTION metric_contributions_apply(changes metric_change[]) RETURNS void
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
		PERFORM metric_refresh_state(r.person_id, r.akey);
		PERFORM metric_add(r.akey, keys, old_flags, metric_flags(r.person_id, r.akey, r.lo, r.hi),
			old_pairs, metric_pairs(r.person_id, r.akey));
	END LOOP;
END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_contributions_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	changes metric_change[];
BEGIN
	-- What counts of a row: an edit of its description or a re-stamp changes nothing here.
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(ROW(person_id, area, activity_type, happened_on, n)::metric_change) INTO changes
		FROM (SELECT person_id, area, activity_type, happened_on, count(*)::integer AS n FROM new_rows
			WHERE activity_type <> 'attended' GROUP BY 1, 2, 3, 4) AS added;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(ROW(person_id, area, activity_type, happened_on, -n)::metric_change) INTO changes
		FROM (SELECT person_id, area, activity_type, happened_on, count(*)::integer AS n FROM old_rows
			WHERE activity_type <> 'attended' GROUP BY 1, 2, 3, 4) AS removed;
	ELSE
		SELECT array_agg(ROW(person_id, area, activity_type, happened_on, n)::metric_change) INTO changes
		FROM (
			SELECT person_id, area, activity_type, happened_on, sum(sign)::integer AS n FROM (
				SELECT person_id, area, activity_type, happened_on, 1 AS sign FROM new_rows
				UNION ALL SELECT person_id, area, activity_type, happened_on, -1 FROM old_rows
			) AS both_sides
			WHERE activity_type <> 'attended'
			GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
		) AS moved;
	END IF;
	IF changes IS NOT NULL THEN
		PERFORM metric_contributions_apply(changes);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_contributions_insert AFTER INSERT ON contributions
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_contributions_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_contributions_update AFTER UPDATE ON contributions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION metric_contributions_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_contributions_delete AFTER DELETE ON contributions
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_contributions_trigger();
--> statement-breakpoint
-- One check-in (sign 1) or its removal (-1) at `day` of an event in `event_area`.
CREATE FUNCTION metric_check_in(p uuid, p_event uuid, event_area text, p_day date, p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	keys metric_key[] := metric_keys(p);
	akey text;
	week date := date_trunc('week', p_day)::date;
	old_flags metric_flag[];
BEGIN
	FOREACH akey IN ARRAY CASE WHEN event_area IS NULL THEN ARRAY['*'] ELSE ARRAY['*', event_area] END LOOP
		old_flags := metric_flags(p, akey, week, week);
		INSERT INTO metric_person_check_ins AS t (person_id, area, day, check_ins)
		VALUES (p, akey, p_day, p_sign)
		ON CONFLICT (person_id, area, day) DO UPDATE SET check_ins = t.check_ins + excluded.check_ins;
		DELETE FROM metric_person_check_ins t
		WHERE t.person_id = p AND t.area = akey AND t.day = p_day AND t.check_ins = 0;
		PERFORM metric_refresh_state(p, akey);
		PERFORM metric_add(akey, keys, old_flags, metric_flags(p, akey, week, week), '{}', '{}');
	END LOOP;
	INSERT INTO metric_event_people AS t (event_id, country, group_id, registrations, check_ins)
	SELECT p_event, k.country, k.group_id, 0, p_sign FROM unnest(keys) AS k
	ON CONFLICT (event_id, country, group_id) DO UPDATE SET check_ins = t.check_ins + excluded.check_ins;
END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_check_ins_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	e record;
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		SELECT area, timezone INTO e FROM events WHERE id = OLD.event_id;
		IF FOUND THEN
			PERFORM metric_check_in(OLD.person_id, OLD.event_id, e.area,
				(OLD.checked_in_at AT TIME ZONE e.timezone)::date, -1);
		END IF;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		SELECT area, timezone INTO e FROM events WHERE id = NEW.event_id;
		PERFORM metric_check_in(NEW.person_id, NEW.event_id, e.area,
			(NEW.checked_in_at AT TIME ZONE e.timezone)::date, 1);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_check_ins AFTER INSERT OR DELETE OR UPDATE OF person_id, event_id, checked_in_at ON check_ins
	FOR EACH ROW EXECUTE FUNCTION metric_check_ins_trigger();
--> statement-breakpoint
CREATE FUNCTION metric_registrations_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'registered' THEN
		INSERT INTO metric_event_people AS t (event_id, country, group_id, registrations, check_ins)
		SELECT OLD.event_id, k.country, k.group_id, -1, 0 FROM unnest(metric_keys(OLD.person_id)) AS k
		ON CONFLICT (event_id, country, group_id) DO UPDATE SET registrations = t.registrations - 1;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'registered' THEN
		INSERT INTO metric_event_people AS t (event_id, country, group_id, registrations, check_ins)
		SELECT NEW.event_id, k.country, k.group_id, 1, 0 FROM unnest(metric_keys(NEW.person_id)) AS k
		ON CONFLICT (event_id, country, group_id) DO UPDATE SET registrations = t.registrations + 1;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_registrations AFTER INSERT OR DELETE OR UPDATE OF person_id, event_id, status ON registrations
	FOR EACH ROW EXECUTE FUNCTION metric_registrations_trigger();
--> statement-breakpoint
-- A person's keys changed (country, status, a membership): take everything of theirs off the
-- keys they left and put it on the keys they joined.
CREATE FUNCTION metric_move_person(p uuid, old_keys metric_key[], new_keys metric_key[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	left_keys metric_key[];
	joined_keys metric_key[];
	akey text;
	flags metric_flag[];
	pairs metric_pair[];
BEGIN
	SELECT coalesce(array_agg(k), '{}') INTO left_keys
	FROM (SELECT * FROM unnest(old_keys) EXCEPT SELECT * FROM unnest(new_keys)) AS k;
	SELECT coalesce(array_agg(k), '{}') INTO joined_keys
	FROM (SELECT * FROM unnest(new_keys) EXCEPT SELECT * FROM unnest(old_keys)) AS k;
	IF cardinality(left_keys) = 0 AND cardinality(joined_keys) = 0 THEN
		RETURN;
	END IF;
	FOR akey IN
		SELECT DISTINCT area FROM metric_person_weeks WHERE person_id = p
		UNION SELECT DISTINCT area FROM metric_person_check_ins WHERE person_id = p
	LOOP
		flags := coalesce(metric_all_flags(p, akey), '{}');
		pairs := metric_pairs(p, akey);
		PERFORM metric_add(akey, left_keys, flags, '{}', pairs, '{}');
		PERFORM metric_add(akey, joined_keys, '{}', flags, '{}', pairs);
	END LOOP;
	INSERT INTO metric_event_people AS t (event_id, country, group_id, registrations, check_ins)
	SELECT e.event_id, k.country, k.group_id, sum(s.sign * e.registrations), sum(s.sign * e.check_ins)
	FROM (
		SELECT event_id, (status = 'registered')::integer AS registrations, 0 AS check_ins
		FROM registrations WHERE person_id = p
		UNION ALL SELECT event_id, 0, 1 FROM check_ins WHERE person_id = p
	) AS e,
	(VALUES (-1, left_keys), (1, joined_keys)) AS s(sign, keys),
	unnest(s.keys) AS k
	GROUP BY 1, 2, 3
	ON CONFLICT (event_id, country, group_id) DO UPDATE
		SET registrations = t.registrations + excluded.registrations, check_ins = t.check_ins + excluded.check_ins;
END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_people_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	group_ids uuid[] := metric_groups(NEW.id);
BEGIN
	PERFORM metric_move_person(NEW.id,
		metric_keys_of(OLD.country, OLD.status = 'active', group_ids),
		metric_keys_of(NEW.country, NEW.status = 'active', group_ids));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_people AFTER UPDATE OF country, status ON people
	FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country OR (OLD.status = 'active') <> (NEW.status = 'active'))
	EXECUTE FUNCTION metric_people_trigger();
--> statement-breakpoint
CREATE FUNCTION metric_memberships_trigger() RETURNS trigger
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
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_memberships AFTER INSERT OR DELETE OR UPDATE OF status, group_id, person_id ON memberships
	FOR EACH ROW EXECUTE FUNCTION metric_memberships_trigger();
--> statement-breakpoint
-- An event's area or time zone decides its check-ins' area key and day: move them; before an
-- event is deleted its check-ins go first (while the event still says where they count).
CREATE FUNCTION metric_events_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	c record;
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM check_ins WHERE event_id = OLD.id;
		DELETE FROM registrations WHERE event_id = OLD.id;
		DELETE FROM metric_event_people WHERE event_id = OLD.id;
		RETURN OLD;
	END IF;
	FOR c IN SELECT person_id, checked_in_at FROM check_ins WHERE event_id = NEW.id LOOP
		PERFORM metric_check_in(c.person_id, NEW.id, OLD.area, (c.checked_in_at AT TIME ZONE OLD.timezone)::date, -1);
		PERFORM metric_check_in(c.person_id, NEW.id, NEW.area, (c.checked_in_at AT TIME ZONE NEW.timezone)::date, 1);
	END LOOP;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_events_update AFTER UPDATE OF area, timezone ON events
	FOR EACH ROW WHEN (OLD.area IS DISTINCT FROM NEW.area OR OLD.timezone IS DISTINCT FROM NEW.timezone)
	EXECUTE FUNCTION metric_events_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_events_delete BEFORE DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION metric_events_trigger();
--> statement-breakpoint
-- Everything from the rows, set-based (the backfill; also after an activity's weight changes,
-- since every score may move). `parts`/`part`: this call rebuilds only the people whose id
-- hashes to `part` (the benchmark runs the parts on several connections); the shared tables
-- are emptied by metric_rebuild_start().
CREATE FUNCTION metric_rebuild_start() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	TRUNCATE metric_person_weeks, metric_person_months, metric_person_check_ins, metric_person_state,
		metric_counts, metric_cohorts, metric_event_people;
END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_rebuild_part(parts integer, part integer) RETURNS void
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
	-- Each person and area key over their islands of activity: runs of weeks from an active
	-- week to 15 weeks after the last one less than 16 weeks apart (outside them no count can
	-- be set), the windows as in metric_flags but as ranges of days. Counted per set of keys
	-- (country and groups) first, then per key; sorted by key, so that parts running at once
	-- lock the shared rows in the same order.
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
	INSERT INTO metric_counts AS t (area, country, group_id, kind, day, value)
	WITH activity AS (
		SELECT person_id, area, week, sum(c)::integer AS c, sum(pts)::integer AS pts, sum(chk)::integer AS chk FROM (
			SELECT person_id, area, week, contributions AS c, points AS pts, 0 AS chk
			FROM metric_person_weeks WHERE abs(hashtext(person_id::text)) % parts = part
			UNION ALL SELECT person_id, area, date_trunc('week', day)::date, 0, 0, check_ins
			FROM metric_person_check_ins WHERE abs(hashtext(person_id::text)) % parts = part
		) AS both_kinds GROUP BY 1, 2, 3
	), marked AS (
		SELECT person_id, area, week,
			CASE WHEN week - lag(week) OVER (PARTITION BY person_id, area ORDER BY week) <= 105
				THEN 0 ELSE 1 END AS starts
		FROM activity
	), numbered AS (
		SELECT person_id, area, week,
			sum(starts) OVER (PARTITION BY person_id, area ORDER BY week) AS island
		FROM marked
	), islands AS (
		SELECT person_id, area, min(week) AS lo, max(week) AS hi FROM numbered GROUP BY 1, 2, island
	), dense AS (
		-- Every week of the islands (a filler row each), with the active weeks' rows beside
		-- them: the windows are ranges of days, so the extra row of a week only adds its numbers.
		SELECT i.person_id, i.area, g::date AS week, 0 AS c, 0 AS pts, 0 AS chk, true AS filler
		FROM islands i CROSS JOIN LATERAL generate_series(i.lo, i.hi + 105, interval '7 days') AS g
		UNION ALL SELECT person_id, area, week, c, pts, chk, false FROM activity
	), windows AS (
		SELECT person_id, area, week, filler,
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
	), flags AS (
		SELECT person_id, area, week AS day, 1 AS kind, 1 AS value FROM windows WHERE filler AND recent > 0
		UNION ALL SELECT person_id, area, week, 3, 1 FROM windows WHERE filler AND recent = 0 AND before > 0
		UNION ALL SELECT person_id, area, week, 3 + level, 1 FROM windows WHERE filler AND level > 0
		UNION ALL SELECT person_id, area, week, 8, 1 FROM windows WHERE filler AND level > level4
		UNION ALL SELECT person_id, area, week, 11, contributions FROM metric_person_weeks
			WHERE abs(hashtext(person_id::text)) % parts = part
		UNION ALL SELECT person_id, area, min(week), 2, 1 FROM metric_person_weeks
			WHERE abs(hashtext(person_id::text)) % parts = part GROUP BY 1, 2
		UNION ALL SELECT person_id, area, first_check_in, 9, 1 FROM metric_person_state
			WHERE abs(hashtext(person_id::text)) % parts = part
		UNION ALL SELECT person_id, area, first_check_in, 10, 1 FROM metric_person_state
			WHERE converted AND abs(hashtext(person_id::text)) % parts = part
	), by_key_set AS (
		SELECT f.area, coalesce(pk.country, '') AS country, coalesce(pk.groups, '{}') AS groups,
			f.kind, f.day, sum(f.value) AS value
		FROM flags f LEFT JOIN metric_rebuild_keys pk ON pk.person_id = f.person_id
		GROUP BY 1, 2, 3, 4, 5
	)
	SELECT s.area, c.country, g.group_id, s.kind, s.day, sum(s.value)
	FROM by_key_set s
	CROSS JOIN LATERAL (SELECT '*' UNION ALL SELECT s.country WHERE s.country <> '') AS c(country)
	CROSS JOIN LATERAL unnest('{00000000-0000-0000-0000-000000000000}'::uuid[] || s.groups) AS g(group_id)
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (area, country, group_id, kind, day) DO UPDATE SET value = t.value + excluded.value;
	RAISE NOTICE 'metric_rebuild_part %: % ms', part, round(extract(epoch FROM clock_timestamp() - started) * 1000);
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
END
$$;
--> statement-breakpoint
CREATE FUNCTION metric_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM metric_rebuild_start();
	PERFORM metric_rebuild_part(1, 0);
END
$$;
--> statement-breakpoint
-- A weight decides every score: recount (an admin's rare edit; slow on a large community).
CREATE FUNCTION metric_taxonomy_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM metric_rebuild();
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER metric_taxonomy_insert AFTER INSERT ON taxonomy_terms
	FOR EACH ROW WHEN (NEW.kind = 'activity' AND coalesce(NEW.weight, 1) <> 1)
	EXECUTE FUNCTION metric_taxonomy_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_taxonomy_update AFTER UPDATE OF weight ON taxonomy_terms
	FOR EACH ROW WHEN (NEW.kind = 'activity' AND coalesce(OLD.weight, 1) <> coalesce(NEW.weight, 1))
	EXECUTE FUNCTION metric_taxonomy_trigger();
--> statement-breakpoint
CREATE TRIGGER metric_taxonomy_delete AFTER DELETE ON taxonomy_terms
	FOR EACH ROW WHEN (OLD.kind = 'activity' AND coalesce(OLD.weight, 1) <> 1)
	EXECUTE FUNCTION metric_taxonomy_trigger();
--> statement-breakpoint
SELECT metric_rebuild();
