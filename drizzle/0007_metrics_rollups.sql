CREATE TABLE "metric_cohorts" (
	"area" text NOT NULL,
	"country" text NOT NULL,
	"group_id" uuid NOT NULL,
	"cohort" date NOT NULL,
	"month" date NOT NULL,
	"people" integer NOT NULL,
	CONSTRAINT "metric_cohorts_area_country_group_id_cohort_month_pk" PRIMARY KEY("area","country","group_id","cohort","month")
);
--> statement-breakpoint
CREATE TABLE "metric_counts" (
	"area" text NOT NULL,
	"country" text NOT NULL,
	"group_id" uuid NOT NULL,
	"kind" integer NOT NULL,
	"day" date NOT NULL,
	"value" integer NOT NULL,
	CONSTRAINT "metric_counts_area_country_group_id_kind_day_pk" PRIMARY KEY("area","country","group_id","kind","day")
);
--> statement-breakpoint
CREATE TABLE "metric_event_people" (
	"event_id" uuid NOT NULL,
	"country" text NOT NULL,
	"group_id" uuid NOT NULL,
	"registrations" integer NOT NULL,
	"check_ins" integer NOT NULL,
	CONSTRAINT "metric_event_people_event_id_country_group_id_pk" PRIMARY KEY("event_id","country","group_id")
);
--> statement-breakpoint
CREATE TABLE "metric_person_check_ins" (
	"person_id" uuid NOT NULL,
	"area" text NOT NULL,
	"day" date NOT NULL,
	"check_ins" integer NOT NULL,
	CONSTRAINT "metric_person_check_ins_person_id_area_day_pk" PRIMARY KEY("person_id","area","day")
);
--> statement-breakpoint
CREATE TABLE "metric_person_months" (
	"person_id" uuid NOT NULL,
	"area" text NOT NULL,
	"month" date NOT NULL,
	"contributions" integer NOT NULL,
	CONSTRAINT "metric_person_months_person_id_area_month_pk" PRIMARY KEY("person_id","area","month")
);
--> statement-breakpoint
CREATE TABLE "metric_person_state" (
	"person_id" uuid NOT NULL,
	"area" text NOT NULL,
	"first_check_in" date NOT NULL,
	"converted" boolean NOT NULL,
	CONSTRAINT "metric_person_state_person_id_area_pk" PRIMARY KEY("person_id","area")
);
--> statement-breakpoint
CREATE TABLE "metric_person_weeks" (
	"person_id" uuid NOT NULL,
	"area" text NOT NULL,
	"week" date NOT NULL,
	"contributions" integer NOT NULL,
	"points" integer NOT NULL,
	CONSTRAINT "metric_person_weeks_person_id_area_week_pk" PRIMARY KEY("person_id","area","week")
);
--> statement-breakpoint
ALTER TABLE "people" ALTER COLUMN "privacy" SET DEFAULT '{"displayName":"community","pronouns":"community","bio":"community","avatar":"community","city":"community","country":"community","timezone":"community","languages":"community","skills":"community","interests":"community","links":"community","areas":"community","email":"private","journey":"community"}'::jsonb;