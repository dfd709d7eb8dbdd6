CREATE TABLE "issuer_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nominations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"badge_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"nominated_by" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "taxonomy_terms" (
	"kind" text NOT NULL,
	"slug" text NOT NULL,
	"names" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"weight" integer,
	"archived" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "taxonomy_terms_kind_slug_pk" PRIMARY KEY("kind","slug")
);
--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "revoked_by" uuid;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "revocation_reason" text;--> statement-breakpoint
ALTER TABLE "badges" ADD COLUMN "image" text;--> statement-breakpoint
ALTER TABLE "badges" ADD COLUMN "rule" jsonb;--> statement-breakpoint
ALTER TABLE "badges" ADD COLUMN "archived" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "badges" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "duration_minutes" integer;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "verified_by" uuid;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_badge_id_badges_id_fk" FOREIGN KEY ("badge_id") REFERENCES "public"."badges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "nominations_version_idx" ON "nominations" USING btree ("version");--> statement-breakpoint
CREATE INDEX "nominations_badge_person_idx" ON "nominations" USING btree ("badge_id","person_id");--> statement-breakpoint
CREATE INDEX "taxonomy_terms_version_idx" ON "taxonomy_terms" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "awards_id_key" ON "awards" USING btree ("id");--> statement-breakpoint
CREATE INDEX "awards_person_idx" ON "awards" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "contributions_event_idx" ON "contributions" USING btree ("event_id");--> statement-breakpoint
ALTER TABLE "badges" DROP COLUMN "image_url";--> statement-breakpoint
-- Devices hold these rows without their new fields: one new version re-sends them all.
UPDATE "sync_state" SET "version" = "version" + 1 WHERE "id" = 1;--> statement-breakpoint
UPDATE "badges" SET "version" = (SELECT "version" FROM "sync_state" WHERE "id" = 1);--> statement-breakpoint
UPDATE "awards" SET "version" = (SELECT "version" FROM "sync_state" WHERE "id" = 1);--> statement-breakpoint
UPDATE "contributions" SET "version" = (SELECT "version" FROM "sync_state" WHERE "id" = 1);
