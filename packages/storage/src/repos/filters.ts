// Small helpers shared by the list queries.
import { eq, inArray } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import { isUuid } from './bots.ts';

/** A filter on one value or any of several. */
export function oneOrMany<T extends string>(col: AnyColumn, value: T | readonly T[] | undefined): SQL | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return eq(col, value);
  if (value.length === 0) return undefined;
  return inArray(col, [...value]);
}

/** A bot filter; a malformed id matches nothing instead of raising a database error. */
export function botIs(col: AnyColumn, botId: string | undefined): SQL | undefined {
  if (botId === undefined) return undefined;
  return isUuid(botId) ? eq(col, botId) : eq(col, '00000000-0000-0000-0000-000000000000');
}
