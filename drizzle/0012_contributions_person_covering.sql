-- A person's contributions by day, covering what badge evaluation reads (server/badges/evaluate.ts:
-- typed counts in a window, edge days around the weekly rollup, events attended): index-only
-- scans instead of a heap block per row. Same name and columns as schema.ts declares (drizzle's
-- index builder has no INCLUDE), so the schema diff stays empty.
DROP INDEX IF EXISTS "contributions_person_idx";
--> statement-breakpoint
CREATE INDEX "contributions_person_idx" ON "contributions" USING btree ("person_id", "happened_on")
	INCLUDE ("activity_type", "area", "event_id");
