// Paging for dashboard lists. Two styles over the same ordering (newest first, id breaking ties):
// offset/limit for page numbers, or an opaque cursor (keyset) that stays cheap and stable while
// new rows arrive. Every page carries the total of rows matching the filters.
import { and, gte, lt, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import { EngineError } from '@mm/core';

export interface PageQuery {
  /** 1–500, default 50. */
  readonly limit?: number;
  /** Rows to skip; ignored when a cursor is given. */
  readonly offset?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Rows matching the filters, over all pages. */
  readonly total: number;
  readonly limit: number;
  readonly offset: number | undefined;
  /** Pass as `cursor` for the next page; undefined on the last one. */
  readonly nextCursor: string | undefined;
}

export interface TimeRange {
  /** Inclusive, epoch ms. */
  readonly from?: number;
  /** Exclusive, epoch ms. */
  readonly to?: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function pageLimit(query: PageQuery): number {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new EngineError('INVALID_ARGUMENT', `limit must be a whole number from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

function pageOffset(query: PageQuery): number {
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new EngineError('INVALID_ARGUMENT', `offset must be a whole number ≥ 0, got ${String(offset)}`);
  return offset;
}

type CursorKey = readonly [time: number, id: string | number];

export function encodeCursor(time: number, id: string | number): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && (typeof value[1] === 'number' || typeof value[1] === 'string')) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new EngineError('INVALID_ARGUMENT', 'the page cursor is not valid; start again without a cursor');
}

/** The condition for "strictly after the cursor" in (time desc, id desc) order. */
export function afterCursor(timeCol: AnyColumn, idCol: AnyColumn, cursor: string | undefined): SQL | undefined {
  if (cursor === undefined) return undefined;
  const [time, id] = decodeCursor(cursor);
  return sql`(${timeCol}, ${idCol}) < (${new Date(time).toISOString()}::timestamptz, ${id})`;
}

export function timeRange(col: AnyColumn, range: TimeRange): SQL | undefined {
  return and(range.from === undefined ? undefined : gte(col, new Date(range.from)), range.to === undefined ? undefined : lt(col, new Date(range.to)));
}

/** Where the slice starts: the cursor wins over the offset. */
export function slice(query: PageQuery): { limit: number; offset: number | undefined } {
  const limit = pageLimit(query);
  return { limit, offset: query.cursor === undefined ? pageOffset(query) : undefined };
}

/**
 * Builds the page from rows fetched with limit + 1 (the extra row says whether a next page
 * exists). `key` gives the (time, id) of a row for the cursor.
 */
export function toPage<R, T>(rows: R[], total: number, query: PageQuery, map: (row: R) => T, key: (row: R) => CursorKey): Page<T> {
  const { limit, offset } = slice(query);
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    total,
    limit,
    offset,
    nextCursor: more && last !== undefined ? encodeCursor(...key(last)) : undefined,
  };
}
