// Orders as the dashboard lists them: newest first, filtered by bot, symbol, side, status, tag
// and creation time. Writes come from the journal (journal/).
import { and, count, desc, eq, notInArray } from 'drizzle-orm';
import type { OrderStatus, Side } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { decOrUndefined } from '../decimal.ts';
import { afterCursor, slice, timeRange, toPage } from '../pagination.ts';
import type { Page, PageQuery, TimeRange } from '../pagination.ts';
import type { OrderTag } from '../rows.ts';
import { orders } from '../schema.ts';
import { botIs, oneOrMany } from './filters.ts';

export const TERMINAL_ORDER_STATUSES = ['filled', 'canceled', 'rejected', 'expired'] as const;

export interface StoredOrder {
  readonly clientOrderId: string;
  readonly botId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly venueOrderId: string | undefined;
  readonly side: Side;
  readonly type: string;
  readonly timeInForce: string;
  /** Decimal strings; undefined only if the instrument was unknown when the row was written. */
  readonly price: string | undefined;
  readonly qty: string | undefined;
  readonly filledQty: string | undefined;
  readonly reduceOnly: boolean;
  readonly status: OrderStatus;
  readonly tag: OrderTag;
  readonly reason: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface OrderFilter extends TimeRange, PageQuery {
  readonly botId?: string;
  readonly symbol?: string;
  readonly side?: Side;
  readonly status?: OrderStatus | readonly OrderStatus[];
  readonly tag?: OrderTag;
  /** Only orders that may still be resting at the venue. */
  readonly live?: boolean;
}

export function toStoredOrder(row: typeof orders.$inferSelect): StoredOrder {
  return {
    clientOrderId: row.clientOrderId,
    botId: row.botId,
    venue: row.venue,
    symbol: row.symbol,
    venueOrderId: row.venueOrderId ?? undefined,
    side: row.side as Side,
    type: row.type,
    timeInForce: row.timeInForce,
    price: decOrUndefined(row.price),
    qty: decOrUndefined(row.qty),
    filledQty: decOrUndefined(row.filledQty),
    reduceOnly: row.reduceOnly,
    status: row.status as OrderStatus,
    tag: row.tag as OrderTag,
    reason: row.reason ?? undefined,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

export class OrdersRepo {
  constructor(private readonly ctx: StorageContext) {}

  async list(filter: OrderFilter = {}): Promise<Page<StoredOrder>> {
    const where = and(
      botIs(orders.botId, filter.botId),
      filter.symbol === undefined ? undefined : eq(orders.symbol, filter.symbol),
      filter.side === undefined ? undefined : eq(orders.side, filter.side),
      oneOrMany(orders.status, filter.status),
      filter.tag === undefined ? undefined : eq(orders.tag, filter.tag),
      filter.live === true ? notInArray(orders.status, [...TERMINAL_ORDER_STATUSES]) : undefined,
      timeRange(orders.createdAt, filter),
    );
    const { limit, offset } = slice(filter);
    const [rows, [total]] = await this.ctx.run('list orders', (db) =>
      Promise.all([
        db
          .select()
          .from(orders)
          .where(and(where, afterCursor(orders.createdAt, orders.clientOrderId, filter.cursor)))
          .orderBy(desc(orders.createdAt), desc(orders.clientOrderId))
          .limit(limit + 1)
          .offset(offset ?? 0),
        db.select({ n: count() }).from(orders).where(where),
      ]),
    );
    return toPage(rows, total?.n ?? 0, filter, toStoredOrder, (r) => [r.createdAt.getTime(), r.clientOrderId]);
  }

  async get(clientOrderId: string): Promise<StoredOrder | undefined> {
    const [row] = await this.ctx.run('read order', (db) => db.select().from(orders).where(eq(orders.clientOrderId, clientOrderId)));
    return row === undefined ? undefined : toStoredOrder(row);
  }
}
