// The writes the journal queues, and how one batch of them becomes one transaction.
import { eq, sql } from 'drizzle-orm';
import { fx } from '@mm/core';
import type { EngineError } from '@mm/core';
import type { Tx } from '../backend/types.ts';
import { accountFills, botStats, bots, cashFlows, events, fills, hourlyVolume, ledgerDayMarks, orders, riskEvents } from '../schema.ts';

export interface FillWaiter {
  settled: boolean;
  resolve(isNew: boolean): void;
  reject(error: EngineError): void;
}

type OrderInsert = typeof orders.$inferInsert;

export type Job =
  /** `venue` is filled in from the bot directory just before the write. */
  | { readonly kind: 'order'; readonly botId: string; readonly row: Omit<OrderInsert, 'venue'> }
  | { readonly kind: 'fill'; readonly botId: string; readonly key: string; readonly row: typeof fills.$inferInsert; readonly waiter: FillWaiter | undefined }
  | { readonly kind: 'halt'; readonly botId: string; readonly trip: Record<string, unknown> | null }
  | { readonly kind: 'event'; readonly botId: string | undefined; readonly row: typeof events.$inferInsert }
  | { readonly kind: 'risk'; readonly botId: string; readonly row: typeof riskEvents.$inferInsert }
  | { readonly kind: 'stats'; readonly botId: string; readonly row: typeof botStats.$inferInsert }
  | { readonly kind: 'dayMark'; readonly botId: string; readonly row: typeof ledgerDayMarks.$inferInsert }
  | { readonly kind: 'cashFlow'; readonly botId: string | undefined; readonly row: typeof cashFlows.$inferInsert }
  | { readonly kind: 'accountFill'; readonly botId: undefined; readonly row: typeof accountFills.$inferInsert };

export const HOUR_MS = 3_600_000;
/** Rows per INSERT statement. */
const STATEMENT_ROWS = 50;

/** A fill is one side of a venue trade: the trade id and the order it filled. */
export function fillKey(venue: string, symbol: string, tradeId: string, clientOrderId: string): string {
  return `${venue}\u0000${symbol}\u0000${tradeId}\u0000${clientOrderId}`;
}

/**
 * Lets timers and I/O run. PGlite answers on the main thread and resolves its promises as
 * microtasks, so without this a whole transaction would run as one uninterrupted block.
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One statement per STATEMENT_ROWS rows, with a breath before each. */
async function inChunks<R>(rows: readonly R[], write: (chunk: R[]) => PromiseLike<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += STATEMENT_ROWS) {
    await breathe();
    await write(rows.slice(i, i + STATEMENT_ROWS));
  }
}

/**
 * Writes a batch in the given transaction. Returns the keys of the fills that were new.
 * Several updates of one order collapse into the last; a trade id seen twice counts once.
 */
