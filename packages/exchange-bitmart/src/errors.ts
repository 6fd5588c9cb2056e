// BitMart error codes (catalogue §6) mapped onto EngineError codes. The venue's code and HTTP
// status are kept on the error (venueCode, details) for diagnosis; the message says what to do.
import { EngineError } from '@mm/core';
import type { ErrorCode } from '@mm/core';

/** Exact venue codes. REST codes are numbers, WS codes strings; both are looked up as text. */
const EXACT: Readonly<Record<string, ErrorCode>> = {
  // auth and transport
  '30000': 'VENUE_ERROR',
  '30001': 'AUTH_FAILED',
  '30002': 'AUTH_FAILED',
  '30003': 'AUTH_FAILED',
  '30004': 'AUTH_FAILED',
  '30005': 'AUTH_FAILED',
  '30006': 'AUTH_FAILED',
  '30007': 'TIMESTAMP_OUT_OF_WINDOW',
  '30008': 'AUTH_FAILED',
  '30010': 'PERMISSION_DENIED',
  '30011': 'AUTH_FAILED',
  '30012': 'PERMISSION_DENIED',
  '30013': 'RATE_LIMITED',
  '30014': 'VENUE_UNAVAILABLE',
  '30016': 'VENUE_UNAVAILABLE',
  '30017': 'IP_BANNED',
  '30018': 'INVALID_ARGUMENT',
  '30019': 'PERMISSION_DENIED',
  '30031': 'NOT_SUPPORTED',
  '40044': 'INVALID_ARGUMENT',
  // spot trading
  '50000': 'INVALID_ARGUMENT',
  '50001': 'UNKNOWN_SYMBOL',
  '50005': 'ORDER_NOT_FOUND',
  '50006': 'QTY_BELOW_MIN',
  '50007': 'QTY_ABOVE_MAX',
  '50008': 'PRICE_OUT_OF_BAND',
  '50009': 'NOTIONAL_BELOW_MIN',
  '50010': 'INVALID_ARGUMENT',
  '50011': 'INVALID_ARGUMENT',
  '50012': 'INVALID_ARGUMENT',
  '50019': 'ORDER_REJECTED',
  '50020': 'INSUFFICIENT_BALANCE',
  '50021': 'INVALID_ARGUMENT',
  '50022': 'VENUE_UNAVAILABLE',
  '50023': 'ORDER_REJECTED',
  '50025': 'PRICE_OUT_OF_BAND',
  '50026': 'PRICE_OUT_OF_BAND',
  '50027': 'PRICE_OUT_OF_BAND',
  '50028': 'INVALID_ARGUMENT',
  '50029': 'INVALID_ARGUMENT',
  // a cancel that lost the race: the order is already final (catalogue §8.12)
  '50030': 'ORDER_NOT_FOUND',
  '50031': 'ORDER_NOT_FOUND',
  '50032': 'ORDER_NOT_FOUND',
  '50033': 'INVALID_ARGUMENT',
  '50034': 'POST_ONLY_WOULD_CROSS',
  '50035': 'POST_ONLY_WOULD_CROSS',
  '50036': 'ORDER_NOT_FOUND',
  '50037': 'INVALID_ARGUMENT',
  '50038': 'INVALID_ARGUMENT',
  '50039': 'INVALID_ARGUMENT',
  '50040': 'UNKNOWN_SYMBOL',
  '50041': 'INVALID_ARGUMENT',
  '50042': 'DUPLICATE_CLIENT_ORDER_ID',
  '51009': 'QTY_BELOW_MIN',
  '51010': 'PRICE_OUT_OF_BAND',
  '51011': 'NOTIONAL_BELOW_MIN',
  '51012': 'NOTIONAL_BELOW_MIN',
  '51013': 'PRICE_OUT_OF_BAND',
  '51014': 'QTY_BELOW_MIN',
  '51015': 'QTY_BELOW_MIN',
  '57001': 'VENUE_ERROR',
  '58001': 'VENUE_ERROR',
  '60008': 'INSUFFICIENT_BALANCE',
  '61001': 'INSUFFICIENT_BALANCE',
  '70000': 'NOT_FOUND',
  '70001': 'INVALID_ARGUMENT',
  '70002': 'UNKNOWN_SYMBOL',
  // WebSocket
  '90001': 'INVALID_ARGUMENT',
  '90002': 'INVALID_ARGUMENT',
  '90003': 'INVALID_ARGUMENT',
  '90004': 'INVALID_ARGUMENT',
  '90005': 'INVALID_ARGUMENT',
  '90006': 'INVALID_ARGUMENT',
  '90007': 'RATE_LIMITED',
  '90008': 'CONFLICT',
  '90009': 'INVALID_ARGUMENT',
  '91001': 'AUTH_FAILED',
  '91002': 'AUTH_FAILED',
  '91003': 'AUTH_FAILED',
  '91004': 'AUTH_FAILED',
  '91005': 'CONFLICT',
  '91006': 'AUTH_FAILED',
  '91010': 'AUTH_FAILED',
  '91011': 'AUTH_FAILED',
  '91021': 'AUTH_FAILED',
  '91022': 'TIMESTAMP_OUT_OF_WINDOW',
  '91023': 'AUTH_FAILED',
  '92001': 'UNKNOWN_SYMBOL',
  '94001': 'RATE_LIMITED',
  '94002': 'RATE_LIMITED',
  '95000': 'VENUE_UNAVAILABLE',
};

