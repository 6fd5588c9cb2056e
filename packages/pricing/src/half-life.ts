// Exponential decay by half-life in exact decimals. The EMA weight of a new sample after Δt is
// alpha = 1 − 2^(−Δt/halfLife); computing it in bigint keeps the reference price free of floating
// point and identical on every machine. Whole half-lives are exact (2^−k); the fractional part
// uses the series of e^(−x·ln 2) at 36 decimals, then rounds to 18.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';

const WIDE = 10n ** 36n;
/** ln 2 to 36 decimals. */
const LN2_WIDE = 693147180559945309417232121458176568n;

/** e^(−x) for 0 ≤ x < 1, x and result scaled by 10^36. */
function expNegWide(x: bigint): bigint {
  let term = WIDE;
  let sum = WIDE;
  for (let n = 1n; term !== 0n; n++) {
    term = -(term * x) / WIDE / n;
    sum += term;
  }
  return sum;
}

/** 2^(−elapsed/halfLife) as a Fixed in [0, 1]. Non-positive elapsed gives 1 (no decay). */
export function decayFactor(elapsedMs: number, halfLifeMs: number): Fixed {
  if (!(halfLifeMs > 0)) return fx.ZERO;
  if (!(elapsedMs > 0)) return fx.ONE;
  const elapsed = BigInt(Math.round(elapsedMs));
  const half = BigInt(Math.round(halfLifeMs));
  const whole = elapsed / half;
  if (whole >= 128n) return fx.ZERO;
  const rest = elapsed % half;
  const frac = rest === 0n ? WIDE : expNegWide((LN2_WIDE * rest) / half);
  // 2^−whole · frac, from 10^36 down to 10^18
  return fx.divInt(frac, (WIDE / fx.SCALE) << whole, 'half-up');
}

/** Weight of a new sample after `elapsedMs`: 1 − 2^(−elapsed/halfLife). */
export function emaAlpha(elapsedMs: number, halfLifeMs: number): Fixed {
  return fx.ONE - decayFactor(elapsedMs, halfLifeMs);
}
