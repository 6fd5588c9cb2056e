// The HTTP and WebSocket contract between the server and the dashboard. Amounts are decimal
// strings, times are epoch milliseconds. The server's route schemas and the dashboard both use
// these shapes; zod schemas for inputs live beside them.
import { z } from 'zod';
import { decimalString } from '../config/bot-config.ts';
import type { BotConfig, FieldError, RiskAction } from '../config/bot-config.ts';
import type { Liquidity, Side, TimeInForce } from '../domain.ts';

export type BotStateName = 'INIT' | 'SYNC_BALANCES' | 'START_QUOTING' | 'RUNNING' | 'PAUSED' | 'ERROR' | 'STOPPING' | 'STOPPED';
export type TradingStateName = 'ACTIVE' | 'REDUCING' | 'HALTED';
export type DesiredState = 'running' | 'paused' | 'stopped';
export type VenueName = 'sim' | 'asterdex' | 'bitmart' | 'ccxt';
export type MarketKindName = 'spot' | 'perp';

/** Sums of a period (a trading day or all-time) from the bot's own fills; amounts in the quote asset. */
export interface LedgerFlowsDto {
  readonly maker: string;
  readonly taker: string;
  /** Notional of fills of the volume leg (a part of maker + taker). */
  readonly volumeLeg: string;
  readonly total: string;
  readonly buyQty: string;
  readonly sellQty: string;
  readonly fees: string;
  readonly realized: string;
  readonly funding: string;
  readonly trades: number;
}

/**
 * A bot's figures from its own fills (the ledger): average cost, valued at `mark`.
 * net = realized + unrealized − fees + funding.
 */
export interface BotLedgerDto {
  readonly costMethod: 'average';
  /** The price the position is valued at (the bot's reference, or the last one stored for a stopped bot). */
  readonly mark: string | undefined;
  readonly quoteAsset: string;
  readonly baseAsset: string;
  /** The bot's own position from its fills (base units; negative = short). */
  readonly position: string;
  readonly averageEntry: string | undefined;
  readonly realized: string;
  readonly unrealized: string;
  /** Fees valued in the quote asset at fill time. */
  readonly fees: string;
  /** Fees as paid, per asset. */
  readonly feesByAsset: Readonly<Record<string, string>>;
  /** Fees in an asset that is neither base nor quote: not in `net`. */
  readonly unvaluedFees: Readonly<Record<string, string>>;
  readonly funding: string;
  readonly net: string;
  /** The trading day in the bot's volume time zone. `net` is undefined until the day has an opening mark. */
  readonly today: LedgerFlowsDto & { readonly dayStart: number; readonly net: string | undefined };
  readonly allTime: LedgerFlowsDto;
  readonly lastFillTime: number | undefined;
}

/** One account: Σ bots + unattributed activity against the account's own equity change since `since`. */
export interface AccountLedgerDto {
  readonly accountId: string;
  readonly accountName: string;
  readonly quoteAsset: string;
  /** When the account's baseline was taken; undefined while it has none yet. */
  readonly since: number | undefined;
  readonly bots: readonly { readonly botId: string; readonly name: string; readonly symbol: string; readonly change: string }[];
  /** Fills on the account that no bot placed (manual trades, another tool on the key), funding not owned by a bot, and transfers. */
  readonly unattributed: { readonly fills: number; readonly volume: string; readonly trades: string; readonly funding: string; readonly transfers: string; readonly change: string };
  /** The one mark per symbol that every figure of this check is valued at. */
  readonly marks: Readonly<Record<string, string>>;
  /** Σ bots + unattributed. */
  readonly explained: string;
  /** From the venue's balances and positions now against the baseline, at the same marks; undefined while unknown. */
  readonly accountChange: string | undefined;
  /** accountChange − explained: a missed fill or an unreported transfer shows here. */
  readonly difference: string | undefined;
  /** Assets that changed but cannot be valued (no mark). */
  readonly unvalued: Readonly<Record<string, string>>;
  readonly status: 'ok' | 'mismatch' | 'unknown';
  readonly message: string;
}

