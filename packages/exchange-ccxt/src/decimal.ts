// Exact decimal text from ccxt values. In String mode ccxt hands out the venue's own decimal
// strings; a double (a venue or a code path that still yields numbers) is printed through its
// shortest round-trip form, which is the decimal it was parsed from. No arithmetic on floats.
import { EngineError, fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import type { CcxtNum } from './ccxt-types.ts';

/** The decimal text of a ccxt value, normalised ("1e-8" → "0.00000001"); undefined when absent. */
export function decimalText(value: CcxtNum, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new EngineError('VENUE_ERROR', `${what}: ccxt gave a non-finite number (${value})`);
  try {
    return fx.format(fx.parse(String(value)));
  } catch (error) {
    throw new EngineError('VENUE_ERROR', `${what}: "${String(value)}" from ccxt is not a decimal number`, { cause: error });
  }
}

export function requireDecimal(value: CcxtNum, what: string): string {
  const text = decimalText(value, what);
  if (text === undefined) throw new EngineError('VENUE_ERROR', `${what} is missing in the venue's answer`);
  return text;
}

export function fixedOf(value: CcxtNum, what: string, fallback: Fixed = 0n): Fixed {
  const text = decimalText(value, what);
  return text === undefined ? fallback : fx.parse(text);
}
