// Field conversions shared by the importers: exact decimal strings (exponent notation expanded
// digit by digit, never through a float), timestamps to milliseconds, venue booleans.

/** Thrown for a malformed row; the importer adds the file and line number. */
export class BadRow extends Error {}

const PLAIN = /^\d+(?:\.\d+)?$/;
const EXPONENT = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

/** The value as a plain decimal string, exactly; throws BadRow for anything else. */
export function plainDecimal(value: string, what: string): string {
  if (PLAIN.test(value)) return value;
  const m = EXPONENT.exec(value);
  if (m === null) throw new BadRow(`${what} ${JSON.stringify(value)} is not a non-negative decimal number`);
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length + Number(m[3]);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  // tidy leading zeros of the integer part and trailing zeros of the fraction
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/\.?0+$/, '');
  return out;
}

function number(value: string, what: string): number {
  const n = Number(value);
  if (value.length === 0 || !Number.isFinite(n)) throw new BadRow(`${what} ${JSON.stringify(value)} is not a number`);
  return n;
}

/** Microseconds since the epoch (Tardis) to milliseconds. */
export function microsToMs(value: string, what: string): number {
  return number(value, what) / 1000;
}

/**
 * An epoch time that is milliseconds or, since Binance spot's 2025 switch, microseconds: told
 * apart by magnitude (1e14 ms is the year 5138; 1e14 µs is 1973).
 */
export function msOrMicros(value: string, what: string): number {
  const n = number(value, what);
  return n >= 1e14 ? n / 1000 : n;
}

/** Binance writes true/false (futures) or True/False (spot). */
export function bool(value: string, what: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new BadRow(`${what} ${JSON.stringify(value)} is not true or false`);
}
