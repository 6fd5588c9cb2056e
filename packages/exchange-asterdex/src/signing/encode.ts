// The wire form of request parameters. Signatures cover the exact text sent, so encoding lives
// in one place: values percent-encoded (RFC 3986, which also encodes the single quotes of V3
// batch JSON, as the official demos do), in the caller's order, never sorted.
import type { Params } from '@mm/exchange';

export type JsonQuotes = 'double' | 'single';

export function encodeValue(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** One parameter value as text. Objects and arrays become JSON (V3 demos use single quotes). */
export function valueText(value: unknown, quotes: JsonQuotes): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const json = JSON.stringify(value);
  return quotes === 'single' ? json.replace(/"/g, "'") : json;
}

/** Entries in insertion order, skipping undefined and null. */
export function entries(params: Params, quotes: JsonQuotes): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    out.push([name, valueText(value, quotes)]);
  }
  return out;
}

export function encodeEntries(list: readonly (readonly [string, string])[]): string {
  return list.map(([k, v]) => `${encodeValue(k)}=${encodeValue(v)}`).join('&');
}
