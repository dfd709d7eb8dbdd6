-- The absence factor of one group: walking every person busiest first and keeping the group's
-- members reads most of metric_person_recent when the group is small; up to 50,000 members the
-- members are read first (memberships' key), sorted by their counts, and summed in one pass.
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
			AND ($2 = '*' OR EXISTS (SELECT 1 FROM people p
				WHERE p.id = r.person_id AND p.status = 'active' AND p.country = $2))
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
