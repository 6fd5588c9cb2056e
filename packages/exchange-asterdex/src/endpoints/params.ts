// Building blocks for the endpoint tables: parameter constructors and the venue's enums, so
// the tables stay one line per parameter. Types follow the docs: STRING, LONG, INT, DECIMAL,
// ENUM, BOOLEAN ("true"/"false" strings on the wire) and LIST (JSON text).
import type { ParamSpec, Params, Priority } from '@mm/exchange';

export const str = (name: string, required = false): ParamSpec => ({ name, type: 'string', required });
export const long = (name: string, required = false): ParamSpec => ({ name, type: 'long', required });
export const int = (name: string, required = false): ParamSpec => ({ name, type: 'int', required });
export const dec = (name: string, required = false): ParamSpec => ({ name, type: 'decimal', required });
export const bool = (name: string, required = false): ParamSpec => ({ name, type: 'boolean', required });
export const list = (name: string, required = false): ParamSpec => ({ name, type: 'json', required });
export const oneOf = (name: string, values: readonly string[], required = false): ParamSpec => ({ name, type: 'enum', values, required });

/** Parameter groups that recur across the tables. */
export const symbolReq = str('symbol', true);
export const symbolOpt = str('symbol');
export const orderRef = [symbolReq, long('orderId'), str('origClientOrderId')];
export const timeRange = [long('startTime'), long('endTime')];

export const SIDES = ['BUY', 'SELL'] as const;
export const POSITION_SIDES = ['BOTH', 'LONG', 'SHORT'] as const;
export const FUTURES_ORDER_TYPES = ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'] as const;
export const SPOT_ORDER_TYPES = ['LIMIT', 'MARKET', 'STOP', 'TAKE_PROFIT', 'STOP_MARKET', 'TAKE_PROFIT_MARKET'] as const;
/** GTX is post-only; HIDDEN and RPI appear in the real exchangeInfo. */
export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTX', 'HIDDEN', 'RPI'] as const;
export const WORKING_TYPES = ['MARK_PRICE', 'CONTRACT_PRICE'] as const;
export const FUTURES_RESP_TYPES = ['ACK', 'RESULT'] as const;
export const SPOT_RESP_TYPES = ['ACK', 'RESULT', 'FULL'] as const;
export const STP_MODES = ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'] as const;
export const PEG_TYPES = ['COUNTERPARTY_1', 'QUEUE_1'] as const;
export const MARGIN_TYPES = ['ISOLATED', 'CROSSED'] as const;
export const TRUE_FALSE_UPPER = ['TRUE', 'FALSE', 'true', 'false'] as const;
export const KLINE_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;

/** Priorities: cancels first, then new orders, then queries, then bulk/market polling. */
export const CANCEL: Priority = 'critical';
export const ORDER: Priority = 'high';
export const QUERY: Priority = 'normal';
export const POLL: Priority = 'low';

/** Rate-limit pools (named after exchangeInfo rateLimits and the X-MBX-* headers). */
export const WEIGHT_POOL = 'REQUEST_WEIGHT_1M';
export const ORDER_POOLS = (count: number): Readonly<Record<string, number>> => ({ ORDERS_1M: count, ORDERS_10S: count });

function limitOf(params: Params, fallback: number): number {
  const raw = params['limit'];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : fallback;
  return Number.isFinite(n) ? n : fallback;
}

/** Depth weight by limit: 5–50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
export function depthWeight(defaultLimit: number) {
  return (params: Params): number => {
    const limit = limitOf(params, defaultLimit);
    if (limit <= 50) return 2;
    if (limit <= 100) return 5;
    if (limit <= 500) return 10;
    return 20;
  };
}

/** Kline weight by limit: [1,100) → 1, [100,500) → 2, [500,1000] → 5, above → 10. */
export function klineWeight(params: Params): number {
  const limit = limitOf(params, 500);
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

/** A lighter weight when a symbol narrows the query, a heavier one for the whole market. */
export function bySymbol(withSymbol: number, without: number) {
  return (params: Params): number => (params['symbol'] === undefined || params['symbol'] === null ? without : withSymbol);
}
