-- The histogram's trigger fires for every statement on metric_person_recent, and an upsert
-- fires both its INSERT and its UPDATE trigger: most of those see no rows (the DELETE of
-- emptied rows after each contribution usually deletes none). Such calls now end at once,
-- and only a statement that takes people out of buckets looks for buckets left empty.
CREATE OR REPLACE FUNCTION metric_recent_histogram_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('gather.metric_recount', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
			RETURN NULL;
		END IF;
		INSERT INTO metric_recent_histogram AS t (area, country, group_id, weeks, contributions, people)
		SELECT r.area, k.country, k.group_id, p.weeks, p.n, count(*)
		FROM new_rows r
		CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
		CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
		WHERE p.n > 0
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (area, country, group_id, weeks, contributions) DO UPDATE SET people = t.people + excluded.people;
		-- Rows only enter buckets: none can become empty.
		RETURN NULL;
	ELSIF TG_OP = 'DELETE' THEN
		IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
			RETURN NULL;
		END IF;
		INSERT INTO metric_recent_histogram AS t (area, country, group_id, weeks, contributions, people)
		SELECT r.area, k.country, k.group_id, p.weeks, p.n, -count(*)
		FROM old_rows r
		CROSS JOIN LATERAL unnest(metric_keys_of(r.country, true, r.groups)) AS k
		CROSS JOIN LATERAL (VALUES (12, r.c12), (26, r.c26), (52, r.c52)) AS p(weeks, n)
		WHERE p.n > 0
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (area, country, group_id, weeks, contributions) DO UPDATE SET people = t.people + excluded.people;
	ELSE
		IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
			RETURN NULL;
		END IF;
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
