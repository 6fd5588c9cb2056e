// numeric(38,18) comes back padded ("1.500000000000000000"); callers get the shortest exact
// form ("1.5"). Values go in as strings only: a JS number never becomes a price here.
import { EngineError, fx } from '@mm/core';
import type { Fixed } from '@mm/core';

export function dec(value: string): string {
  return fx.format(fx.parse(value));
}

export function decOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : dec(value);
}

export function decOrUndefined(value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : dec(value);
}

/** Accepts a decimal string for a numeric column, refusing anything else with a clear error. */
export function decIn(value: string, field: string): string {
  const parsed = fx.tryParse(value);
  if (parsed === undefined) throw new EngineError('INVALID_ARGUMENT', `${field}: "${value}" is not a decimal number (use a string such as "12.5")`);
  return fx.format(parsed);
}

export function fixedIn(value: Fixed): string {
  return fx.format(value);
}
