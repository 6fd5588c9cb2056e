// The one schema both backends share (PGlite embedded, PostgreSQL external). Change it here,
// then run `npm run db:generate -w @mm/storage` and commit the new file under drizzle/.
//
// Money columns are numeric(38,18) and travel as decimal strings; never as JS numbers.
// Order and fill rows also keep the engine's integer ticks and lots, so a restarting bot gets
// back exactly the record it wrote, whatever the instrument's grid looks like today.
import { sql } from 'drizzle-orm';
import type { AccountFeed } from '@mm/core';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const decimal = (name: string) => numeric(name, { precision: 38, scale: 18 });
const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => time('created_at').notNull().defaultNow();
const updatedAt = () => time('updated_at').notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastLoginAt: time('last_login_at'),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // only a hash of the token is stored: a database dump does not let anyone log in
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: time('expires_at').notNull(),
    lastSeenAt: time('last_seen_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const venueAccounts = pgTable(
  'venue_accounts',
  {
    // text, not uuid: the built-in paper account is simply "paper"
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    venue: text('venue').notNull(),
    market: text('market').notNull(),
    live: boolean('live').notNull().default(false),
    baseUrls: jsonb('base_urls').$type<Record<string, string>>().notNull().default({}),
    /** Paper accounts on live market data: the venue whose public streams feed them (null: none). */
    feed: jsonb('feed').$type<AccountFeed>(),
    /** AES-256-GCM envelope (see crypto/secret-box.ts); null when the account has no keys. */
    credentialsEnc: text('credentials_enc'),
    credentialsHint: text('credentials_hint'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('venue_accounts_market_check', sql`${t.market} in ('spot', 'perp')`)],
);

export const bots = pgTable(
  'bots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => venueAccounts.id, { onDelete: 'restrict' }),
    symbol: text('symbol').notNull(),
    mode: text('mode').notNull().default('paper'),
    desiredState: text('desired_state').notNull().default('stopped'),
    configVersion: integer('config_version').notNull().default(1),
    /** The risk trip that halted the bot; it must survive restarts until an operator resets it. */
    halt: jsonb('halt').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Bots are archived, never deleted: their orders and fills stay readable. */
    archivedAt: time('archived_at'),
  },
  (t) => [
    index('bots_account_idx').on(t.accountId),
    check('bots_desired_state_check', sql`${t.desiredState} in ('running', 'paused', 'stopped')`),
    check('bots_mode_check', sql`${t.mode} in ('paper', 'live')`),
  ],
);

export const botConfigVersions = pgTable(
  'bot_config_versions',
  {
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    changedBy: text('changed_by'),
    changedAt: time('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.version] })],
);

export const orders = pgTable(
  'orders',
  {
    clientOrderId: text('client_order_id').primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    venue: text('venue').notNull(),
    symbol: text('symbol').notNull(),
    venueOrderId: text('venue_order_id'),
    side: text('side').notNull(),
    type: text('type').notNull(),
    timeInForce: text('time_in_force').notNull(),
    /** Decimal views for the dashboard; null only when the instrument was unknown at write time. */
    price: decimal('price'),
    qty: decimal('qty'),
    filledQty: decimal('filled_qty'),
    priceTicks: bigint('price_ticks', { mode: 'number' }).notNull(),
    qtyLots: bigint('qty_lots', { mode: 'number' }).notNull(),
    filledLots: bigint('filled_lots', { mode: 'number' }).notNull().default(0),
    /** Σ price·qty of fills in tick·lot units (bigint as text-safe numeric). */
    filledTickLots: numeric('filled_tick_lots', { precision: 40, scale: 0 }).notNull().default('0'),
    reduceOnly: boolean('reduce_only').notNull().default(false),
    pendingAmend: jsonb('pending_amend').$type<{ priceTicks: number; qtyLots: number }>(),
    status: text('status').notNull(),
    tag: text('tag').notNull(),
    reason: text('reason'),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [
    index('orders_bot_created_idx').on(t.botId, t.createdAt),
    index('orders_symbol_created_idx').on(t.symbol, t.createdAt),
    // restarts read only the live orders of one bot
    index('orders_bot_live_idx')
      .on(t.botId)
      .where(sql`${t.status} not in ('filled', 'canceled', 'rejected', 'expired')`),
    check('orders_tag_check', sql`${t.tag} in ('mm', 'volume')`),
  ],
);

export const fills = pgTable(
  'fills',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    venue: text('venue').notNull(),
    symbol: text('symbol').notNull(),
    tradeId: text('trade_id').notNull(),
    clientOrderId: text('client_order_id').notNull(),
    venueOrderId: text('venue_order_id').notNull(),
    side: text('side').notNull(),
    price: decimal('price'),
    qty: decimal('qty'),
    notional: decimal('notional'),
    priceTicks: bigint('price_ticks', { mode: 'number' }).notNull(),
    qtyLots: bigint('qty_lots', { mode: 'number' }).notNull(),
    fee: decimal('fee').notNull(),
    feeAsset: text('fee_asset').notNull(),
    liquidity: text('liquidity').notNull(),
    tag: text('tag').notNull(),
    realizedPnl: decimal('realized_pnl'),
    /** qty × contract multiplier: the base quantity the ledger folds (null on rows from before it). */
    baseQty: decimal('base_qty'),
    /** The bot's reference price when the fill happened (prices the volume leg's cost). */
    reference: decimal('reference'),
    venueTime: time('venue_time').notNull(),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [
    // "every venue fill is stored exactly once"
    // one row per side of a trade: two of our accounts can be the two sides of one venue trade
    uniqueIndex('fills_venue_symbol_trade_order_uq').on(t.venue, t.symbol, t.tradeId, t.clientOrderId),
    index('fills_bot_time_idx').on(t.botId, t.venueTime),
    index('fills_time_idx').on(t.venueTime),
    index('fills_client_order_idx').on(t.clientOrderId),
  ],
);

export const hourlyVolume = pgTable(
  'hourly_volume',
  {
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    hourStart: time('hour_start').notNull(),
    maker: decimal('maker').notNull().default('0'),
    taker: decimal('taker').notNull().default('0'),
    /** Notional traded by the volume leg (a subset of maker + taker). */
    volumeLeg: decimal('volume_leg').notNull().default('0'),
    fills: integer('fills').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.botId, t.hourStart] })],
);