/** Codes whose range tells the meaning (catalogue §6): 51xxx margin, 52xxx query validation, 53xxx account restrictions, 59xxx server. */
function byRange(code: number): ErrorCode | undefined {
  if (code >= 52000 && code < 53000) return 'INVALID_ARGUMENT';
  if (code >= 53000 && code < 54000) return 'PERMISSION_DENIED';
  if (code >= 59000 && code < 60000) return 'VENUE_UNAVAILABLE';
  if (code >= 71000 && code < 72000) return 'INVALID_ARGUMENT';
  if (code >= 51000 && code < 52000) return 'ORDER_REJECTED';
  return undefined;
}

function byHttpStatus(status: number): ErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 418) return 'IP_BANNED';
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status >= 500) return 'VENUE_UNAVAILABLE';
  if (status >= 400) return 'INVALID_ARGUMENT';
  return 'VENUE_ERROR';
}

/** Extra advice for codes an operator can fix. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  AUTH_FAILED: 'check the API key, secret and memo (the memo chosen at key creation, not the UID)',
  PERMISSION_DENIED: 'check the key permissions (Read-Only + Spot-Trade) and its IP whitelist',
  TIMESTAMP_OUT_OF_WINDOW: 'the local clock is off from BitMart server time; sync the clock',
  IP_BANNED: 'BitMart is refusing this IP after repeated rate-limit breaches; wait before sending more',
};

export interface BitmartErrorContext {
  /** What was being done, e.g. "POST /spot/v2/submit_order". */
  readonly operation: string;
  readonly httpStatus?: number;
  /** The order was post-only: 50034/50035 then mean "would take liquidity". */
  readonly postOnly?: boolean;
  readonly trace?: string;
}

/** Maps a venue error code (number or string) and its message onto an EngineError. */
export function bitmartError(code: number | string | undefined, message: string, context: BitmartErrorContext): EngineError {
  const text = code === undefined ? undefined : String(code);
  let mapped: ErrorCode | undefined = text === undefined ? undefined : EXACT[text];
  if (mapped === undefined && text !== undefined && /^\d+$/.test(text)) mapped = byRange(Number(text));
  if (mapped === undefined) mapped = context.httpStatus === undefined ? 'VENUE_ERROR' : byHttpStatus(context.httpStatus);
  // 50034/50035 literally mean "no matching depth"; only for a post-only order is that a cross.
  if ((text === '50034' || text === '50035') && context.postOnly !== true) mapped = 'ORDER_REJECTED';
  const hint = HINTS[mapped];
  const venuePart = text === undefined ? `HTTP ${context.httpStatus ?? '?'}` : `code ${text}`;
  return new EngineError(mapped, `BitMart ${context.operation}: ${message || 'no message'} (${venuePart})${hint === undefined ? '' : `; ${hint}`}`, {
    ...(text === undefined ? context.httpStatus === undefined ? {} : { venueCode: context.httpStatus } : { venueCode: text }),
    details: {
      ...(text === undefined ? {} : { venueCode: text }),
      ...(context.httpStatus === undefined ? {} : { httpStatus: context.httpStatus }),
      ...(context.trace === undefined ? {} : { trace: context.trace }),
    },
  });
}

/**
 * True when a failed order-entry request may still have taken effect, so its outcome is
 * 'unknown' rather than 'rejected': a 5xx, a service-unavailable code, a server error.
 * 429 and every 4xx business code prove the request did nothing.
 */
export function isAmbiguousFailure(code: number | string | undefined, httpStatus: number | undefined): boolean {
  const text = code === undefined ? undefined : String(code);
  if (text === '30014' || text === '50022') return true;
  if (text !== undefined && /^59\d{3}$/.test(text)) return true;
  if (httpStatus !== undefined && httpStatus >= 500) return true;
  return false;
}

/** Cancel answers that mean "the order is already final" (catalogue §8.12). */
export function isAlreadyFinal(code: number | string | undefined): boolean {
  const text = code === undefined ? '' : String(code);
  return text === '50030' || text === '50031' || text === '50032' || text === '50036';
}