export interface LedgerOverviewDto {
  readonly accounts: readonly AccountLedgerDto[];
  /** Sums over every bot's ledger (all-time and today), per quote asset. */
  readonly totals: readonly {
    readonly quoteAsset: string;
    readonly net: string;
    readonly realized: string;
    readonly unrealized: string;
    readonly fees: string;
    readonly funding: string;
    readonly netToday: string;
    readonly volumeToday: string;
    readonly volumeAllTime: string;
    readonly unattributed: string;
  }[];
}

export interface BotStatsDto {
  readonly at: number;
  readonly reference: string | undefined;
  readonly bestBid: string | undefined;
  readonly bestAsk: string | undefined;
  readonly base: string;
  readonly quote: string;
  readonly equity: string | undefined;
  readonly pnl: { readonly realized: string; readonly unrealized: string; readonly fees: string; readonly net: string; readonly today: string | undefined };
  readonly volume: { readonly maker: string; readonly taker: string; readonly total: string; readonly volumeLeg: string; readonly target: string; readonly expected: string; readonly progressPct: number };
  readonly openOrders: number;
  readonly position: { readonly qty: string; readonly entryPrice: string; readonly unrealizedPnl: string; readonly liquidationPrice: string | undefined; readonly adlQuantile: number | undefined } | undefined;
  /** The bot's own figures from its fills; `pnl` and `volume` above are taken from it. */
  readonly ledger: BotLedgerDto;
  /** false for a bot that is not running: the figures are the stored ones, valued at the last stored mark. */
  readonly live: boolean;
}

