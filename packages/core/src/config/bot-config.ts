// The configuration of one bot, shared by the engine, the API and the dashboard (which renders
// the descriptions as help text and validates with the same rules). Money amounts are decimal
// strings; percentages, counts and durations are numbers. Rules that involve several fields are
// checked in `superRefine` and reported on the field a person has to change.
import { z } from 'zod';
import * as fx from '../fixed.ts';

const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative decimal string such as "250" or "0.015". */
export function decimalString(description: string, options: { positive?: boolean } = {}) {
  return z
    .string()
    .trim()
    .regex(DECIMAL, 'must be a decimal number such as 100 or 0.5')
    .refine((v) => !options.positive || (fx.tryParse(v) ?? 0n) > 0n, 'must be greater than 0')
    .meta({ description });
}

function percent(description: string, max = 100) {
  return z.number().min(0, 'must not be negative').max(max, `must be at most ${max}`).meta({ description });
}

function durationMs(description: string, min = 0) {
  return z.number().int('must be a whole number of milliseconds').min(min, `must be at least ${min} ms`).meta({ description });
}

/** Cross-field rules run even when a field failed its own check: parse leniently there. */
function dec(value: string): bigint {
  return fx.tryParse(value) ?? 0n;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const REFERENCE_SOURCES = ['mid', 'microprice', 'mark', 'last', 'ema', 'external'] as const;

export const referencePriceSchema = z
  .object({
    source: z
      .enum(REFERENCE_SOURCES)
      .default('mid')
      .meta({ description: 'Price the grid is built around: book mid, size-weighted microprice, mark price (perps), last trade, an EMA of the mid, or another venue\'s price.' }),
    emaHalfLifeMs: durationMs('Half-life of the EMA smoothing when the source is "ema".', 100).default(10_000),
    external: z
      .object({
        accountId: z.string().min(1).meta({ description: 'Venue account whose market supplies the price (may be a public-data account).' }),
        symbol: z.string().min(1).meta({ description: 'Symbol on that venue, e.g. a liquid market of the same token.' }),
        maxDeviationPct: percent('Stop quoting while the external price and this venue\'s mid differ by more than this.', 50).default(2),
      })
      .optional()
      .meta({ description: 'Master/slave pricing: quote this market around another venue\'s price.' }),
    maxAgeMs: durationMs('A reference older than this is stale: quoting stops until it is fresh again.', 100).default(15_000),
  })
  .meta({ description: 'Where the reference price comes from.' });

const sideSpreadSchema = z
  .object({
    minPct: percent('Spread of the innermost level from the reference, in %.', 50).default(0.2),
    maxPct: percent('Spread of the outermost level from the reference, in %.', 90).default(2),
  })
  .meta({ description: 'Spread bounds of one side.' });

const sizeBoundsSchema = z
  .object({
    min: decimalString('Smallest order size on this side, in base units (0 = the venue minimum).').default('0'),
    max: decimalString('Largest order size on this side, in base units (0 = no limit).').default('0'),
  })
  .meta({ description: 'Order size bounds of one side, in base units.' });

export const DISTRIBUTIONS = ['LINEAR', 'VALLEY', 'RANDOM', 'CUSTOM'] as const;
export const VOLUME_MODES = ['MAKER_FIRST', 'MIXED'] as const;
export const MARGIN_TYPES = ['cross', 'isolated'] as const;

export const marketMakingSchema = z
  .object({
    enabled: z.boolean().default(true).meta({ description: 'Quote a grid of post-only orders around the reference price.' }),
    referencePrice: referencePriceSchema.default({ source: 'mid', emaHalfLifeMs: 10_000, maxAgeMs: 15_000 }),
    bidLevels: z.number().int().min(0).max(50).default(5).meta({ description: 'Number of buy orders (levels below the reference).' }),
    askLevels: z.number().int().min(0).max(50).default(5).meta({ description: 'Number of sell orders (levels above the reference).' }),
    bidSpread: sideSpreadSchema.default({ minPct: 0.2, maxPct: 2 }),
    askSpread: sideSpreadSchema.default({ minPct: 0.2, maxPct: 2 }),
    stepPct: percent('Distance between neighbouring levels, in %. 0 spreads the levels evenly from min to max spread.', 20).default(0),
    bidBudgetQuote: decimalString('Most quote currency (e.g. USDT) all buy orders together may use, fees included.').default('1000'),
    askBudgetBase: decimalString('Most base currency (the token) all sell orders together may offer.').default('1000'),
    bidSize: sizeBoundsSchema.default({ min: '0', max: '0' }),
    askSize: sizeBoundsSchema.default({ min: '0', max: '0' }),
    distribution: z
      .enum(DISTRIBUTIONS)
      .default('LINEAR')
      .meta({ description: 'How each side\'s budget is shared between levels: LINEAR (even), VALLEY (most near the mid), RANDOM (new random weights every refresh), CUSTOM (your weights).' }),
    customWeights: z
      .array(z.number().positive('weights must be positive'))
      .max(50)
      .default([])
      .meta({ description: 'Weights per level from the innermost out, used with CUSTOM (e.g. 3, 2, 1).' }),
    randomMinWeight: z.number().positive().default(0.5).meta({ description: 'RANDOM: smallest weight drawn for a level (relative).' }),
    randomMaxWeight: z.number().positive().default(1.5).meta({ description: 'RANDOM: largest weight drawn for a level (relative).' }),
    inventorySkew: z
      .object({
        enabled: z.boolean().default(false).meta({ description: 'Lean sizes (and optionally prices) to pull inventory back to its target.' }),
        targetBasePct: percent('Target share of total value held in the base token, in %.').default(50),
        rangePct: percent('How far (percentage points) the base share may stray from the target before the skew is at full strength.', 100).default(20),
        sizeFactor: z.number().min(0).max(1).default(1).meta({ description: 'Strength of the size skew: 1 means the heavy side shrinks to zero at full strength.' }),
        priceSkewPct: percent('At full strength, shift all quotes by this % toward reducing inventory (0 = sizes only).', 10).default(0),
      })
      .default({ enabled: false, targetBasePct: 50, rangePct: 20, sizeFactor: 1, priceSkewPct: 0 }),
    breakEvenFloor: z.boolean().default(true).meta({ description: 'Never quote a spread narrower than the maker fee, so a round trip at least covers its fees.' }),
    refresh: z
      .object({
        intervalMs: durationMs('How often the grid is recomputed.', 200).default(5_000),
        tolerancePct: percent('A resting order is replaced only when its desired price moved more than this %, so the others keep their queue place.', 10).default(0.1),
        maxOrderAgeMs: durationMs('Replace orders older than this even if still in tolerance (0 = never).').default(0),
        fillDelayMs: durationMs('After a fill, wait this long before re-placing orders.').default(0),
      })
      .default({ intervalMs: 5_000, tolerancePct: 0.1, maxOrderAgeMs: 0, fillDelayMs: 0 }),
    priceCeiling: decimalString('Place no buys while the reference is at or above this price (empty = none).').optional(),
    priceFloor: decimalString('Place no sells while the reference is at or below this price (empty = none).').optional(),
  })
  .meta({ description: 'Market making: the grid of resting orders.' });

export const timeWindowSchema = z
  .object({
    start: z.string().regex(HHMM, 'use HH:MM, e.g. 08:00').meta({ description: 'Start of the window (HH:MM, in the bot\'s time zone).' }),
    end: z.string().regex(HHMM, 'use HH:MM, e.g. 20:00').meta({ description: 'End of the window (HH:MM). An end before the start runs past midnight.' }),
    days: z
      .array(z.number().int().min(0).max(6))
      .default([0, 1, 2, 3, 4, 5, 6])
      .meta({ description: 'Days the window applies (0 = Sunday … 6 = Saturday), by the day the window starts.' }),
  })
  .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] });

