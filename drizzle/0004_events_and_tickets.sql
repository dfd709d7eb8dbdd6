CREATE TABLE "event_keys" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"private_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "registrations" ALTER COLUMN "ticket_code" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "check_ins" ADD COLUMN "admissions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "door_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "report_notes" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "photos_link" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "public_key" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "check_in_code" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "check_in_code_hash" text;--> statement-breakpoint
ALTER TABLE "registrations" ADD COLUMN "walk_in" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "event_keys" ADD CONSTRAINT "event_keys_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "registrations_event_status_idx" ON "registrations" USING btree ("event_id","status","created_at");--> statement-breakpoint
UPDATE "check_ins" SET "admissions" = (
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'deviceId', d, 'deviceName', '', 'recordedBy', "recorded_by",
		'at', to_char("checked_in_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
		'method', 'search')), '[]'::jsonb)
	FROM unnest("device_ids") AS d
);--> statement-breakpoint
UPDATE "registrations" SET "ticket_code" = NULL;
