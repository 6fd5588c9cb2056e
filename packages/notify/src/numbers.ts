// Amounts for reading on a phone. Input is a decimal string or an exact Fixed; the output is
// rounded for display only (nothing here feeds back into trading).
import { fx, type Fixed } from '@mm/core';

const THOUSAND = fx.fromInt(1_000);
const TEN_THOUSAND = fx.fromInt(10_000);
const MILLION = fx.fromInt(1_000_000);

function groupThousands(text: string): string {
  const [int = '', frac] = text.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign === '' ? int : int.slice(1);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${frac}`;
}

/** Parses a decimal string leniently: a value the server could not format shows as is. */
export function parseAmount(text: string): Fixed | undefined {
  return fx.tryParse(text);
}

/**
 * 12,345.67 for amounts of 1 and more; small amounts (fees) keep up to 6 decimals so they do
 * not read as zero.
 */
export function formatAmount(value: Fixed): string {
  if (fx.abs(value) >= fx.ONE || value === 0n) return groupThousands(fx.format(value, { decimals: 2 }));
  const text = fx.format(value, { decimals: 6 }).replace(/\.?0+$/, '');
  return text === '-0' || text === '' ? '0' : text;
}

export function formatAmountText(text: string): string {
  const value = parseAmount(text);
  return value === undefined ? text : formatAmount(value);
}

/** Prices keep more precision than amounts: 65,000.10, 1.2346, 0.00001234. */
export function formatPrice(value: Fixed): string {
  const a = fx.abs(value);
  if (a >= THOUSAND) return groupThousands(fx.format(value, { decimals: 2 }));
  if (a >= fx.ONE) return fx.format(value, { decimals: 4 }).replace(/0{1,2}$/, '');
  if (a === 0n) return '0';
  // six significant digits below 1
  let decimals = 6;
  for (let v = a * 10n; v < fx.ONE && decimals < 18; v *= 10n) decimals++;
  return fx.format(value, { decimals }).replace(/0+$/, '');
}

export function formatPriceText(text: string): string {
  const value = parseAmount(text);
  return value === undefined ? text : formatPrice(value);
}

/** With an explicit sign, for PnL. */
export function formatSigned(value: Fixed): string {
  return value > 0n ? `+${formatAmount(value)}` : formatAmount(value);
}

export function formatSignedText(text: string): string {
  const value = parseAmount(text);
  return value === undefined ? text : formatSigned(value);
}

/** Narrow form for table columns: 1.23M, 45.6k, 950.25. */
export function formatShort(value: Fixed): string {
  const a = fx.abs(value);
  const sign = value < 0n ? '-' : '';
  const trim = (text: string) => text.replace(/\.?0+$/, '');
  if (a >= MILLION) return `${sign}${trim(fx.format(fx.div(a, MILLION), { decimals: 2 }))}M`;
  if (a >= TEN_THOUSAND) return `${sign}${trim(fx.format(fx.div(a, THOUSAND), { decimals: 1 }))}k`;
  if (a >= fx.ONE) return `${sign}${fx.format(a, { decimals: 2 }).replace(/\.00$/, '')}`;
  return formatAmount(value);
}

export function formatShortText(text: string): string {
  const value = parseAmount(text);
  return value === undefined ? text : formatShort(value);
}

/** Whole percent of `part` in `whole`, or undefined when there is no whole. */
export function percentOf(part: Fixed, whole: Fixed): number | undefined {
  if (whole <= 0n) return undefined;
  return Number(fx.divInt(part * 100n, whole, 'floor'));
}

/** "42s", "5 min", "2 h", "3 h 5 min": interval lengths in message headers. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
