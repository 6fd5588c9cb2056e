// Asterdex error codes (catalogue §6; the list is Binance's) mapped onto EngineError codes, and
// HTTP statuses onto outcomes. The rule that matters most: a request whose effect the venue did
// not prove is 'unknown' (HTTP 5xx/503, -1006, -1007), never 'rejected', so the engine asks the
// venue with queryOrder instead of sending the order again.
import { EngineError } from '@mm/core';
import type { ErrorCode } from '@mm/core';

export type Outcome = 'rejected' | 'unknown';

export interface VenueFailure {
  readonly outcome: Outcome;
  readonly error: EngineError;
}

/** Codes whose meaning does not depend on the message. */
const BY_CODE: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [-1000, 'VENUE_ERROR'],
  [-1001, 'VENUE_UNAVAILABLE'],
  [-1002, 'PERMISSION_DENIED'],
  [-1003, 'RATE_LIMITED'],
  [-1006, 'UNKNOWN_OUTCOME'],
  [-1007, 'UNKNOWN_OUTCOME'],
  [-1015, 'RATE_LIMITED'],
  [-1016, 'VENUE_UNAVAILABLE'],
  [-1020, 'NOT_SUPPORTED'],
  [-1021, 'TIMESTAMP_OUT_OF_WINDOW'],
  [-1022, 'AUTH_FAILED'],
  [-1111, 'INVALID_ARGUMENT'],
  [-1121, 'UNKNOWN_SYMBOL'],
  [-1125, 'NOT_FOUND'],
  [-2011, 'ORDER_NOT_FOUND'],
  [-2013, 'ORDER_NOT_FOUND'],
  [-2014, 'AUTH_FAILED'],
  [-2015, 'AUTH_FAILED'],
  [-2018, 'INSUFFICIENT_BALANCE'],
  [-2019, 'INSUFFICIENT_BALANCE'],
  [-2020, 'ORDER_REJECTED'],
  [-2021, 'ORDER_REJECTED'],
  [-2022, 'REDUCE_ONLY_REJECTED'],
  [-2023, 'PERMISSION_DENIED'],
  [-2024, 'REDUCE_ONLY_REJECTED'],
  [-2025, 'MAX_OPEN_ORDERS'],
  [-2026, 'REDUCE_ONLY_REJECTED'],
  [-2027, 'RISK_DENIED'],
  [-2028, 'INSUFFICIENT_BALANCE'],
  [-4001, 'INVALID_ARGUMENT'],
  [-4002, 'PRICE_OUT_OF_BAND'],
  [-4003, 'INVALID_ARGUMENT'],
  [-4004, 'QTY_BELOW_MIN'],
  [-4005, 'QTY_ABOVE_MAX'],
  [-4013, 'PRICE_OUT_OF_BAND'],
  [-4014, 'PRICE_OFF_TICK'],
  [-4015, 'INVALID_ARGUMENT'],
  [-4016, 'PRICE_OUT_OF_BAND'],
  [-4023, 'QTY_OFF_LOT'],
  [-4024, 'PRICE_OUT_OF_BAND'],
  [-4028, 'INVALID_ARGUMENT'],
  [-4047, 'ILLEGAL_STATE'],
  [-4048, 'ILLEGAL_STATE'],
  [-4050, 'INSUFFICIENT_BALANCE'],
  [-4051, 'INSUFFICIENT_BALANCE'],
  [-4061, 'ORDER_REJECTED'],
  [-4062, 'REDUCE_ONLY_REJECTED'],
  [-4067, 'ILLEGAL_STATE'],
  [-4068, 'ILLEGAL_STATE'],
  [-4082, 'INVALID_ARGUMENT'],
  [-4087, 'PERMISSION_DENIED'],
  [-4088, 'PERMISSION_DENIED'],
  [-4116, 'DUPLICATE_CLIENT_ORDER_ID'],
  [-4118, 'REDUCE_ONLY_REJECTED'],
  [-4131, 'PRICE_OUT_OF_BAND'],
  [-4140, 'ORDER_REJECTED'],
  [-4141, 'ORDER_REJECTED'],
  [-4164, 'NOTIONAL_BELOW_MIN'],
  [-4168, 'NOT_SUPPORTED'],
  [-4183, 'PRICE_OUT_OF_BAND'],
  [-4184, 'PRICE_OUT_OF_BAND'],
  [-4225, 'TIMESTAMP_OUT_OF_WINDOW'],
  [-5022, 'POST_ONLY_WOULD_CROSS'],
  [-5060, 'PRICE_OUT_OF_BAND'],
  [-5076, 'NOTIONAL_BELOW_MIN'],
]);

/** Codes answered for requests that may have been executed anyway. */
export const UNKNOWN_EXECUTION_CODES: ReadonlySet<number> = new Set([-1006, -1007]);

/** Codes after which a fresh server-time offset should be measured. */
export const CLOCK_CODES: ReadonlySet<number> = new Set([-1021, -4225]);

