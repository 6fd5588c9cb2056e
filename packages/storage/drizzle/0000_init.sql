CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"username" text,
	"ip" text,
	"action" text NOT NULL,
	"target" text,
	"details" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_config_versions" (
	"bot_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"config" jsonb NOT NULL,
	"changed_by" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bot_config_versions_bot_id_version_pk" PRIMARY KEY("bot_id","version")
);
--> statement-breakpoint
CREATE TABLE "bot_stats" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"state" text,
	"trading_state" text,
	"equity" numeric(38, 18),
	"equity_high" numeric(38, 18),
	"base" numeric(38, 18),
	"quote" numeric(38, 18),
	"reference" numeric(38, 18),
	"pnl_net" numeric(38, 18),
	"pnl_realized" numeric(38, 18),
	"pnl_unrealized" numeric(38, 18),
	"pnl_today" numeric(38, 18),
	"fees" numeric(38, 18),
	"volume_total" numeric(38, 18),
	"open_orders" integer
);
--> statement-breakpoint
CREATE TABLE "bots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"account_id" text NOT NULL,
	"symbol" text NOT NULL,
	"mode" text DEFAULT 'paper' NOT NULL,
	"desired_state" text DEFAULT 'stopped' NOT NULL,
	"config_version" integer DEFAULT 1 NOT NULL,
	"halt" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "bots_desired_state_check" CHECK ("bots"."desired_state" in ('running', 'paused', 'stopped')),
	CONSTRAINT "bots_mode_check" CHECK ("bots"."mode" in ('paper', 'live'))
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid,
	"level" text NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"details" jsonb,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "events_level_check" CHECK ("events"."level" in ('debug', 'info', 'warn', 'error'))
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"venue" text NOT NULL,
	"symbol" text NOT NULL,
	"trade_id" text NOT NULL,
	"client_order_id" text NOT NULL,
	"venue_order_id" text NOT NULL,
	"side" text NOT NULL,
	"price" numeric(38, 18),
	"qty" numeric(38, 18),
	"notional" numeric(38, 18),
	"price_ticks" bigint NOT NULL,
	"qty_lots" bigint NOT NULL,
	"fee" numeric(38, 18) NOT NULL,
	"fee_asset" text NOT NULL,
	"liquidity" text NOT NULL,
	"tag" text NOT NULL,
	"realized_pnl" numeric(38, 18),
	"venue_time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hourly_volume" (
	"bot_id" uuid NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"maker" numeric(38, 18) DEFAULT '0' NOT NULL,
	"taker" numeric(38, 18) DEFAULT '0' NOT NULL,
	"volume_leg" numeric(38, 18) DEFAULT '0' NOT NULL,
	"fills" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "hourly_volume_bot_id_hour_start_pk" PRIMARY KEY("bot_id","hour_start")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"client_order_id" text PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"venue" text NOT NULL,
	"symbol" text NOT NULL,
	"venue_order_id" text,
	"side" text NOT NULL,
	"type" text NOT NULL,
	"time_in_force" text NOT NULL,
	"price" numeric(38, 18),
	"qty" numeric(38, 18),
	"filled_qty" numeric(38, 18),
	"price_ticks" bigint NOT NULL,
	"qty_lots" bigint NOT NULL,
	"filled_lots" bigint DEFAULT 0 NOT NULL,
	"filled_tick_lots" numeric(40, 0) DEFAULT '0' NOT NULL,
	"reduce_only" boolean DEFAULT false NOT NULL,
	"pending_amend" jsonb,
	"status" text NOT NULL,
	"tag" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orders_tag_check" CHECK ("orders"."tag" in ('mm', 'volume'))
);
--> statement-breakpoint
CREATE TABLE "risk_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"type" text NOT NULL,
	"rule" text NOT NULL,
	"value" text,
	"limit" text,
	"action" text,
	"message" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "risk_events_type_check" CHECK ("risk_events"."type" in ('trip', 'clear', 'denial'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_state" (
	"key" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "venue_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"venue" text NOT NULL,
	"market" text NOT NULL,
	"live" boolean DEFAULT false NOT NULL,
	"base_urls" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_enc" text,
	"credentials_hint" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "venue_accounts_name_unique" UNIQUE("name"),
	CONSTRAINT "venue_accounts_market_check" CHECK ("venue_accounts"."market" in ('spot', 'perp'))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_config_versions" ADD CONSTRAINT "bot_config_versions_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_stats" ADD CONSTRAINT "bot_stats_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bots" ADD CONSTRAINT "bots_account_id_venue_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."venue_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hourly_volume" ADD CONSTRAINT "hourly_volume_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_events" ADD CONSTRAINT "risk_events_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_user_at_idx" ON "audit_log" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "bot_stats_bot_at_idx" ON "bot_stats" USING btree ("bot_id","at");--> statement-breakpoint
CREATE INDEX "bots_account_idx" ON "bots" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "events_at_idx" ON "events" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "events_bot_at_idx" ON "events" USING btree ("bot_id","at");--> statement-breakpoint
CREATE INDEX "events_level_at_idx" ON "events" USING btree ("level","at");--> statement-breakpoint
CREATE INDEX "events_text_idx" ON "events" USING gin (to_tsvector('simple', "kind" || ' ' || "message"));--> statement-breakpoint
CREATE UNIQUE INDEX "fills_venue_symbol_trade_uq" ON "fills" USING btree ("venue","symbol","trade_id");--> statement-breakpoint
CREATE INDEX "fills_bot_time_idx" ON "fills" USING btree ("bot_id","venue_time");--> statement-breakpoint
CREATE INDEX "fills_time_idx" ON "fills" USING btree ("venue_time");--> statement-breakpoint
CREATE INDEX "fills_client_order_idx" ON "fills" USING btree ("client_order_id");--> statement-breakpoint
CREATE INDEX "orders_bot_created_idx" ON "orders" USING btree ("bot_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_symbol_created_idx" ON "orders" USING btree ("symbol","created_at");--> statement-breakpoint
CREATE INDEX "orders_bot_live_idx" ON "orders" USING btree ("bot_id") WHERE "orders"."status" not in ('filled', 'canceled', 'rejected', 'expired');--> statement-breakpoint
CREATE INDEX "risk_events_bot_at_idx" ON "risk_events" USING btree ("bot_id","at");--> statement-breakpoint
CREATE INDEX "risk_events_at_idx" ON "risk_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");