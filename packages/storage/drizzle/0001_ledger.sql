CREATE TABLE "account_baselines" (
	"account_id" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"holdings" jsonb NOT NULL,
	"after_fill_id" bigint NOT NULL,
	"after_account_fill_id" bigint NOT NULL,
	"after_flow_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_fills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"venue" text NOT NULL,
	"symbol" text NOT NULL,
	"trade_id" text NOT NULL,
	"client_order_id" text NOT NULL,
	"side" text NOT NULL,
	"price" numeric(38, 18) NOT NULL,
	"base_qty" numeric(38, 18) NOT NULL,
	"notional" numeric(38, 18) NOT NULL,
	"fee" numeric(38, 18) NOT NULL,
	"fee_asset" text NOT NULL,
	"liquidity" text NOT NULL,
	"venue_time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cash_flows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"venue" text NOT NULL,
	"flow_id" text NOT NULL,
	"share" text NOT NULL,
	"bot_id" uuid,
	"kind" text NOT NULL,
	"symbol" text,
	"asset" text NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"venue_time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cash_flows_kind_check" CHECK ("cash_flows"."kind" in ('funding', 'transfer'))
);
--> statement-breakpoint
CREATE TABLE "ledger_day_marks" (
	"bot_id" uuid NOT NULL,
	"day_start" bigint NOT NULL,
	"mark" numeric(38, 18) NOT NULL,
	CONSTRAINT "ledger_day_marks_bot_id_day_start_pk" PRIMARY KEY("bot_id","day_start")
);
--> statement-breakpoint
CREATE TABLE "ledger_snapshots" (
	"bot_id" uuid PRIMARY KEY NOT NULL,
	"symbol" text NOT NULL,
	"spec" jsonb NOT NULL,
	"through_fill_id" bigint DEFAULT 0 NOT NULL,
	"through_flow_id" bigint DEFAULT 0 NOT NULL,
	"through_mark_day" bigint DEFAULT 0 NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_stats" ADD COLUMN "pnl_net_high" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "base_qty" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "fills" ADD COLUMN "reference" numeric(38, 18);--> statement-breakpoint
ALTER TABLE "cash_flows" ADD CONSTRAINT "cash_flows_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_day_marks" ADD CONSTRAINT "ledger_day_marks_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_snapshots" ADD CONSTRAINT "ledger_snapshots_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_fills_account_trade_uq" ON "account_fills" USING btree ("account_id","symbol","trade_id");--> statement-breakpoint
CREATE INDEX "account_fills_account_idx" ON "account_fills" USING btree ("account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "cash_flows_account_flow_share_uq" ON "cash_flows" USING btree ("account_id","flow_id","share");--> statement-breakpoint
CREATE INDEX "cash_flows_bot_idx" ON "cash_flows" USING btree ("bot_id","id");--> statement-breakpoint
CREATE INDEX "cash_flows_account_idx" ON "cash_flows" USING btree ("account_id","id");