export interface BotSummaryDto {
  readonly id: string;
  readonly name: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly venue: VenueName;
  readonly market: MarketKindName;
  readonly symbol: string;
  /** Base and quote asset of the symbol (quote: the currency of PnL, volume and fees). Empty until the bot has loaded its market. */
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly mode: 'paper' | 'live';
  readonly state: BotStateName;
  readonly tradingState: TradingStateName;
  readonly quotingBlocked: boolean;
  readonly desiredState: DesiredState;
  readonly error: string | undefined;
  readonly stats: BotStatsDto | undefined;
  /** The runner that holds the bot's lease; undefined while no runner holds it. */
  readonly lease?: BotLeaseDto;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A bot's lease as the dashboard shows it. Ages are measured by the database's clock. */
export interface BotLeaseDto {
  readonly runnerId: string;
  readonly runnerName: string;
  /** The fencing token: it grows by one at every claim. */
  readonly epoch: number;
  /** Since the runner claimed the bot. */
  readonly heldForMs: number;
  /** Since the runner last renewed the lease (about every 2 s while it is healthy). */
  readonly renewedAgoMs: number;
  /** Until the lease runs out unless renewed (negative: expired, another runner may claim it). */
  readonly expiresInMs: number;
}

/** A runner process: it claims bots through leases, trades them and reports back. */
export interface RunnerDto {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly heartbeatAgeMs: number;
  /** Heartbeat within the lease TTL and not stopped. */
  readonly alive: boolean;
  /** Shutting down: handing its bots over. */
  readonly draining: boolean;
  readonly stoppedAt?: number;
  readonly botCount: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
  /** The runner inside the server process (`npm start`). */
  readonly embedded: boolean;
}

export interface RuleStatusDto {
  readonly rule: string;
  readonly label: string;
  readonly value: string;
  readonly limit: string;
  readonly state: 'ok' | 'tripped' | 'off';
  readonly action: RiskAction;
}

export interface RiskTripDto {
  readonly rule: string;
  readonly value: string;
  readonly limit: string;
  readonly action: RiskAction;
  readonly message: string;
  readonly at: number;
}

export interface BotDetailDto extends BotSummaryDto {
  readonly config: BotConfig;
  readonly configVersion: number;
  readonly risk: readonly RuleStatusDto[];
  readonly activeTrips: readonly RiskTripDto[];
  readonly instrument: { readonly tickSize: string; readonly lotSize: string; readonly minQty: string; readonly minNotional: string; readonly base: string; readonly quote: string } | undefined;
}

export interface OrderDto {
  readonly clientOrderId: string;
  readonly venueOrderId: string | undefined;
  readonly botId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly timeInForce: TimeInForce;
  readonly price: string;
  readonly qty: string;
  readonly filled: string;
  readonly status: string;
  readonly tag: 'mm' | 'volume';
  readonly reason: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface FillDto {
  readonly botId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: string;
  readonly qty: string;
  readonly notional: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: Liquidity;
  readonly tag: 'mm' | 'volume';
  readonly venueTime: number;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface EventDto {
  readonly id: string;
  readonly botId: string | undefined;
  readonly level: LogLevelName;
  readonly kind: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly at: number;
}

export interface RiskEventDto {
  readonly id: string;
  readonly botId: string;
  readonly type: 'trip' | 'clear' | 'denial';
  readonly rule: string;
  readonly value: string | undefined;
  readonly limit: string | undefined;
  readonly action: string | undefined;
  readonly message: string;
  readonly at: number;
}

export interface HourlyVolumeDto {
  readonly hourStart: number;
  readonly maker: string;
  readonly taker: string;
  readonly volumeLeg: string;
  readonly fills: number;
}

export interface VolumeDayDto {
  readonly dayStart: number;
  readonly target: string;
  /** Target per hour of active time, for the hourly bars. */
  readonly hourlyTarget: string;
  readonly expectedNow: string;
  readonly traded: string;
  readonly hours: readonly HourlyVolumeDto[];
}

export interface StatsPointDto {
  readonly at: number;
  readonly equity: string | undefined;
  readonly base: string;
  readonly quote: string;
  readonly reference: string | undefined;
  readonly pnlNet: string;
  readonly volumeTotal: string;
}

export interface BookLevelDto {
  readonly price: string;
  readonly qty: string;
  /** Quantity of our own orders (this bot) resting at this price. */
  readonly ownQty: string;
}

export interface BookDto {
  readonly symbol: string;
  readonly bids: readonly BookLevelDto[];
  readonly asks: readonly BookLevelDto[];
  readonly at: number;
  /** false: the bot is stopped (or has no market data yet), so there are no levels; absent or true: a live book. */
  readonly live?: boolean;
}

export interface GridLevelDto {
  readonly level: number;
  readonly price: string;
  readonly qty: string;
  readonly notional: string;
}

export interface GridPreviewDto {
  readonly reference: string | undefined;
  readonly bids: readonly GridLevelDto[];
  readonly asks: readonly GridLevelDto[];
  readonly dropped: readonly { readonly side: Side; readonly level: number; readonly reason: string }[];
  readonly note: string | undefined;
}

export interface AccountDto {
  readonly id: string;
  readonly name: string;
  readonly venue: VenueName;
  readonly market: MarketKindName;
  readonly live: boolean;
  readonly baseUrls: Readonly<Record<string, string>> | undefined;
  /** Masked hint of the stored key, e.g. "…a9f3". Secrets are never returned. */
  readonly credentialHint: string | undefined;
  /** Asterdex: the API family the stored key uses (V3 API wallet or V1 HMAC key). */
  readonly authFamily?: 'v3' | 'v1' | undefined;
  /** A paper account on live market data: whose public streams feed it. */
  readonly feed?: AccountFeed | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AccountTestDto {
  readonly ok: boolean;
  readonly message: string;
  readonly balances: readonly { readonly asset: string; readonly total: string; readonly free: string }[];
  readonly permissions: readonly string[];
  readonly latencyMs: number | undefined;
}

export interface InstrumentDto {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: MarketKindName;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minQty: string;
  readonly minNotional: string;
}

export interface AuditDto {
  readonly id: string;
  readonly user: string;
  readonly ip: string | undefined;
  readonly action: string;
  readonly target: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly at: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly nextCursor: string | undefined;
}

export interface ApiErrorDto {
  readonly error: { readonly code: string; readonly message: string; readonly fields?: readonly FieldError[] };
}

export interface SessionDto {
  readonly username: string;
  readonly expiresAt: number;
}

export interface HealthDto {
  readonly status: 'ok' | 'degraded';
  readonly database: 'ok' | 'degraded';
  readonly bots: { readonly total: number; readonly running: number; readonly error: number };
  readonly version: string;
  readonly uptimeSeconds: number;
}

/**
 * Messages the server pushes on /ws. Each WebSocket frame is a JSON ARRAY of these (WsFrame),
 * sent at most every 100 ms: the latest stats and book per bot (coalesced) and every order,
 * fill, risk and log event since the previous frame, so a bot never causes more than 10 updates
 * per second.
 */
export type WsServerMessage =
  | { readonly type: 'hello'; readonly at: number }
  | { readonly type: 'bot'; readonly botId: string; readonly data: BotSummaryDto }
  | { readonly type: 'bot_removed'; readonly botId: string }
  | { readonly type: 'stats'; readonly botId: string; readonly data: BotStatsDto }
  | { readonly type: 'book'; readonly botId: string; readonly data: BookDto }
  | { readonly type: 'order'; readonly botId: string; readonly data: OrderDto }
  | { readonly type: 'fill'; readonly botId: string; readonly data: FillDto }
  | { readonly type: 'risk'; readonly botId: string; readonly data: RiskEventDto }
  | { readonly type: 'log'; readonly botId: string; readonly data: EventDto };

export type WsFrame = readonly WsServerMessage[];

/** Messages the dashboard may send: which bot's detail stream (book, orders) it wants. */
export type WsClientMessage = { readonly type: 'subscribe'; readonly botId: string | undefined };

// ---------------------------------------------------------------- inputs

export const setupInputSchema = z.object({
  username: z.string().trim().min(1).max(64).default('admin'),
  password: z.string().min(10, 'use at least 10 characters').max(256),
});

export const loginInputSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const changePasswordInputSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(10, 'use at least 10 characters').max(256),
});

/** close-position: a stopped perp bot closes its own position (body: closePosition), reduce-only within the slippage bound. */
export const BOT_ACTIONS = ['start', 'stop', 'pause', 'resume', 'cancel-all', 'kill', 'reset-halt', 'close-position'] as const;
export type BotAction = (typeof BOT_ACTIONS)[number];

/** Largest slippage bound a stop may close a position with (percent through the best opposite price). */
export const MAX_CLOSE_SLIPPAGE_PCT = 5;

/** Stop, perps: close the bot's own position with reduce-only orders at most this far through the best opposite price. */
export interface ClosePositionInput {
  readonly maxSlippagePct: number;
}

/** Body of POST /api/bots/:id/actions/:action (every field optional). */
export interface BotActionInput {
  readonly reason?: string;
  /** Perp bots only. stop: after cancelling, close the position (omitted: cancel orders only); close-position: required. */
  readonly closePosition?: ClosePositionInput;
}

/** Venues whose public market streams a paper account can trade on (no keys). */
export const PAPER_FEED_VENUES = ['asterdex', 'ccxt'] as const;

/**
 * A paper account on a live market: the venue's public streams feed the simulated exchange,
 * which fills the account's orders through its queue model. Orders never leave the process.
 */
export const accountFeedSchema = z
  .object({
    venue: z.enum(PAPER_FEED_VENUES).meta({ description: 'Whose public market data the paper account trades on: Asterdex, or any exchange ccxt supports.' }),
    exchange: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9_]{2,40}$/, 'a ccxt exchange id such as binance or okx')
      .optional()
      .meta({ description: 'ccxt only: the exchange id, e.g. binance, okx, bybit.' }),
    balances: z
      .record(z.string().trim().regex(/^[A-Za-z0-9]{1,20}$/, 'an asset such as USDT or BTC'), decimalString('Starting amount of the asset.', { positive: true }))
      .default({ USDT: '10000' })
      .meta({ description: 'What the paper account starts with, per asset (e.g. USDT 10000, BTC 0.2). Used once, when the account first trades.' }),
  })
  .superRefine((feed, ctx) => {
    if (feed.venue === 'ccxt' && feed.exchange === undefined) ctx.addIssue({ code: 'custom', path: ['exchange'], message: 'name the ccxt exchange, e.g. binance' });
    if (feed.venue !== 'ccxt' && feed.exchange !== undefined) ctx.addIssue({ code: 'custom', path: ['exchange'], message: 'only ccxt feeds name an exchange; leave it out' });
    if (Object.keys(feed.balances).length === 0) ctx.addIssue({ code: 'custom', path: ['balances'], message: 'give at least one starting balance, e.g. USDT 10000' });
  })
  .meta({ description: 'Paper accounts only: trade on the simulated exchange fed by this venue\'s live public market data (no keys, no orders sent).' });
