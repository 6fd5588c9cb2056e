// Decimal strings to integers at a fixed number of decimals, exactly and without floating-point
// arithmetic on the value: digits are accumulated as an integer, which a double holds exactly
// below 2^53. A recorded price or size is converted once, on arrival, so this is the replay's
// hot path; strings it cannot take on the fast path (signs, exponents, more than 15 digits)
// go through the exact bigint parser of @mm/core.
import { fx } from '@mm/core';

const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
/** Accumulating past this could leave the exactly representable range on the next digit. */
const ACCUMULATE_LIMIT = 900_719_925_474_098; // floor((2^53 − 1 − 9) / 10)

/** The result of scaling one decimal string; one reusable object, so the hot path allocates nothing. */
export class ScaledDecimal {
  /** value × 10^decimals, a safe integer; NaN when the text is no non-negative decimal or too large. */
  value = 0;
  /** Digits past `decimals` that were not zero were dropped (the value is rounded down). */
  truncated = false;
}

/**
 * Reads a non-negative decimal string as an integer count of 10^-decimals, rounded down, into
 * `out`. Exact: either the result is the exact floor or `out.value` is NaN.
 */
export function scaleDecimal(text: string, decimals: number, out: ScaledDecimal): ScaledDecimal {
  let value = 0;
  let fraction = -1;
  let digits = 0;
  let truncated = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (fraction >= 0) return slowScale(text, decimals, out);
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return slowScale(text, decimals, out);
    digits++;
    if (fraction >= 0) {
      if (fraction >= decimals) {
        if (d !== 0) truncated = true;
        continue;
      }
      fraction++;
    }
    if (value > ACCUMULATE_LIMIT) return slowScale(text, decimals, out);
    value = value * 10 + d;
  }
  if (digits === 0) return slowScale(text, decimals, out);
  const missing = decimals - (fraction < 0 ? 0 : fraction);
  if (missing > 0) {
    if (missing >= POW10.length) return slowScale(text, decimals, out);
    value *= POW10[missing]!;
    if (value > Number.MAX_SAFE_INTEGER) return slowScale(text, decimals, out);
  }
  out.value = value;
  out.truncated = truncated;
  return out;
}

/** The exact general path: anything fx.parse accepts (exponents, a leading +). */
function slowScale(text: string, decimals: number, out: ScaledDecimal): ScaledDecimal {
  out.truncated = false;
  const parsed = fx.tryParse(text);
  if (parsed === undefined || parsed < 0n) {
    out.value = Number.NaN;
    return out;
  }
  const unit = 10n ** BigInt(fx.DECIMALS - Math.min(decimals, fx.DECIMALS));
  const scaled = (parsed / unit) * 10n ** BigInt(Math.max(0, decimals - fx.DECIMALS));
  out.truncated = parsed % unit !== 0n;
  out.value = scaled <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(scaled) : Number.NaN;
  return out;
}
