// What differs between venues beyond ccxt's unified API, as data. Unknown venues get the
// DEFAULT profile: unified ccxt parameters, no STP, the generic fee/referral guard. Everything
// here is from ccxt 4.5.84's source and the venues' public docs; only `aster` is exercised
// against a protocol-faithful mock.
import type { StpMode } from '@mm/core';

type ExpireMode = Exclude<StpMode, 'none'>;

export interface VenueProfile {
  /**
   * ccxt options forced on every instance so that no third-party fee, broker or referral
   * parameter is added (the request guard in fee-guard.ts enforces the same on the wire).
   */
  readonly forcedOptions: Readonly<Record<string, unknown>>;
  /** Order parameters that make a limit order post-only. */
  readonly postOnlyParams: Readonly<Record<string, unknown>>;
  /** Per-order self-trade prevention parameters, by our mode. Empty: none exposed. */
  readonly stp: Readonly<Partial<Record<ExpireMode, Readonly<Record<string, unknown>>>>>;
  /** Longest client order id the venue takes (after any prefix ccxt adds). */
  readonly maxClientOrderIdLength: number;
  /** A prefix the venue (or ccxt) puts in front of client ids, stripped when reading them back. */
  readonly clientIdPrefix?: string;
  /** Extra request parameter names that carry attribution on this venue. */
  readonly forbiddenParams?: readonly string[];
  /**
   * ccxt signs with a nonce of milliseconds × 1000, so two requests signed in the same
   * millisecond collide ("nonce duplicated"); each signature then gets a millisecond of its own.
   */
  readonly uniqueNonceMs?: boolean;
  /** Why the profile deviates from the default, for the README and error messages. */
  readonly note?: string;
}

const DEFAULT: VenueProfile = { forcedOptions: {}, postOnlyParams: { postOnly: true }, stp: {}, maxClientOrderIdLength: 32 };

const PROFILES: Readonly<Record<string, Partial<VenueProfile>>> = {
  aster: {
    // ccxt adds builder=<ccxt's address>&feeRate=0.001 to swap orders and approves that
    // builder on sign-in unless builderFee is false
    forcedOptions: { builderFee: false, approvedBuilderFee: false },
    // ccxt 4.5.84 forwards the unified postOnly flag to the venue as a raw parameter, which the
    // venue refuses (-1104 "not all sent parameters were read"); GTX is the venue's post-only
    postOnlyParams: { timeInForce: 'GTX' },
    maxClientOrderIdLength: 36,
    uniqueNonceMs: true,
    note: 'spot API has no per-order STP and no batch orders',
  },
  binance: {
    // without this ccxt prefixes generated client ids with its broker id (x-TKT5PX2F…)
    forcedOptions: { broker: {} },
    // the one venue where ccxt unifies STP (selfTradePreventionMode)
    stp: { expire_taker: { selfTradePrevention: 'EXPIRE_TAKER' }, expire_maker: { selfTradePrevention: 'EXPIRE_MAKER' }, expire_both: { selfTradePrevention: 'EXPIRE_BOTH' } },
    maxClientOrderIdLength: 36,
  },
  mexc: {
    // ccxt sends a `source: CCXT` attribution header; the guard strips it
    forcedOptions: { broker: '' },
  },
  gate: {
    // Gate's `text` must start with "t-" and is at most 28 bytes; ccxt adds the prefix
    maxClientOrderIdLength: 26,
    clientIdPrefix: 't-',
    note: 'STP needs an STP group on the account, so it is not switched on per order',
  },
  kucoin: {
    // without this ccxt signs requests with its partner id (KC-API-PARTNER headers)
    forcedOptions: { partner: {} },
    // KuCoin: CN cancel newest (the taker), CO cancel oldest (the maker), CB both
    stp: { expire_taker: { stp: 'CN' }, expire_maker: { stp: 'CO' }, expire_both: { stp: 'CB' } },
  },
  okx: {
    // ccxt tags orders with its broker id and uses it as a client-id prefix
    forcedOptions: { brokerId: '' },
    forbiddenParams: ['tag'],
    stp: { expire_taker: { stpMode: 'cancel_taker' }, expire_maker: { stpMode: 'cancel_maker' }, expire_both: { stpMode: 'cancel_both' } },
  },
};

export function profileFor(exchangeId: string): VenueProfile {
  const overrides = PROFILES[exchangeId] ?? {};
  return { ...DEFAULT, ...overrides, forcedOptions: { ...DEFAULT.forcedOptions, ...overrides.forcedOptions } };
}

/** Venue ids with a profile beyond the default (documentation and tests). */
export const PROFILED_VENUES: readonly string[] = Object.keys(PROFILES);
