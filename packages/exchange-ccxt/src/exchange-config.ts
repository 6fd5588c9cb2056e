// Building the ccxt instance for an account: credentials, URL overrides, the forced
// no-third-party-fee options, String numbers, and ccxt's own rate limiting (always on; it may be
// made slower, and faster only against a local mock).
import { createHash } from 'node:crypto';
import { EngineError } from '@mm/core';
import type { CcxtExchange, CcxtExchangeClass, CcxtModule } from './ccxt-types.ts';
import type { VenueProfile } from './profiles.ts';

/** The credential fields ccxt knows; which ones a venue needs is its `requiredCredentials`. */
export interface CcxtCredentials {
  readonly apiKey?: string;
  readonly secret?: string;
  /** Passphrase (KuCoin, OKX). */
  readonly password?: string;
  readonly uid?: string;
  /** Wallet key for venues that sign with one (Aster). */
  readonly privateKey?: string;
  readonly walletAddress?: string;
}

export interface CcxtUrls {
  /** Deep-merged into ccxt's `urls.api` of the venue (REST and WS), for a mock or a testnet. */
  readonly api?: Readonly<Record<string, unknown>>;
}

export interface ExchangeSettings {
  readonly exchangeId: string;
  readonly credentials: CcxtCredentials;
  readonly urls?: CcxtUrls;
  readonly sandbox?: boolean;
  readonly rateLimitMs?: number;
  readonly requestTimeoutMs?: number;
  readonly ccxtOptions?: Readonly<Record<string, unknown>>;
}

const CREDENTIAL_FIELDS = ['apiKey', 'secret', 'password', 'uid', 'privateKey', 'walletAddress'] as const;

export function checkExchangeId(exchangeId: string): void {
  if (!/^[a-z0-9]+$/.test(exchangeId)) {
    throw new EngineError('INVALID_CONFIG', `ccxt exchange id "${exchangeId}" is not valid; use ccxt's lower-case id such as "mexc", "gate" or "kucoin"`);
  }
}

/** A stable, non-secret identity of the credentials (for account keys and shared limits). */
export function credentialId(credentials: CcxtCredentials): string {
  if (credentials.apiKey) return credentials.apiKey.slice(0, 8);
  if (credentials.walletAddress) return credentials.walletAddress.slice(0, 10).toLowerCase();
  if (credentials.privateKey) return createHash('sha256').update(credentials.privateKey).digest('hex').slice(0, 8);
  return 'public';
}

function collectUrls(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectUrls(v, out);
  return out;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

export function exchangeClass(ccxt: CcxtModule, exchangeId: string): CcxtExchangeClass {
  const cls = ccxt.pro[exchangeId];
  if (typeof cls !== 'function') {
    const known = ccxt.pro.exchanges?.slice(0, 12).join(', ') ?? '';
    throw new EngineError('INVALID_CONFIG', `ccxt ${ccxt.version} has no exchange "${exchangeId}" with websocket support (known ids include ${known}, …)`);
  }
  return cls as CcxtExchangeClass;
}

/** Creates the instance with our settings; the caller installs hooks and loads markets. */
export function createExchange(ccxt: CcxtModule, settings: ExchangeSettings, profile: VenueProfile): CcxtExchange {
  const cls = exchangeClass(ccxt, settings.exchangeId);
  const credentials: Record<string, string> = {};
  for (const field of CREDENTIAL_FIELDS) {
    const value = settings.credentials[field];
    if (value !== undefined && value !== '') credentials[field] = value;
  }
  const ex = new cls({
    ...credentials,
    // every parsed amount and price stays the venue's decimal string
    number: String,
    enableRateLimit: true,
    timeout: settings.requestTimeoutMs ?? 10_000,
    ...(settings.urls?.api === undefined ? {} : { urls: { api: settings.urls.api } }),
    options: {
      ...settings.ccxtOptions,
      defaultType: 'spot',
      // a resubmitted order is the engine's decision (after it queried the first one), never ccxt's
      maxRetriesOnFailure: 0,
      // reconnect pacing is the adapter's (its watch loops back off); ccxt adds no second delay
      ws: { ...(settings.ccxtOptions?.['ws'] as Record<string, unknown> | undefined), backoff: { base: 0 } },
      ...profile.forcedOptions,
    },
  });
  // assigned, not merged: ccxt deep-merges constructor options, so an empty dict would keep its
  // own broker ids underneath
  for (const [name, value] of Object.entries(profile.forcedOptions)) ex.options[name] = value;
  if (profile.uniqueNonceMs === true) giveEachSignatureItsOwnMillisecond(ex);
  if (settings.sandbox === true) (ex as unknown as { setSandboxMode(on: boolean): void }).setSandboxMode(true);
  const defaultRateLimit = ex.rateLimit;
  if (settings.rateLimitMs !== undefined) {
    if (!(settings.rateLimitMs > 0)) throw new EngineError('INVALID_CONFIG', `rateLimitMs must be a positive number of milliseconds, got ${settings.rateLimitMs}`);
    const local = settings.urls?.api !== undefined && collectUrls(settings.urls.api, []).every(isLoopback);
    if (settings.rateLimitMs < defaultRateLimit && !local) {
      throw new EngineError(
        'INVALID_CONFIG',
        `rateLimitMs ${settings.rateLimitMs} is faster than ccxt's ${defaultRateLimit} ms for ${settings.exchangeId}; only a slower pace is allowed against a real venue (faster is for a local mock)`,
      );
    }
    ex.rateLimit = settings.rateLimitMs;
    // ccxt derives its token bucket from rateLimit when the instance is built; rebuild it
    const internals = ex as unknown as { tokenBucket?: unknown; initRestRateLimiter?: () => void };
    internals.tokenBucket = undefined;
    internals.initRestRateLimiter?.call(ex);
  }
  return ex;
}

interface SigningInternals {
  sign(...args: unknown[]): unknown;
  milliseconds(): number;
}

/**
 * While ccxt signs a request, its clock reads a millisecond no earlier signature used (at most a
 * burst's length ahead of the real time), so concurrent requests carry distinct nonces.
 */
export function giveEachSignatureItsOwnMillisecond(ex: CcxtExchange): void {
  const internals = ex as unknown as SigningInternals;
  const sign = internals.sign.bind(ex);
  const milliseconds = internals.milliseconds.bind(ex);
  let last = 0;
  internals.sign = (...args: unknown[]) => {
    const ms = Math.max(milliseconds(), last + 1);
    last = ms;
    internals.milliseconds = () => ms;
    try {
      return sign(...args);
    } finally {
      internals.milliseconds = milliseconds;
    }
  };
}

/** Names the missing credentials in a way a person can act on. */
export function checkCredentials(ex: CcxtExchange, exchangeId: string): void {
  let missing: string | undefined;
  try {
    ex.checkRequiredCredentials(true);
  } catch (error) {
    missing = error instanceof Error ? error.message : String(error);
  }
  if (missing !== undefined) {
    const required = Object.entries((ex as unknown as { requiredCredentials?: Record<string, boolean> }).requiredCredentials ?? {})
      .filter(([, needed]) => needed)
      .map(([name]) => name);
    throw new EngineError('INVALID_CONFIG', `${exchangeId} needs the credentials ${required.join(', ')} (${missing}); add them to the account`);
  }
}

/** Whether any configured URL is a plain ws:// one (ccxt needs its proxy agent loaded for those). */
export function hasPlainWs(urls: CcxtUrls | undefined): boolean {
  return collectUrls(urls?.api, []).some((u) => u.startsWith('ws://'));
}
