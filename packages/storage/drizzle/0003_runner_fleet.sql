CREATE TABLE "bot_commands" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"action" text NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"runner_id" text,
	"epoch" bigint,
	"result" jsonb,
	"error" jsonb,
	"done_at" timestamp with time zone,
	CONSTRAINT "bot_commands_status_check" CHECK ("bot_commands"."status" in ('pending', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "bot_leases" (
	"bot_id" uuid PRIMARY KEY NOT NULL,
	"runner_id" text,
	"epoch" bigint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone DEFAULT 'epoch' NOT NULL,
	"claimed_at" timestamp with time zone,
	"renewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "bot_live" (
	"bot_id" uuid PRIMARY KEY NOT NULL,
	"runner_id" text NOT NULL,
	"epoch" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runners" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"stopped_at" timestamp with time zone,
	"bot_count" integer DEFAULT 0 NOT NULL,
	"rss_bytes" bigint DEFAULT 0 NOT NULL,
	"heap_bytes" bigint DEFAULT 0 NOT NULL,
	"embedded" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
DROP INDEX "fills_venue_symbol_trade_uq";--> statement-breakpoint
ALTER TABLE "bot_commands" ADD CONSTRAINT "bot_commands_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_leases" ADD CONSTRAINT "bot_leases_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_live" ADD CONSTRAINT "bot_live_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bot_commands_status_bot_idx" ON "bot_commands" USING btree ("status","bot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fills_venue_symbol_trade_order_uq" ON "fills" USING btree ("venue","symbol","trade_id","client_order_id");