export const volumeSchema = z
  .object({
    enabled: z.boolean().default(false).meta({ description: 'Reach a daily traded notional with randomized trades against other participants (never against ourselves).' }),
    dailyTargetQuote: decimalString('Target traded notional per day, in quote currency (USDT). All fills of the bot count.').default('10000'),
    timezone: z.string().default('UTC').meta({ description: 'Time zone of the active windows and of the trading day, e.g. Europe/Berlin.' }),
    windows: z
      .array(timeWindowSchema)
      .default([{ start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }])
      .meta({ description: 'When the volume leg may trade. Progress is paced over the active time.' }),
    minTradeQuote: decimalString('Smallest volume trade, in quote currency.', { positive: true }).default('20'),
    maxTradeQuote: decimalString('Largest volume trade, in quote currency.', { positive: true }).default('100'),
    mode: z
      .enum(VOLUME_MODES)
      .default('MAKER_FIRST')
      .meta({ description: 'MAKER_FIRST: post-only orders at the best price only. MIXED: if a maker order does not fill in time and the schedule is behind, take liquidity (never our own) with an IOC.' }),
    makerTimeoutMs: durationMs('How long a volume maker order may rest before it is cancelled (and, in MIXED mode, replaced by a taker order).', 1_000).default(30_000),
    maxSlippagePct: percent('MIXED: a taker order may pay at most this % beyond the best price.', 10).default(0.3),
    maxNotionalPerHourQuote: decimalString('Hard cap: the volume leg trades at most this much per hour (0 = no cap).').default('0'),
    catchUpMultiple: z
      .number()
      .min(1, 'must be at least 1 (1 = never faster than the plain hourly pace)')
      .max(10, 'must be at most 10 (a bigger multiple trades hours of volume in a burst)')
      .default(2)
      .meta({
        description:
          'Most the volume leg may trade in a clock hour while catching up, as a multiple of the plain hourly pace (daily target ÷ active hours). A bot started or resumed mid-day paces only the rest of the day and never trades faster than this, nor over the hourly cap.',
      }),
    maxFeesPerDayQuote: decimalString('Hard cap: stop the volume leg after paying this much in fees today (0 = no cap).').default('0'),
    maxLossPerDayQuote: decimalString('Hard cap: stop the volume leg after losing this much today on its own trades (0 = no cap).').default('0'),
  })
  .meta({ description: 'Volume target: a daily notional reached by trades against real counterparties.' });