export interface ErrorContext {
  /** What was being done, for the message ("place order mm1x…", "GET /fapi/v1/openOrders"). */
  readonly action: string;
  /** The request was post-only, so a bare -2010 is the cross rejection. */
  readonly postOnly?: boolean;
  readonly httpStatus?: number;
}

/** An EngineError for a venue error body {code, msg}. */
export function venueError(code: number, msg: string, context: ErrorContext): VenueFailure {
  const mapped = classify(code, msg, context);
  const outcome: Outcome = mapped === 'UNKNOWN_OUTCOME' ? 'unknown' : 'rejected';
  const hint = HINTS[mapped];
  const error = new EngineError(mapped, `${context.action}: Asterdex error ${code} "${msg}"${hint === undefined ? '' : ` (${hint})`}`, {
    venueCode: code,
    details: { venueCode: code, venueMessage: msg, ...(context.httpStatus === undefined ? {} : { httpStatus: context.httpStatus }) },
  });
  return { outcome, error };
}

function classify(code: number, msg: string, context: ErrorContext): ErrorCode {
  if (code === -1003 && /banned/i.test(msg)) return 'IP_BANNED';
  if (code === -2010 || code === -2011 || code === -1000) {
    if (/duplicate/i.test(msg)) return 'DUPLICATE_CLIENT_ORDER_ID';
    if (/insufficient|not sufficient/i.test(msg)) return 'INSUFFICIENT_BALANCE';
    if (/self[- ]?trade|stp/i.test(msg)) return 'SELF_TRADE_PREVENTED';
    if (/post[ _-]?only|immediately match|as maker|gtx/i.test(msg)) return 'POST_ONLY_WOULD_CROSS';
    if (code === -1000 && /symbol/i.test(msg)) return 'UNKNOWN_SYMBOL';
    if (code === -2010) return context.postOnly === true ? 'POST_ONLY_WOULD_CROSS' : 'ORDER_REJECTED';
  }
  if (code === -1013) {
    // "Filter failure: <FILTER>" (spot): the filter names the rule
    if (/NOTIONAL/i.test(msg)) return 'NOTIONAL_BELOW_MIN';
    if (/LOT_SIZE/i.test(msg)) return 'QTY_BELOW_MIN';
    if (/PRICE_FILTER/i.test(msg)) return 'PRICE_OFF_TICK';
    if (/PERCENT_PRICE/i.test(msg)) return 'PRICE_OUT_OF_BAND';
    return 'INVALID_ARGUMENT';
  }
  const known = BY_CODE.get(code);
  if (known !== undefined) return known;
  // -11xx are malformed requests; -40xx are filter and parameter checks
  if (code <= -1100 && code >= -1199) return 'INVALID_ARGUMENT';
  if (code <= -4000 && code >= -4999) return 'ORDER_REJECTED';
  return 'VENUE_ERROR';
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  UNKNOWN_OUTCOME: 'the venue does not know whether it executed the request; query the order before acting again',
  TIMESTAMP_OUT_OF_WINDOW: 'our clock is off from the venue clock; the server-time offset is being re-measured',
  AUTH_FAILED: 'check the API key and secret (V1) or the user, signer and signer key (V3)',
  RATE_LIMITED: 'requests are paused until the limit window allows more',
  IP_BANNED: 'the venue banned this IP for ignoring rate limits; nothing is sent until the ban ends',
};

/** A failure from an HTTP status without a usable JSON error body. */
export function httpFailure(status: number, bodySnippet: string, context: ErrorContext, retryAfterMs?: number): VenueFailure {
  const where = `${context.action}: HTTP ${status}`;
  const details = { httpStatus: status, body: bodySnippet.slice(0, 200), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429) {
    return { outcome: 'rejected', error: new EngineError('RATE_LIMITED', `${where}: rate limit exceeded; requests pause${retryAfterMs === undefined ? '' : ` for ${retryAfterMs} ms`}`, { venueCode: status, details }) };
  }
  if (status === 418) {
    return { outcome: 'rejected', error: new EngineError('IP_BANNED', `${where}: the venue banned this IP after repeated rate-limit breaches`, { venueCode: status, details }) };
  }
  if (status === 401) return { outcome: 'rejected', error: new EngineError('AUTH_FAILED', `${where}: authentication refused (${HINTS.AUTH_FAILED})`, { venueCode: status, details }) };
  if (status === 403) {
    return { outcome: 'rejected', error: new EngineError('PERMISSION_DENIED', `${where}: refused by the venue's web application firewall`, { venueCode: status, details }) };
  }
  if (status >= 500) {
    // 503 is documented as "sent, but no answer in time: execution status UNKNOWN"; other 5xx
    // come from a gateway that may have forwarded the request, so they are treated the same way.
    return {
      outcome: 'unknown',
      error: new EngineError('UNKNOWN_OUTCOME', `${where}: the venue may or may not have executed the request (${HINTS.UNKNOWN_OUTCOME})`, { venueCode: status, details }),
    };
  }
  return { outcome: 'rejected', error: new EngineError('VENUE_ERROR', `${where}: unexpected answer`, { venueCode: status, details }) };
}
