// Exact decimal arithmetic for ledger amounts (balances, fees, PnL, reference prices).
// A Fixed is a bigint holding value × 10^18. Addition and subtraction are plain bigint
// operators; multiplication and division round explicitly. Floating point never touches a
// price: numbers enter only through `fromNumber` (config, analytics) and leave only through
// `toNumber` (display, statistics).
import { EngineError } from './errors.ts';

export type Fixed = bigint;

export const DECIMALS = 18;
export const SCALE: Fixed = 10n ** 18n;
export const ZERO: Fixed = 0n;
export const ONE: Fixed = SCALE;

/** floor: toward −∞; ceil: toward +∞; trunc: toward 0; half-up: nearest, ties away from 0. */
export type Rounding = 'floor' | 'ceil' | 'trunc' | 'half-up';

const DECIMAL_RE = /^([+-])?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal string ("12.5", "-0.001", "1e-8"). Throws INVALID_ARGUMENT on anything else. */
export function parse(text: string): Fixed {
  const match = DECIMAL_RE.exec(text.trim());
  if (!match || (match[2] === undefined && (match[3] === undefined || match[3] === ''))) {
    throw new EngineError('INVALID_ARGUMENT', `"${text}" is not a decimal number`);
  }
  const negative = match[1] === '-';
  let intPart = match[2] ?? '0';
  let fracPart = match[3] ?? '';
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (exponent > 0) {
    const shift = fracPart.padEnd(exponent, '0');
    intPart += shift.slice(0, exponent);
    fracPart = shift.slice(exponent);
  } else if (exponent < 0) {
    const padded = intPart.padStart(-exponent + 1, '0');
    fracPart = padded.slice(padded.length + exponent) + fracPart;
    intPart = padded.slice(0, padded.length + exponent);
  }
  const significantFrac = fracPart.replace(/0+$/, '');
  if (significantFrac.length > DECIMALS) {
    throw new EngineError('INVALID_ARGUMENT', `"${text}" has more than ${DECIMALS} decimal places`);
  }
  const value = BigInt(intPart) * SCALE + BigInt(significantFrac.padEnd(DECIMALS, '0') || '0');
  return negative ? -value : value;
}

/** Like parse, but returns undefined instead of throwing. */
export function tryParse(text: string): Fixed | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Converts a JS number through its shortest decimal representation. For config and tests only. */
export function fromNumber(value: number): Fixed {
  if (!Number.isFinite(value)) throw new EngineError('INVALID_ARGUMENT', `${value} is not a finite number`);
  return parse(String(value));
}

export function fromInt(value: number | bigint): Fixed {
  return BigInt(value) * SCALE;
}

/** Approximate conversion for display and statistics. Never use the result as a price. */
export function toNumber(value: Fixed): number {
  return Number(format(value));
}

export interface FormatOptions {
  /** Exact number of decimal places (rounded half-up). Without it: as many as needed, no trailing zeros. */
  readonly decimals?: number;
}

/** Formats without exponent notation. */
export function format(value: Fixed, options: FormatOptions = {}): string {
  let v = value;
  if (options.decimals !== undefined) v = roundToDecimals(v, options.decimals, 'half-up');
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const intPart = abs / SCALE;
  let frac = (abs % SCALE).toString().padStart(DECIMALS, '0');
  if (options.decimals === undefined) frac = frac.replace(/0+$/, '');
  else frac = frac.slice(0, options.decimals);
  const body = frac.length > 0 ? `${intPart}.${frac}` : `${intPart}`;
  return negative && abs !== 0n ? `-${body}` : body;
}

/** Integer division with an explicit rounding mode. */
export function divInt(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  if (denominator === 0n) throw new EngineError('INVALID_ARGUMENT', 'division by zero');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n !== denominator < 0n;
  switch (rounding) {
    case 'trunc':
      return quotient;
    case 'floor':
      return negative ? quotient - 1n : quotient;
    case 'ceil':
      return negative ? quotient : quotient + 1n;
    case 'half-up': {
      const twice = (remainder < 0n ? -remainder : remainder) * 2n;
      const absDen = denominator < 0n ? -denominator : denominator;
      if (twice >= absDen) return negative ? quotient - 1n : quotient + 1n;
      return quotient;
    }
  }
}

export function mul(a: Fixed, b: Fixed, rounding: Rounding = 'trunc'): Fixed {
  return divInt(a * b, SCALE, rounding);
}

export function div(a: Fixed, b: Fixed, rounding: Rounding = 'trunc'): Fixed {
  if (b === 0n) throw new EngineError('INVALID_ARGUMENT', 'division by zero');
  return divInt(a * SCALE, b, rounding);
}

/** Rounds to a multiple of `step` (step > 0). */
export function roundToStep(value: Fixed, step: Fixed, rounding: Rounding): Fixed {
  return divInt(value, step, rounding) * step;
}

export function roundToDecimals(value: Fixed, decimals: number, rounding: Rounding): Fixed {
  if (decimals >= DECIMALS) return value;
  return roundToStep(value, 10n ** BigInt(DECIMALS - decimals), rounding);
}

export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

export function abs(a: Fixed): Fixed {
  return a < 0n ? -a : a;
}

/** Number of decimal places needed to print `value` exactly. */
export function decimalsOf(value: Fixed): number {
  const frac = (abs(value) % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return frac.length;
}

/** A percentage given as a decimal string ("0.25" = 0.25 %) to a Fixed ratio (0.0025). */
export function percentToRatio(percent: Fixed): Fixed {
  return percent / 100n;
}
