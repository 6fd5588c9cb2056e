// ccxt errors → EngineError plus the port's outcome. ccxt names the failure by class
// (RateLimitExceeded < NetworkError < OperationFailed, InsufficientFunds < ExchangeError, ...);
// the class names along the prototype chain are read, so a scripted fake with the same names
// classifies the same way. Rule of the port: only a proven refusal is 'rejected'; anything that
// may have reached the matching engine without an answer is 'unknown'.
import { EngineError, outcomeError } from '@mm/core';
import type { ErrorCode } from '@mm/core';

export type Action = 'submit' | 'cancel' | 'query';

export interface Classified {
  readonly error: EngineError;
  readonly outcome: 'rejected' | 'unknown';
}

/** Extra facts the REST hook attaches to ccxt errors (exchange-hooks.ts). */
export interface ResponseFacts {
  httpStatus?: number;
  retryAfterMs?: number;
}

/** The venue answered a batch and refused this entry (a proven refusal, worded by the venue). */
export class BatchEntryRefused extends Error {
  override readonly name = 'BatchEntryRefused';
}

export function errorChain(error: unknown): Set<string> {
  const names = new Set<string>();
  let proto: unknown = error !== null && typeof error === 'object' ? Object.getPrototypeOf(error) : undefined;
  while (proto !== null && proto !== undefined && proto !== Object.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name) names.add(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

export function factsOf(error: unknown): ResponseFacts {
  return error !== null && typeof error === 'object' ? (error as ResponseFacts) : {};
}

// Venue wording for outcomes ccxt lumps into InvalidOrder / ExchangeError (Binance-family -2010,
// MEXC, Gate, KuCoin phrasing).
const MESSAGE_RULES: readonly (readonly [RegExp, ErrorCode])[] = [
  [/insufficient|not enough (balance|funds)|balance (is )?not enough|exceeds? (the )?(available )?balance/i, 'INSUFFICIENT_BALANCE'],
  [/immediately match|would (immediately )?(match|take|trade|cross)|post[ _-]?only|maker[ _-]?only|\bGTX\b/i, 'POST_ONLY_WOULD_CROSS'],
  [/duplicate|already (exists|used)|client.?o(rder)?.?id.{0,20}(exist|used|repeat)/i, 'DUPLICATE_CLIENT_ORDER_ID'],
  [/self.?trad|\bstp\b/i, 'SELF_TRADE_PREVENTED'],
  [/too many (open )?orders|max(imum)? (number of )?open orders|open order limit/i, 'MAX_OPEN_ORDERS'],
  [/PRICE_FILTER|tick size/i, 'PRICE_OFF_TICK'],
  [/NOTIONAL/i, 'NOTIONAL_BELOW_MIN'],
];

// Venue answers that say the request's fate is unknown (Binance-family -1006/-1007 wording, generic busy replies).
const UNKNOWN_STATUS = /execution status unknown|status unknown|unknown error|timeout|timed out|try again later|system (is )?busy|internal (server )?error|service unavailable/i;

// Transport failures that prove the request never left (nothing to resolve afterwards).
const NOT_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ConnectionRefused|DNSError|FailedToOpenSocket|UND_ERR_CONNECT_TIMEOUT/;

function byMessage(message: string): ErrorCode | undefined {
  for (const [pattern, code] of MESSAGE_RULES) if (pattern.test(message)) return code;
  return undefined;
}

function make(code: ErrorCode, message: string, cause: unknown, venueCode?: number): EngineError {
  return outcomeError(code, message, { cause, ...(venueCode === undefined ? {} : { venueCode }) });
}

/**
 * Classifies an error from a ccxt call. `venue` names the exchange in messages; `action` decides
 * what an ambiguous transport failure means (unknown for submit and cancel, a retryable error
 * for queries).
 */
export function classify(error: unknown, action: Action, venue: string): Classified {
  if (error instanceof EngineError) {
    return { error, outcome: error.code === 'UNKNOWN_OUTCOME' ? 'unknown' : 'rejected' };
  }
  const chain = errorChain(error);
  const raw = error instanceof Error ? error.message : String(error);
  const facts = factsOf(error);
  const status = facts.httpStatus;
  const message = `${venue}: ${raw.length > 400 ? `${raw.slice(0, 400)}…` : raw}`;
  const rejected = (code: ErrorCode, text = message): Classified => ({ error: make(code, text, error, status), outcome: 'rejected' });
  const ambiguous = (code: ErrorCode): Classified =>
    action === 'query'
      ? { error: make(code, message, error, status), outcome: 'rejected' }
      : { error: make('UNKNOWN_OUTCOME', `${message} (the request may have been executed; query the order by its client id before acting again)`, error, status), outcome: 'unknown' };

  if (chain.has('RateLimitExceeded') || status === 429) return rejected('RATE_LIMITED', `${message} (rate limited by the venue; retry after the pause)`);
  if (status === 418) return rejected('IP_BANNED', `${message} (the venue banned this IP for exceeding its rate limits)`);
  if (chain.has('DDoSProtection')) return rejected('RATE_LIMITED', `${message} (refused by the venue's flood protection; retry later)`);
  if (chain.has('InvalidNonce')) return rejected('TIMESTAMP_OUT_OF_WINDOW', `${message} (check the machine's clock)`);
  if (chain.has('ExchangeClosedByUser')) return rejected('ILLEGAL_STATE', `${message} (the adapter was closed)`);
  if (chain.has('NetworkError') || chain.has('OperationFailed')) {
    if (NOT_SENT.test(raw)) return rejected('NETWORK', `${message} (the venue could not be reached; nothing was sent)`);
    if (chain.has('RequestTimeout')) return ambiguous('TIMEOUT');
    if (chain.has('ExchangeNotAvailable')) return ambiguous('VENUE_UNAVAILABLE');
    return ambiguous('NETWORK');
  }
  if (chain.has('AccountSuspended') || chain.has('PermissionDenied')) return rejected('PERMISSION_DENIED', `${message} (check the API key's permissions and IP whitelist)`);
  if (chain.has('AuthenticationError')) return rejected('AUTH_FAILED', `${message} (check the account's API credentials)`);
  if (chain.has('InsufficientFunds')) return rejected('INSUFFICIENT_BALANCE');
  if (chain.has('OrderImmediatelyFillable')) return rejected('POST_ONLY_WOULD_CROSS');
  if (chain.has('DuplicateOrderId')) return rejected('DUPLICATE_CLIENT_ORDER_ID');
  if (chain.has('OrderNotFound')) return rejected('ORDER_NOT_FOUND');
  if (chain.has('BadSymbol')) return rejected('UNKNOWN_SYMBOL');
  if (chain.has('NotSupported')) return rejected('NOT_SUPPORTED');
  if (chain.has('ExchangeError') || chain.has('BaseError') || chain.has('BatchEntryRefused')) {
    const code = byMessage(raw);
    if (code !== undefined) return rejected(code);
    if (UNKNOWN_STATUS.test(raw) || (status !== undefined && status >= 500)) return ambiguous('VENUE_UNAVAILABLE');
    if (chain.has('InvalidOrder')) return rejected('ORDER_REJECTED');
    if (chain.has('BadRequest') || chain.has('ArgumentsRequired')) return rejected('INVALID_ARGUMENT');
    return rejected(action === 'submit' ? 'ORDER_REJECTED' : 'VENUE_ERROR');
  }
  // not a ccxt error: a bug or a parse failure after the answer arrived; the request may have
  // been executed
  return ambiguous('INTERNAL');
}

/** For whole-call failures (queries, connect): the classified EngineError, to throw. */
export function toVenueError(error: unknown, venue: string): EngineError {
  return classify(error, 'query', venue).error;
}