export type AccountFeed = z.output<typeof accountFeedSchema>;

export const accountInputSchema = z.object({
  name: z.string().trim().min(1, 'give the account a name').max(64),
  venue: z.enum(['sim', 'asterdex', 'bitmart', 'ccxt']),
  market: z.enum(['spot', 'perp']).default('spot'),
  live: z.boolean().default(false).meta({ description: 'Allow live bots (real orders) on this account.' }),
  credentials: z.record(z.string(), z.string().max(512)).default({}),
  baseUrls: z.record(z.string(), z.url()).optional(),
  authFamily: z
    .enum(['v3', 'v1'])
    .optional()
    .meta({
      description:
        'Asterdex only: which API the key belongs to. "v3": API wallet (user + signer + signerPrivateKey), recommended. "v1": HMAC key (apiKey + apiSecret), existing keys only. Omitted: inferred from the credentials given (or kept).',
    }),
  feed: accountFeedSchema.optional(),
});
export type AccountInput = z.input<typeof accountInputSchema>;

export interface CredentialField {
  readonly name: string;
  readonly label: string;
  readonly secret: boolean;
  readonly help: string;
  /** Not every venue of the family needs it (e.g. a passphrase on ccxt venues). */
  readonly optional?: boolean;
}

/** What each venue needs, for the dashboard's account form and the server's validation. */
export const VENUE_CREDENTIALS: Readonly<Record<VenueName, readonly (readonly CredentialField[])[]>> = {
  sim: [[]],
  asterdex: [
    [
      { name: 'user', label: 'Wallet address (user)', secret: false, help: 'The main account address of the V3 (EIP-712) API.' },
      { name: 'signer', label: 'API wallet address (signer)', secret: false, help: 'The API wallet address registered for this account.' },
      { name: 'signerPrivateKey', label: 'API wallet private key', secret: true, help: 'Private key of the API wallet (never the main wallet). Stored encrypted.' },
    ],
    [
      { name: 'apiKey', label: 'API key (V1)', secret: false, help: 'Existing V1 HMAC key; new V1 keys cannot be created since 2026-03-25.' },
      { name: 'apiSecret', label: 'API secret (V1)', secret: true, help: 'Stored encrypted, never shown again.' },
    ],
  ],
  bitmart: [
    [
      { name: 'apiKey', label: 'API key', secret: false, help: 'Read + trade permissions only; no withdrawals. Whitelist the server IP.' },
      { name: 'apiSecret', label: 'API secret', secret: true, help: 'Stored encrypted, never shown again.' },
      { name: 'memo', label: 'Memo', secret: false, help: 'The memo chosen when the key was created.' },
    ],
  ],
  ccxt: [
    [
      { name: 'exchange', label: 'ccxt exchange id', secret: false, help: "ccxt's lower-case id of the venue, e.g. mexc, gate or kucoin." },
      { name: 'apiKey', label: 'API key', secret: false, help: 'Read + trade permissions only; no withdrawals.' },
      { name: 'secret', label: 'API secret', secret: true, help: 'Stored encrypted, never shown again.' },
      { name: 'password', label: 'Passphrase', secret: true, optional: true, help: 'Only for venues whose keys have one (KuCoin, OKX).' },
    ],
    [
      { name: 'exchange', label: 'ccxt exchange id', secret: false, help: "ccxt's lower-case id of a venue that signs with a wallet key, e.g. aster." },
      { name: 'privateKey', label: 'Wallet private key', secret: true, help: 'An API wallet key, never a main wallet with funds. Stored encrypted.' },
      { name: 'walletAddress', label: 'Wallet address', secret: false, optional: true, help: 'Only for venues that ask for it besides the key.' },
    ],
  ],
};

/** What the dashboard needs to preview a grid locally with @mm/strategy. */
export interface MarketSnapshotDto {
  readonly instrument: InstrumentDto;
  readonly reference: string | undefined;
  readonly bestBid: string | undefined;
  readonly bestAsk: string | undefined;
  /** Total holdings of the account in base and quote (perps: signed position and margin balance). */
  readonly inventory: { readonly base: string; readonly quote: string };
  readonly fees: { readonly maker: string; readonly taker: string };
  readonly at: number;
}

export interface ConfigVersionDto {
  readonly version: number;
  readonly config: BotConfig;
  readonly changedBy: string;
  readonly changedAt: number;
}

export interface VenueInfoDto {
  readonly venue: VenueName;
  readonly label: string;
  readonly markets: readonly MarketKindName[];
  readonly credentialSets: readonly (readonly CredentialField[])[];
  readonly status: string;
}