export async function writeJobs(tx: Tx, jobs: readonly Job[], venues: ReadonlyMap<string, string>): Promise<Set<string>> {
  const orderRows = new Map<string, OrderInsert>();
  const fillRows = new Map<string, typeof fills.$inferInsert>();
  const halts = new Map<string, Record<string, unknown> | null>();
  const eventRows: (typeof events.$inferInsert)[] = [];
  const riskRows: (typeof riskEvents.$inferInsert)[] = [];
  const statsRows: (typeof botStats.$inferInsert)[] = [];
  const markRows: (typeof ledgerDayMarks.$inferInsert)[] = [];
  const flowRows: (typeof cashFlows.$inferInsert)[] = [];
  const accountFillRows: (typeof accountFills.$inferInsert)[] = [];
  for (const job of jobs) {
    switch (job.kind) {
      case 'order':
        orderRows.set(job.row.clientOrderId, { ...job.row, venue: venues.get(job.botId)! });
        break;
      case 'fill':
        if (!fillRows.has(job.key)) fillRows.set(job.key, job.row);
        break;
      case 'halt':
        halts.set(job.botId, job.trip);
        break;
      case 'event':
        eventRows.push(job.row);
        break;
      case 'risk':
        riskRows.push(job.row);
        break;
      case 'stats':
        statsRows.push(job.row);
        break;
      case 'dayMark':
        markRows.push(job.row);
        break;
      case 'cashFlow':
        flowRows.push(job.row);
        break;
      case 'accountFill':
        accountFillRows.push(job.row);
        break;
    }
  }

  await inChunks([...orderRows.values()], (rows) =>
    tx
      .insert(orders)
      .values(rows)
      .onConflictDoUpdate({
        target: orders.clientOrderId,
        set: {
          venueOrderId: sql`excluded.venue_order_id`,
          price: sql`excluded.price`,
          qty: sql`excluded.qty`,
          filledQty: sql`excluded.filled_qty`,
          priceTicks: sql`excluded.price_ticks`,
          qtyLots: sql`excluded.qty_lots`,
          filledLots: sql`excluded.filled_lots`,
          filledTickLots: sql`excluded.filled_tick_lots`,
          pendingAmend: sql`excluded.pending_amend`,
          status: sql`excluded.status`,
          reason: sql`excluded.reason`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );

  const fresh = new Set<string>();
  if (fillRows.size > 0) {
    await inChunks([...fillRows.values()], async (rows) => {
      const inserted = await tx
        .insert(fills)
        .values(rows)
        .onConflictDoNothing({ target: [fills.venue, fills.symbol, fills.tradeId, fills.clientOrderId] })
        .returning({ venue: fills.venue, symbol: fills.symbol, tradeId: fills.tradeId, clientOrderId: fills.clientOrderId });
      for (const r of inserted) fresh.add(fillKey(r.venue, r.symbol, r.tradeId, r.clientOrderId));
    });
    const hourly = hourlyDeltas([...fillRows.entries()].filter(([key]) => fresh.has(key)).map(([, row]) => row));
    if (hourly.length > 0) {
      await breathe();
      await tx
        .insert(hourlyVolume)
        .values(hourly)
        .onConflictDoUpdate({
          target: [hourlyVolume.botId, hourlyVolume.hourStart],
          set: {
            maker: sql`${hourlyVolume.maker} + excluded.maker`,
            taker: sql`${hourlyVolume.taker} + excluded.taker`,
            volumeLeg: sql`${hourlyVolume.volumeLeg} + excluded.volume_leg`,
            fills: sql`${hourlyVolume.fills} + excluded.fills`,
          },
        });
    }
  }

  for (const [botId, trip] of halts) await tx.update(bots).set({ halt: trip, updatedAt: new Date() }).where(eq(bots.id, botId));
  await inChunks(eventRows, (rows) => tx.insert(events).values(rows));
  await inChunks(riskRows, (rows) => tx.insert(riskEvents).values(rows));
  await inChunks(statsRows, (rows) => tx.insert(botStats).values(rows));
  // the first mark of a day wins: a rebuild must open the day exactly as the live bot did
  await inChunks(markRows, (rows) => tx.insert(ledgerDayMarks).values(rows).onConflictDoNothing());
  await inChunks(flowRows, (rows) => tx.insert(cashFlows).values(rows).onConflictDoNothing());
  await inChunks(accountFillRows, (rows) => tx.insert(accountFills).values(rows).onConflictDoNothing());
  await breathe();
  return fresh;
}

/** Per bot and UTC hour: maker, taker and volume-leg notional and the fill count. */
function hourlyDeltas(rows: readonly (typeof fills.$inferInsert)[]): (typeof hourlyVolume.$inferInsert)[] {
  const byHour = new Map<string, { botId: string; hourStart: Date; maker: bigint; taker: bigint; volumeLeg: bigint; fills: number }>();
  for (const row of rows) {
    const hour = Math.floor(row.venueTime.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${row.botId}|${hour}`;
    let acc = byHour.get(key);
    if (acc === undefined) {
      acc = { botId: row.botId, hourStart: new Date(hour), maker: 0n, taker: 0n, volumeLeg: 0n, fills: 0 };
      byHour.set(key, acc);
    }
    // a fill without a known instrument still counts; its notional is unknown (logged on write)
    const notional = row.notional === null || row.notional === undefined ? 0n : fx.parse(row.notional);
    if (row.liquidity === 'maker') acc.maker += notional;
    else acc.taker += notional;
    if (row.tag === 'volume') acc.volumeLeg += notional;
    acc.fills += 1;
  }
  return [...byHour.values()].map((a) => ({
    botId: a.botId,
    hourStart: a.hourStart,
    maker: fx.format(a.maker),
    taker: fx.format(a.taker),
    volumeLeg: fx.format(a.volumeLeg),
    fills: a.fills,
  }));
}
