-- The community directory's search (src/lib/server/directory.ts). Hand-written around what
-- drizzle-kit generated: the functions the generated columns call, and INCLUDE on the order index.
--
-- Folding, as domain/directory.ts foldText does it: NFD, combining diacritical marks removed,
-- lower case. lower() and the word classes follow the ICU root locale where the server has ICU,
-- so a server initialised with the C locale still folds "Анна" to "анна".
DO $$
DECLARE
	collation_clause text := CASE
		WHEN EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN ' COLLATE "und-x-icu"'
		ELSE ''
	END;
BEGIN
	EXECUTE format($function$
		CREATE FUNCTION gather_search_fold(value text) RETURNS text
		LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
		RETURN lower(regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g')%s)
	$function$, collation_clause);
	-- ' word word': folded, every run of spaces, punctuation and ASCII symbols one space, a
	-- space in front, so that LIKE ' pre%' is "begins with" and the words sort as the name does.
	EXECUTE format($function$
		CREATE FUNCTION gather_search_words(value text) RETURNS text
		LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
		RETURN ' ' || btrim(regexp_replace(gather_search_fold(value)%s, '[[:space:][:punct:]$+<=>^`|~]+', ' ', 'g'))
	$function$, collation_clause);
END
$$;
--> statement-breakpoint
-- May a signed-in member see this field? Levels missing from the JSON take DEFAULT_PRIVACY,
-- which is 'community' for every field searched here (domain/privacy.ts maySee).
CREATE FUNCTION gather_search_visible(privacy jsonb, field text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (privacy ->> field) IS DISTINCT FROM 'private';
--> statement-breakpoint
-- The words a query may match, as lexemes taken as they are (no dictionary): each word of the
-- display name (never private) as 'n:word', each word of the city, skills and interests that a
-- member may see as 'o:word'. A query's word w is then the prefix 'n:w':* (in the name) or
-- ('n:w':* | 'o:w':*) (anywhere), both answered by the GIN index alone.
CREATE FUNCTION gather_search_vector(display_name text, city text, skills text[], interests text[], privacy jsonb) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT array_to_tsvector(ARRAY(
		SELECT 'n:' || word
		FROM unnest(string_to_array(btrim(gather_search_words(display_name)), ' ')) AS word
		WHERE word <> ''
		UNION
		SELECT 'o:' || word
		FROM unnest(string_to_array(btrim(gather_search_words(concat_ws(' ',
			CASE WHEN gather_search_visible(privacy, 'city') THEN city END,
			CASE WHEN gather_search_visible(privacy, 'skills') THEN array_to_string(skills, ' ') END,
			CASE WHEN gather_search_visible(privacy, 'interests') THEN array_to_string(interests, ' ') END))), ' ')) AS word
		WHERE word <> ''));
END;
--> statement-breakpoint
-- The filter values a member may see: 'skill:<folded skill>', 'language:<tag>' and its primary
-- subtag (pt-BR is also found as pt), 'country:<ISO code>', 'area:<slug>'.
CREATE FUNCTION gather_search_facets(languages text[], skills text[], country text, areas text[], privacy jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT ARRAY(
		SELECT DISTINCT 'language:' || key
		FROM unnest(languages) AS language, unnest(ARRAY[language, split_part(language, '-', 1)]) AS key
		WHERE gather_search_visible(privacy, 'languages')
		UNION ALL
		SELECT 'skill:' || gather_search_fold(skill) FROM unnest(skills) AS skill
		WHERE gather_search_visible(privacy, 'skills')
		UNION ALL
		SELECT 'country:' || country WHERE country IS NOT NULL AND gather_search_visible(privacy, 'country')
		UNION ALL
		SELECT 'area:' || area FROM unnest(areas) AS area WHERE gather_search_visible(privacy, 'areas'));
END;
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "search_name" text COLLATE "C" GENERATED ALWAYS AS (gather_search_words(display_name)) STORED;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (gather_search_vector(display_name, city, skills, interests, privacy)) STORED;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "search_facets" text[] GENERATED ALWAYS AS (gather_search_facets(languages, skills, country, areas, privacy)) STORED;--> statement-breakpoint
CREATE INDEX "people_directory_order_idx" ON "people" USING btree ("search_name","id") INCLUDE ("search_vector","search_facets") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "people_directory_vector_idx" ON "people" USING gin ("search_vector") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "people_directory_facets_idx" ON "people" USING gin ("search_facets") WHERE status = 'active';