export const RISK_ACTIONS = ['deny', 'pause', 'cancel_all', 'reduce', 'halt'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

const breakerSchema = z.object({
  count: z.number().int().min(1).meta({ description: 'How many within the window trip the breaker.' }),
  windowMs: durationMs('The sliding window.', 1_000),
});

export const riskSchema = z
  .object({
    maxOpenOrders: z.number().int().min(1).max(1_000).default(40).meta({ description: 'Most open orders this bot may have (checked before every order).' }),
    maxOpenOrdersPerAccount: z.number().int().min(1).max(5_000).default(200).meta({ description: 'Most open orders all bots on this venue account may have together.' }),
    maxOrderNotionalQuote: decimalString('Largest value of a single order, in quote currency.').default('5000'),
    maxPriceDeviationPct: percent('Refuse any order priced further than this % from the reference (fat-finger guard).', 100).default(5),
    minQuoteBalance: decimalString('Quote balance always kept free: buys that would dip below it are refused.').default('0'),
    maxOrdersPerMinute: z.number().int().min(1).max(10_000).default(300).meta({ description: 'Most new orders per minute from this bot.' }),
    dailyLossLimitQuote: decimalString('Stop when equity falls this far below the day\'s starting equity (0 = off).').default('0'),
    maxDrawdownQuote: decimalString('Stop when equity falls this far below its peak (0 = off).').default('0'),
    apiErrorBreaker: breakerSchema.default({ count: 10, windowMs: 60_000 }).meta({ description: 'Pause after this many venue/API errors in the window.' }),
    rejectBreaker: breakerSchema.default({ count: 20, windowMs: 60_000 }).meta({ description: 'Pause after this many order rejections in the window.' }),
    staleDataMs: durationMs('No market data for this long: cancel all and stop quoting until data is fresh again.', 500).default(10_000),
    maxReferenceDeviationPct: percent('Pause while the reference price and the venue\'s mid differ by more than this %.', 100).default(3),
    maxPositionNotionalQuote: decimalString('Perps: largest absolute position value; beyond it only reducing orders are allowed (0 = off).').default('0'),
    minMarginRatioPct: percent('Perps: reduce when maintenance margin exceeds this % of the margin balance.', 100).default(60),
    minLiquidationDistancePct: percent('Perps: reduce when the mark is closer than this % to the liquidation price.', 100).default(10),
    maxAdlQuantile: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(5)
      .meta({ description: 'Perps: reduce when the auto-deleveraging quantile reaches this (0–4, where 4 is first in line to be deleveraged); 5 turns the rule off.' }),
    autoResumeMs: durationMs('After a pause trip (breakers, deviation), resume by itself after this long (0 = stay paused until resumed).').default(60_000),
    actions: z
      .record(z.string(), z.enum(RISK_ACTIONS))
      .default({})
      .meta({ description: 'Override the action a rule takes when it trips: deny, pause, cancel_all, reduce or halt.' }),
  })
  .meta({ description: 'Risk limits: checked before every order and monitored continuously.' });

export const perpSettingsSchema = z
  .object({
    leverage: z.number().int().min(1).max(125).default(3).meta({ description: 'Leverage set on the venue for this symbol.' }),
    marginType: z.enum(MARGIN_TYPES).default('cross').meta({ description: 'Margin mode set on the venue for this symbol.' }),
  })
  .meta({ description: 'Perpetual futures settings.' });

export const botConfigSchema = z
  .object({
    name: z.string().trim().min(1, 'give the bot a name').max(64).meta({ description: 'A name you recognise the bot by.' }),
    accountId: z.string().min(1, 'choose a venue account').meta({ description: 'Venue account the bot trades on (the built-in "paper" account trades on the simulated exchange).' }),
    symbol: z.string().trim().min(1, 'choose a symbol').meta({ description: 'The venue\'s symbol, e.g. BTCUSDT or USHARK_USDT.' }),
    mode: z
      .enum(['paper', 'live'])
      .default('paper')
      .meta({ description: 'paper trades on the simulated exchange; live sends real orders and needs a live account and this explicit switch.' }),
    marketMaking: marketMakingSchema.default(marketMakingSchema.parse({})),
    volume: volumeSchema.default(volumeSchema.parse({})),
    risk: riskSchema.default(riskSchema.parse({})),
    perp: perpSettingsSchema.default({ leverage: 3, marginType: 'cross' }),
    seed: z.number().int().min(0).max(2 ** 31).default(1).meta({ description: 'Seed of the bot\'s randomness (sizes, timing): the same seed repeats a backtest exactly.' }),
  })
  .superRefine((cfg, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const mm = cfg.marketMaking;
    for (const side of ['bidSpread', 'askSpread'] as const) {
      if (mm[side].maxPct < mm[side].minPct) issue(['marketMaking', side, 'maxPct'], `max spread (${mm[side].maxPct} %) must be at least the min spread (${mm[side].minPct} %)`);
    }
    for (const side of ['bidSize', 'askSize'] as const) {
      const { min, max } = mm[side];
      if (dec(max) > 0n && dec(min) > dec(max)) issue(['marketMaking', side, 'max'], `max size (${max}) must be at least the min size (${min}), or 0 for no limit`);
    }
    if (mm.distribution === 'CUSTOM') {
      const levels = Math.max(mm.bidLevels, mm.askLevels);
      if (mm.customWeights.length < levels) issue(['marketMaking', 'customWeights'], `CUSTOM needs a weight for each of the ${levels} levels (got ${mm.customWeights.length})`);
    }
    if (mm.randomMaxWeight < mm.randomMinWeight) issue(['marketMaking', 'randomMaxWeight'], 'must be at least randomMinWeight');
    if (mm.enabled && mm.bidLevels + mm.askLevels === 0) issue(['marketMaking', 'bidLevels'], 'market making needs at least one level on one side');
    if (mm.enabled && mm.bidLevels > 0 && fx.tryParse(mm.bidBudgetQuote) === 0n) issue(['marketMaking', 'bidBudgetQuote'], 'bid levels need a budget greater than 0');
    if (mm.enabled && mm.askLevels > 0 && fx.tryParse(mm.askBudgetBase) === 0n) issue(['marketMaking', 'askBudgetBase'], 'ask levels need a budget greater than 0');
    if (mm.priceCeiling !== undefined && mm.priceFloor !== undefined && dec(mm.priceCeiling) <= dec(mm.priceFloor)) {
      issue(['marketMaking', 'priceCeiling'], 'the price ceiling must be above the price floor');
    }
    if (mm.referencePrice.source === 'external' && mm.referencePrice.external === undefined) {
      issue(['marketMaking', 'referencePrice', 'external'], 'an external reference needs an account and a symbol');
    }
    const vol = cfg.volume;
    if (!isValidTimeZone(vol.timezone)) issue(['volume', 'timezone'], `"${vol.timezone}" is not a known time zone (use e.g. UTC or Europe/Berlin)`);
    if (dec(vol.maxTradeQuote) < dec(vol.minTradeQuote)) issue(['volume', 'maxTradeQuote'], `max trade (${vol.maxTradeQuote}) must be at least the min trade (${vol.minTradeQuote})`);
    if (vol.enabled) {
      if (vol.windows.length === 0) issue(['volume', 'windows'], 'the volume leg needs at least one active window');
      if (fx.tryParse(vol.dailyTargetQuote) === 0n) issue(['volume', 'dailyTargetQuote'], 'the daily target must be greater than 0');
      if (dec(vol.dailyTargetQuote) < dec(vol.minTradeQuote)) issue(['volume', 'dailyTargetQuote'], 'the daily target is smaller than one minimum trade');
      const cap = dec(vol.maxNotionalPerHourQuote);
      if (cap > 0n && cap < dec(vol.minTradeQuote)) issue(['volume', 'maxNotionalPerHourQuote'], 'the hourly cap is smaller than one minimum trade');
    }
    for (const rule of Object.keys(cfg.risk.actions)) {
      if (!(RISK_RULES as readonly string[]).includes(rule)) issue(['risk', 'actions', rule], `unknown risk rule "${rule}"; known rules: ${RISK_RULES.join(', ')}`);
    }
  });

/** Every rule the risk engine knows; `risk.actions` may override each one's action. */
export const RISK_RULES = [
  'max_open_orders',
  'max_open_orders_account',
  'max_order_notional',
  'price_deviation',
  'min_quote_balance',
  'insufficient_balance',
  'order_rate',
  'self_cross',
  'reduce_only',
  'halted',
  'daily_loss',
  'drawdown',
  'api_errors',
  'rejects',
  'stale_data',
  'reference_deviation',
  'position_limit',
  'margin_ratio',
  'liquidation_distance',
  'adl_quantile',
  'margin_call',
  'kill_switch',
  'storage_unavailable',
] as const;
export type RiskRule = (typeof RISK_RULES)[number];

export type BotConfig = z.output<typeof botConfigSchema>;
export type BotConfigInput = z.input<typeof botConfigSchema>;
export type MarketMakingConfig = BotConfig['marketMaking'];
export type VolumeConfig = BotConfig['volume'];
export type RiskConfig = BotConfig['risk'];
export type ReferencePriceConfig = MarketMakingConfig['referencePrice'];

export interface FieldError {
  /** Dotted path of the field, e.g. "marketMaking.bidSpread.maxPct". */
  readonly path: string;
  readonly message: string;
}

export type ConfigValidation = { readonly ok: true; readonly config: BotConfig } | { readonly ok: false; readonly errors: readonly FieldError[] };

/** Validates a config, returning field-level messages rather than throwing. */
export function validateBotConfig(input: unknown): ConfigValidation {
  const parsed = botConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(config)', message: i.message })),
  };
}
