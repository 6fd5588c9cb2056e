// Fills as the dashboard lists them (newest first) and totals for a period. Writes come only
// from the journal, which guarantees one row per venue + symbol + trade id.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Liquidity, Side } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { dec, decOrUndefined } from '../decimal.ts';
import type { Db } from '../backend/types.ts';
import { MAX_LIMIT, afterCursor, slice, timeRange, toPage } from '../pagination.ts';
import type { Page, PageQuery, TimeRange } from '../pagination.ts';
import type { OrderTag } from '../rows.ts';
import { fills } from '../schema.ts';
import { botIs } from './filters.ts';

export interface StoredFill {
  readonly id: number;
  readonly botId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly price: string | undefined;
  readonly qty: string | undefined;
  readonly notional: string | undefined;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: Liquidity;
  readonly tag: OrderTag;
  readonly realizedPnl: string | undefined;
  readonly venueTime: number;
  readonly receivedAt: number;
}

export interface FillFilter extends TimeRange, PageQuery {
  readonly botId?: string;
  readonly symbol?: string;
  readonly side?: Side;
  readonly tag?: OrderTag;
  readonly liquidity?: Liquidity;
  readonly clientOrderId?: string;
}

export interface FillTotals {
  readonly fills: number;
  /** Σ notional, quote units. */
  readonly notional: string;
  readonly maker: string;
  readonly taker: string;
  readonly buyQty: string;
  readonly sellQty: string;
}

function toStoredFill(row: typeof fills.$inferSelect): StoredFill {
  return {
    id: row.id,
    botId: row.botId,
    venue: row.venue,
    symbol: row.symbol,
    tradeId: row.tradeId,
    clientOrderId: row.clientOrderId,
    venueOrderId: row.venueOrderId,
    side: row.side as Side,
    price: decOrUndefined(row.price),
    qty: decOrUndefined(row.qty),
    notional: decOrUndefined(row.notional),
    fee: dec(row.fee),
    feeAsset: row.feeAsset,
    liquidity: row.liquidity as Liquidity,
    tag: row.tag as OrderTag,
    realizedPnl: decOrUndefined(row.realizedPnl),
    venueTime: row.venueTime.getTime(),
    receivedAt: row.receivedAt.getTime(),
  };
}

function where(filter: FillFilter) {
  return and(
    botIs(fills.botId, filter.botId),
    filter.symbol === undefined ? undefined : eq(fills.symbol, filter.symbol),
    filter.side === undefined ? undefined : eq(fills.side, filter.side),
    filter.tag === undefined ? undefined : eq(fills.tag, filter.tag),
    filter.liquidity === undefined ? undefined : eq(fills.liquidity, filter.liquidity),
    filter.clientOrderId === undefined ? undefined : eq(fills.clientOrderId, filter.clientOrderId),
    timeRange(fills.venueTime, filter),
  );
}

/** One page of rows (limit + 1 of them, for toPage) in list order: newest first, id breaking ties. */
function pageRows(db: Db, w: SQL | undefined, query: PageQuery) {
  const { limit, offset } = slice(query);
  return db
    .select()
    .from(fills)
    .where(and(w, afterCursor(fills.venueTime, fills.id, query.cursor)))
    .orderBy(desc(fills.venueTime), desc(fills.id))
    .limit(limit + 1)
    .offset(offset ?? 0);
}

const fillKey = (r: typeof fills.$inferSelect): [number, number] => [r.venueTime.getTime(), r.id];

export class FillsRepo {
  constructor(private readonly ctx: StorageContext) {}

  async list(filter: FillFilter = {}): Promise<Page<StoredFill>> {
    const w = where(filter);
    const [rows, [total]] = await this.ctx.run('list fills', (db) => Promise.all([pageRows(db, w, filter), db.select({ n: count() }).from(fills).where(w)]));
    return toPage(rows, total?.n ?? 0, filter, toStoredFill, fillKey);
  }

  /**
   * The matching fills page by page, newest first, for exports: list() without its total, which
   * would count every matching row again for each page.
   */
  async *pages(filter: Omit<FillFilter, keyof PageQuery> = {}, limit = MAX_LIMIT): AsyncGenerator<StoredFill[]> {
    const w = where(filter);
    let cursor: string | undefined;
    do {
      const query = { limit, cursor };
      const page = toPage(await this.ctx.run('list fills', (db) => pageRows(db, w, query)), 0, query, toStoredFill, fillKey);
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  async count(filter: Omit<FillFilter, keyof PageQuery> = {}): Promise<number> {
    const [row] = await this.ctx.run('count fills', (db) => db.select({ n: count() }).from(fills).where(where(filter)));
    return row?.n ?? 0;
  }

  /** Sums over the filtered fills, exact (numeric arithmetic in the database). */
  async totals(filter: Omit<FillFilter, keyof PageQuery> = {}): Promise<FillTotals> {
    const zero = sql<string>`0`;
    const [row] = await this.ctx.run('sum fills', (db) =>
      db
        .select({
          n: count(),
          notional: sql<string>`coalesce(sum(${fills.notional}), ${zero})`,
          maker: sql<string>`coalesce(sum(${fills.notional}) filter (where ${fills.liquidity} = 'maker'), ${zero})`,
          taker: sql<string>`coalesce(sum(${fills.notional}) filter (where ${fills.liquidity} = 'taker'), ${zero})`,
          buyQty: sql<string>`coalesce(sum(${fills.qty}) filter (where ${fills.side} = 'buy'), ${zero})`,
          sellQty: sql<string>`coalesce(sum(${fills.qty}) filter (where ${fills.side} = 'sell'), ${zero})`,
        })
        .from(fills)
        .where(where(filter)),
    );
    return {
      fills: row?.n ?? 0,
      notional: dec(String(row?.notional ?? '0')),
      maker: dec(String(row?.maker ?? '0')),
      taker: dec(String(row?.taker ?? '0')),
      buyQty: dec(String(row?.buyQty ?? '0')),
      sellQty: dec(String(row?.sellQty ?? '0')),
    };
  }
}
