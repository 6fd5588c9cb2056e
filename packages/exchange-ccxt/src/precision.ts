// ccxt markets → our Instrument definitions, exactly. ccxt describes precision in one of three
// modes (exchange.precisionMode): TICK_SIZE (the step itself), DECIMAL_PLACES (a digit count)
// or SIGNIFICANT_DIGITS. Only the first two define a fixed tick and lot grid; a venue that
// counts significant digits cannot be quoted on integer ticks and is refused.
import { EngineError } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { PRECISION_MODE } from './ccxt-types.ts';
import type { CcxtMarket, CcxtNum } from './ccxt-types.ts';
import { decimalText, requireDecimal } from './decimal.ts';

/** 10^-places as decimal text: 2 → "0.01", 0 → "1", -1 → "10". */
export function stepFromDecimalPlaces(places: CcxtNum, what: string): string {
  const text = requireDecimal(places, what);
  if (!/^-?\d+$/.test(text)) throw new EngineError('VENUE_ERROR', `${what}: ${text} is not a whole number of decimal places`);
  const n = Number(text);
  if (n <= 0) return `1${'0'.repeat(-n)}`;
  return `0.${'0'.repeat(n - 1)}1`;
}

function step(value: CcxtNum, precisionMode: number, what: string): string {
  switch (precisionMode) {
    case PRECISION_MODE.TICK_SIZE:
      return requireDecimal(value, what);
    case PRECISION_MODE.DECIMAL_PLACES:
      return stepFromDecimalPlaces(value, what);
    default:
      throw new EngineError('NOT_SUPPORTED', `${what}: the venue gives precision in significant digits (ccxt precisionMode ${precisionMode}), which has no fixed tick grid`);
  }
}

/** Whether a ccxt market is a spot market we can list. */
export function isListedSpot(market: CcxtMarket): boolean {
  return (market.spot === true || market.type === 'spot') && market.active !== false;
}

export function instrumentDefFromMarket(market: CcxtMarket, precisionMode: number): InstrumentDef {
  const where = `${market.symbol} (venue id ${market.id})`;
  const tickSize = step(market.precision.price, precisionMode, `${where}: price precision`);
  const lotSize = step(market.precision.amount, precisionMode, `${where}: amount precision`);
  const maxQty = decimalText(market.limits.amount?.max, `${where}: max amount`);
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    kind: 'spot',
    tickSize,
    lotSize,
    // no venue minimum: one lot is the smallest order anyway
    minQty: decimalText(market.limits.amount?.min, `${where}: min amount`) ?? lotSize,
    minNotional: decimalText(market.limits.cost?.min, `${where}: min cost`) ?? '0',
    ...(maxQty === undefined || maxQty === '0' ? {} : { maxQty }),
  };
}