export const botStats = pgTable(
  'bot_stats',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    at: time('at').notNull(),
    state: text('state'),
    tradingState: text('trading_state'),
    equity: decimal('equity'),
    /** Highest equity among the snapshots this row stands for (rows are sampled). */
    equityHigh: decimal('equity_high'),
    base: decimal('base'),
    quote: decimal('quote'),
    reference: decimal('reference'),
    pnlNet: decimal('pnl_net'),
    /** Highest net PnL among the snapshots this row stands for (the drawdown limit's peak). */
    pnlNetHigh: decimal('pnl_net_high'),
    pnlRealized: decimal('pnl_realized'),
    pnlUnrealized: decimal('pnl_unrealized'),
    pnlToday: decimal('pnl_today'),
    fees: decimal('fees'),
    volumeTotal: decimal('volume_total'),
    openOrders: integer('open_orders'),
  },
  (t) => [index('bot_stats_bot_at_idx').on(t.botId, t.at)],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id').references(() => bots.id, { onDelete: 'set null' }),
    level: text('level').notNull(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    at: time('at').notNull(),
  },
  (t) => [
    index('events_at_idx').on(t.at, t.id),
    index('events_bot_at_idx').on(t.botId, t.at),
    index('events_level_at_idx').on(t.level, t.at),
    // word search over kind and message ('simple': no stemming, works for identifiers too)
    index('events_text_idx').using('gin', sql`to_tsvector('simple', ${t.kind} || ' ' || ${t.message})`),
    check('events_level_check', sql`${t.level} in ('debug', 'info', 'warn', 'error')`),
  ],
);

export const riskEvents = pgTable(
  'risk_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    type: text('type').notNull(),
    rule: text('rule').notNull(),
    value: text('value'),
    limit: text('limit'),
    action: text('action'),
    message: text('message').notNull(),
    at: time('at').notNull(),
  },
  (t) => [
    index('risk_events_bot_at_idx').on(t.botId, t.at),
    index('risk_events_at_idx').on(t.at),
    check('risk_events_type_check', sql`${t.type} in ('trip', 'clear', 'denial')`),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Kept as written, so the trail still reads after the user is deleted. */
    username: text('username'),
    ip: text('ip'),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    at: time('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_user_at_idx').on(t.userId, t.at)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: updatedAt(),
});

export const simState = pgTable('sim_state', {
  /** Which simulated exchange (world) the state belongs to. */
  key: text('key').primaryKey(),
  state: jsonb('state').$type<unknown>().notNull(),
  updatedAt: updatedAt(),
});

// ------------------------------------------------------------------ the ledger (see @mm/core ledger)

/** A bot's ledger folded up to these rows; a rebuild folds only what came after. One row per bot. */
export const ledgerSnapshots = pgTable('ledger_snapshots', {
  botId: uuid('bot_id')
    .primaryKey()
    .references(() => bots.id),
  /** The symbol and currencies the fold was made for; a bot moved to another symbol starts afresh. */
  symbol: text('symbol').notNull(),
  spec: jsonb('spec').$type<{ base: string; quote: string; timeZone: string }>().notNull(),
  throughFillId: bigint('through_fill_id', { mode: 'number' }).notNull().default(0),
  throughFlowId: bigint('through_flow_id', { mode: 'number' }).notNull().default(0),
  throughMarkDay: bigint('through_mark_day', { mode: 'number' }).notNull().default(0),
  state: jsonb('state').$type<unknown>().notNull(),
  updatedAt: updatedAt(),
});

/** The mark a bot's trading day opened at, so "PnL today" is the same after a restart. */
export const ledgerDayMarks = pgTable(
  'ledger_day_marks',
  {
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id),
    dayStart: bigint('day_start', { mode: 'number' }).notNull(),
    mark: decimal('mark').notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.dayStart] })],
);

