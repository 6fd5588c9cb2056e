// What runners put in the database (live status, command options) and on NOTIFY, read back by the
// server: the remote venue's wire encoding (bigints, instruments and errors tagged, keys starting
// with "$" escaped), as text or as a jsonb value.
import { fromWire, toWire } from '@mm/exchange';

export function encode(value: unknown): string {
  return JSON.stringify(toWire(value));
}

export function decode<T = unknown>(text: string): T {
  return fromWire(JSON.parse(text)) as T;
}

/** The decoding of a value that arrived already parsed (a jsonb column). */
export function revive<T = unknown>(value: unknown): T {
  return fromWire(value) as T;
}

/** A value made JSON-safe for a jsonb column, to be read with revive(). */
export function toJsonValue(value: unknown): unknown {
  return toWire(value);
}