/**
 * Funding payments and transfers the venue reported. A funding payment on an account shared by
 * bots is split into one row per bot share and one for the rest (bot_id null: unattributed).
 */
export const cashFlows = pgTable(
  'cash_flows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    venue: text('venue').notNull(),
    /** The venue's identity of the payment; with `share`, unique. */
    flowId: text('flow_id').notNull(),
    /** The bot id, or 'account' for the unattributed part. */
    share: text('share').notNull(),
    botId: uuid('bot_id').references(() => bots.id),
    kind: text('kind').notNull(),
    symbol: text('symbol'),
    asset: text('asset').notNull(),
    amount: decimal('amount').notNull(),
    venueTime: time('venue_time').notNull(),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('cash_flows_account_flow_share_uq').on(t.accountId, t.flowId, t.share),
    index('cash_flows_bot_idx').on(t.botId, t.id),
    index('cash_flows_account_idx').on(t.accountId, t.id),
    check('cash_flows_kind_check', sql`${t.kind} in ('funding', 'transfer')`),
  ],
);

/** Fills on an account that no bot placed: manual trades, another tool on the same key. */
export const accountFills = pgTable(
  'account_fills',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    venue: text('venue').notNull(),
    symbol: text('symbol').notNull(),
    tradeId: text('trade_id').notNull(),
    clientOrderId: text('client_order_id').notNull(),
    side: text('side').notNull(),
    price: decimal('price').notNull(),
    baseQty: decimal('base_qty').notNull(),
    notional: decimal('notional').notNull(),
    fee: decimal('fee').notNull(),
    feeAsset: text('fee_asset').notNull(),
    liquidity: text('liquidity').notNull(),
    venueTime: time('venue_time').notNull(),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [uniqueIndex('account_fills_account_trade_uq').on(t.accountId, t.symbol, t.tradeId), index('account_fills_account_idx').on(t.accountId, t.id)],
);

/** What an account held when its reconciliation began; its change since is what bots + unattributed must explain. */
export const accountBaselines = pgTable('account_baselines', {
  accountId: text('account_id').primaryKey(),
  at: time('at').notNull(),
  /** { balances: {asset: amount}, positions: {symbol: {qty, entryPrice}} } as decimal strings. */
  holdings: jsonb('holdings').$type<{ balances: Record<string, string>; positions: Record<string, { qty: string; entryPrice: string }> }>().notNull(),
  afterFillId: bigint('after_fill_id', { mode: 'number' }).notNull(),
  afterAccountFillId: bigint('after_account_fill_id', { mode: 'number' }).notNull(),
  afterFlowId: bigint('after_flow_id', { mode: 'number' }).notNull(),
});

// ------------------------------------------------------------------ the runner fleet (issue #17)

/** Runner processes: they register, heartbeat, and claim bots through bot_leases. */
export const runners = pgTable('runners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  startedAt: time('started_at').notNull().defaultNow(),
  heartbeatAt: time('heartbeat_at').notNull().defaultNow(),
  draining: boolean('draining').notNull().default(false),
  stoppedAt: time('stopped_at'),
  botCount: integer('bot_count').notNull().default(0),
  rssBytes: bigint('rss_bytes', { mode: 'number' }).notNull().default(0),
  heapBytes: bigint('heap_bytes', { mode: 'number' }).notNull().default(0),
  /** The runner inside the server process (`npm start`). */
  embedded: boolean('embedded').notNull().default(false),
});

/**
 * Who runs a bot. The epoch grows by one per claim; every write of a runner carries the epoch it
 * holds, so a runner that lost its lease cannot write over its successor (fencing).
 */
export const botLeases = pgTable('bot_leases', {
  botId: uuid('bot_id')
    .primaryKey()
    .references(() => bots.id, { onDelete: 'cascade' }),
  runnerId: text('runner_id'),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  expiresAt: time('expires_at').notNull().default(sql`'epoch'`),
  claimedAt: time('claimed_at'),
  renewedAt: time('renewed_at'),
});

/** Operator commands for a bot, executed by the runner that holds it. */
export const botCommands = pgTable(
  'bot_commands',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    requestedBy: text('requested_by').notNull(),
    createdAt: createdAt(),
    status: text('status').notNull().default('pending'),
    runnerId: text('runner_id'),
    epoch: bigint('epoch', { mode: 'number' }),
    result: jsonb('result').$type<unknown>(),
    error: jsonb('error').$type<{ code: string; message: string; details?: unknown }>(),
    doneAt: time('done_at'),
  },
  (t) => [
    index('bot_commands_status_bot_idx').on(t.status, t.botId),
    check('bot_commands_status_check', sql`${t.status} in ('pending', 'running', 'done', 'failed')`),
  ],
);

/** A bot's live status as its runner last wrote it (the server's dashboard reads it). */
export const botLive = pgTable('bot_live', {
  botId: uuid('bot_id')
    .primaryKey()
    .references(() => bots.id, { onDelete: 'cascade' }),
  runnerId: text('runner_id').notNull(),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
  updatedAt: updatedAt(),
  status: jsonb('status').$type<unknown>().notNull(),
});
