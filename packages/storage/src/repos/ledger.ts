// The ledger's storage: a bot's figures are its snapshot plus the fills, cash flows and day marks
// stored after it, folded by @mm/core's ledger (the same code the live engine runs). Also the
// account side of reconciliation: each account's baseline holdings and the sums of everything
// that moved its balances since (bots' fills, fills nobody placed, funding, transfers).
import { and, asc, desc, eq, gt, inArray, isNull, max, sql } from 'drizzle-orm';
import { BotLedger, fx, foldInto } from '@mm/core';
import type { DayMark, Fixed, LedgerCashFlow, LedgerFill, LedgerSpec, LedgerStateJson } from '@mm/core';
import type { StorageContext } from '../context.ts';
import type { Db } from '../backend/types.ts';
import type { OrderTag } from '../rows.ts';
import { accountBaselines, accountFills, botStats, cashFlows, fills, ledgerDayMarks, ledgerSnapshots } from '../schema.ts';

/** A snapshot is written once this many rows were folded on top of the last one. */
const SNAPSHOT_AFTER_ROWS = 200;
/**
 * Rows younger than this stay out of a snapshot: ids are handed out before commit, so a
 * transaction still open could commit a smaller id after a newer one is already visible.
 */
const SNAPSHOT_SETTLE_MS = 30_000;
/** Rows read per query while folding a long tail. */
const PAGE = 5_000;

export interface AccountHoldingsJson {
  readonly balances: Record<string, string>;
  readonly positions: Record<string, { qty: string; entryPrice: string }>;
}

export interface AccountBaseline {
  readonly accountId: string;
  readonly at: number;
  readonly holdings: AccountHoldingsJson;
  readonly afterFillId: number;
  readonly afterAccountFillId: number;
  readonly afterFlowId: number;
}

/** Sums of fills grouped as reconciliation needs them (per bot, or nobody's: botId undefined). */
export interface FillSums {
  readonly botId: string | undefined;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly feeAsset: string;
  readonly notional: Fixed;
  readonly baseQty: Fixed;
  readonly fee: Fixed;
  readonly trades: number;
}

export interface FlowSums {
  readonly botId: string | undefined;
  readonly kind: 'funding' | 'transfer';
  readonly asset: string;
  readonly amount: Fixed;
}

type FillRow = typeof fills.$inferSelect;

function ledgerFillFrom(row: FillRow): LedgerFill | undefined {
  if (row.price === null || row.notional === null) return undefined; // stored without an instrument: cannot be valued
  const price = fx.parse(row.price);
  const baseQty = row.baseQty ?? row.qty;
  return {
    side: row.side as 'buy' | 'sell',
    qty: baseQty === null ? fx.div(fx.parse(row.notional), price) : fx.parse(baseQty),
    price,
    notional: fx.parse(row.notional),
    fee: fx.parse(row.fee),
    feeAsset: row.feeAsset,
    liquidity: row.liquidity as 'maker' | 'taker',
    tag: row.tag as OrderTag,
    venueTime: row.venueTime.getTime(),
    reference: row.reference === null ? undefined : fx.parse(row.reference),
  };
}

export class LedgerRepo {
  constructor(private readonly ctx: StorageContext) {}

  /**
   * The bot's ledger for `symbol`: the stored snapshot (if it was made for this symbol and
   * currencies) plus everything stored after it. Writes a fresh snapshot when the tail was long.
   */
  async load(botId: string, symbol: string, spec: LedgerSpec): Promise<BotLedger> {
    return this.ctx.run('load bot ledger', async (db) => {
      const [snap] = await db.select().from(ledgerSnapshots).where(eq(ledgerSnapshots.botId, botId));
      return this.fold(db, botId, symbol, spec, snap);
    });
  }

  /**
   * The bot's ledger for the symbol and currencies it was stored with (at its first sync), with
   * the snapshot read once; undefined when the bot never synced.
   */
  async loadStored(botId: string): Promise<BotLedger | undefined> {
    return this.ctx.run('load bot ledger', async (db) => {
      const [snap] = await db.select().from(ledgerSnapshots).where(eq(ledgerSnapshots.botId, botId));
      if (snap === undefined) return undefined;
      return this.fold(db, botId, snap.symbol, snap.spec, snap);
    });
  }

  /** The snapshot (when made for this symbol and currencies) plus everything stored after it. */
  private async fold(db: Db, botId: string, symbol: string, spec: LedgerSpec, snap: typeof ledgerSnapshots.$inferSelect | undefined): Promise<BotLedger> {
    const usable = snap !== undefined && snap.symbol === symbol && JSON.stringify(snap.spec) === JSON.stringify(spec);
    const ledger = usable ? BotLedger.fromJSON(spec, snap.state as LedgerStateJson) : new BotLedger(spec);
    const from = usable ? { fill: snap.throughFillId, flow: snap.throughFlowId, day: snap.throughMarkDay } : { fill: 0, flow: 0, day: 0 };
    const settled = Date.now() - SNAPSHOT_SETTLE_MS;

    const [flowRows, markRows] = await Promise.all([
      db
        .select()
        .from(cashFlows)
        .where(and(eq(cashFlows.botId, botId), gt(cashFlows.id, from.flow), eq(cashFlows.kind, 'funding'), symbolIs(symbol)))
        .orderBy(asc(cashFlows.id)),
      db
        .select()
        .from(ledgerDayMarks)
        .where(and(eq(ledgerDayMarks.botId, botId), gt(ledgerDayMarks.dayStart, from.day)))
        .orderBy(asc(ledgerDayMarks.dayStart)),
    ]);
    const fillRows = await this.tail(db, botId, symbol, from.fill);
    const flows: (LedgerCashFlow & { id: number; settled: boolean })[] = flowRows.map((r) => ({
      kind: 'funding',
      amount: fx.parse(r.amount),
      venueTime: r.venueTime.getTime(),
      id: r.id,
      settled: r.receivedAt.getTime() < settled,
    }));
    const marks: (DayMark & { settled: boolean })[] = markRows.map((r) => ({ dayStart: r.dayStart, mark: fx.parse(r.mark), settled: r.dayStart < settled }));

    // fold the settled part, snapshot it if it was long, then fold the rest on top
    const settledFills = takeWhile(fillRows, (r) => r.receivedAt.getTime() < settled);
    const settledFlows = takeWhile(flows, (f) => f.settled);
    const settledMarks = takeWhile(marks, (m) => m.settled);
    foldInto(ledger, toLedgerFills(settledFills), settledFlows, settledMarks);
    const settledRows = settledFills.length + settledFlows.length + settledMarks.length;
    if (settledRows >= SNAPSHOT_AFTER_ROWS || !usable) {
      const row = {
        botId,
        symbol,
        spec: { ...spec },
        throughFillId: settledFills.at(-1)?.id ?? from.fill,
        throughFlowId: settledFlows.at(-1)?.id ?? from.flow,
        throughMarkDay: settledMarks.at(-1)?.dayStart ?? from.day,
        state: ledger.toJSON() as unknown,
        updatedAt: new Date(),
      };
      await db.insert(ledgerSnapshots).values(row).onConflictDoUpdate({ target: ledgerSnapshots.botId, set: row });
    }
    foldInto(ledger, toLedgerFills(fillRows.slice(settledFills.length)), flows.slice(settledFlows.length), marks.slice(settledMarks.length));
    return ledger;
  }

  /** The symbol and currencies of the bot's stored ledger (written at its first sync), if any. */
  async storedSpec(botId: string): Promise<{ symbol: string; spec: LedgerSpec } | undefined> {
    const [row] = await this.ctx.run('read ledger spec', (db) => db.select({ symbol: ledgerSnapshots.symbol, spec: ledgerSnapshots.spec }).from(ledgerSnapshots).where(eq(ledgerSnapshots.botId, botId)));
    return row === undefined ? undefined : { symbol: row.symbol, spec: row.spec };
  }

  /** The last reference price the bot's stats recorded: what a stopped bot's position is valued at. */
  async lastMark(botId: string): Promise<{ mark: Fixed; at: number } | undefined> {
    const [row] = await this.ctx.run('read last mark', (db) =>
      db
        .select({ reference: botStats.reference, at: botStats.at })
        .from(botStats)
        .where(and(eq(botStats.botId, botId), sql`${botStats.reference} is not null`))
        .orderBy(desc(botStats.at), desc(botStats.id))
        .limit(1),
    );
    return row?.reference == null ? undefined : { mark: fx.parse(row.reference), at: row.at.getTime() };
  }

  // ---------------------------------------------------------------- accounts

  async baseline(accountId: string): Promise<AccountBaseline | undefined> {
    const [row] = await this.ctx.run('read account baseline', (db) => db.select().from(accountBaselines).where(eq(accountBaselines.accountId, accountId)));
    return row === undefined ? undefined : { ...row, at: row.at.getTime() };
  }

  /**
   * Takes the account's baseline (what it holds now) unless it has one; everything stored from
   * here on is what must explain the account's change. Returns the baseline in force.
   */
  async ensureBaseline(accountId: string, holdings: AccountHoldingsJson, at: number): Promise<AccountBaseline> {
    return this.ctx.tx('take account baseline', async (tx) => {
      const [existing] = await tx.select().from(accountBaselines).where(eq(accountBaselines.accountId, accountId));
      if (existing !== undefined) return { ...existing, at: existing.at.getTime() };
      // one after another: a transaction is one connection, which runs one query at a time
      const [f] = await tx.select({ id: max(fills.id) }).from(fills);
      const [a] = await tx.select({ id: max(accountFills.id) }).from(accountFills);
      const [c] = await tx.select({ id: max(cashFlows.id) }).from(cashFlows);
      const row = { accountId, at: new Date(at), holdings, afterFillId: Number(f?.id ?? 0), afterAccountFillId: Number(a?.id ?? 0), afterFlowId: Number(c?.id ?? 0) };
      await tx.insert(accountBaselines).values(row).onConflictDoNothing();
      return { ...row, at };
    });
  }

  /** Fill sums since the baseline: the given bots' fills and the account's unattributed ones. */
  async fillSumsSince(baseline: AccountBaseline, botIds: readonly string[]): Promise<FillSums[]> {
    return this.ctx.run('sum fills for reconciliation', async (db) => {
      const zero = sql<string>`0`;
      const botRows =
        botIds.length === 0
          ? []
          : await db
              .select({
                botId: fills.botId,
                symbol: fills.symbol,
                side: fills.side,
                feeAsset: fills.feeAsset,
                notional: sql<string>`coalesce(sum(${fills.notional}), ${zero})`,
                baseQty: sql<string>`coalesce(sum(coalesce(${fills.baseQty}, ${fills.qty})), ${zero})`,
                fee: sql<string>`coalesce(sum(${fills.fee}), ${zero})`,
                trades: sql<number>`count(*)::int`,
              })
              .from(fills)
              .where(and(inArray(fills.botId, [...botIds]), gt(fills.id, baseline.afterFillId)))
              .groupBy(fills.botId, fills.symbol, fills.side, fills.feeAsset);
      const otherRows = await db
        .select({
          symbol: accountFills.symbol,
          side: accountFills.side,
          feeAsset: accountFills.feeAsset,
          notional: sql<string>`coalesce(sum(${accountFills.notional}), ${zero})`,
          baseQty: sql<string>`coalesce(sum(${accountFills.baseQty}), ${zero})`,
          fee: sql<string>`coalesce(sum(${accountFills.fee}), ${zero})`,
          trades: sql<number>`count(*)::int`,
        })
        .from(accountFills)
        .where(and(eq(accountFills.accountId, baseline.accountId), gt(accountFills.id, baseline.afterAccountFillId)))
        .groupBy(accountFills.symbol, accountFills.side, accountFills.feeAsset);
      const sums = (botId: string | undefined, r: { symbol: string; side: string; feeAsset: string; notional: string; baseQty: string; fee: string; trades: number }): FillSums => ({
        botId,
        symbol: r.symbol,
        side: r.side as 'buy' | 'sell',
        feeAsset: r.feeAsset,
        notional: fx.parse(String(r.notional)),
        baseQty: fx.parse(String(r.baseQty)),
        fee: fx.parse(String(r.fee)),
        trades: Number(r.trades),
      });
      return [...botRows.map((r) => sums(r.botId, r)), ...otherRows.map((r) => sums(undefined, r))];
    });
  }

  async flowSumsSince(baseline: AccountBaseline): Promise<FlowSums[]> {
    const rows = await this.ctx.run('sum cash flows for reconciliation', (db) =>
      db
        .select({ botId: cashFlows.botId, kind: cashFlows.kind, asset: cashFlows.asset, amount: sql<string>`sum(${cashFlows.amount})` })
        .from(cashFlows)
        .where(and(eq(cashFlows.accountId, baseline.accountId), gt(cashFlows.id, baseline.afterFlowId)))
        .groupBy(cashFlows.botId, cashFlows.kind, cashFlows.asset),
    );
    return rows.map((r) => ({ botId: r.botId ?? undefined, kind: r.kind as 'funding' | 'transfer', asset: r.asset, amount: fx.parse(String(r.amount)) }));
  }

  /** Unattributed fills of an account, newest first (for the dashboard). */
  async accountFills(accountId: string, limit = 100): Promise<(typeof accountFills.$inferSelect)[]> {
    return this.ctx.run('list unattributed fills', (db) =>
      db.select().from(accountFills).where(eq(accountFills.accountId, accountId)).orderBy(desc(accountFills.id)).limit(limit),
    );
  }

  /** Unattributed cash flows of an account (bot_id null). */
  async accountFlows(accountId: string): Promise<number> {
    const [row] = await this.ctx.run('count unattributed cash flows', (db) =>
      db.select({ n: sql<number>`count(*)::int` }).from(cashFlows).where(and(eq(cashFlows.accountId, accountId), isNull(cashFlows.botId))),
    );
    return Number(row?.n ?? 0);
  }

  private async tail(db: Db, botId: string, symbol: string, afterId: number): Promise<FillRow[]> {
    const out: FillRow[] = [];
    let cursor = afterId;
    for (;;) {
      const page = await db
        .select()
        .from(fills)
        .where(and(eq(fills.botId, botId), eq(fills.symbol, symbol), gt(fills.id, cursor)))
        .orderBy(asc(fills.id))
        .limit(PAGE);
      out.push(...page);
      if (page.length < PAGE) return out;
      cursor = page.at(-1)!.id;
    }
  }
}

function symbolIs(symbol: string) {
  return sql`(${cashFlows.symbol} = ${symbol} or ${cashFlows.symbol} is null)`;
}

function toLedgerFills(rows: readonly FillRow[]): LedgerFill[] {
  const out: LedgerFill[] = [];
  for (const r of rows) {
    const f = ledgerFillFrom(r);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/** The leading elements that satisfy `keep` (rows are in id order, so "settled" is a prefix). */
function takeWhile<T>(items: readonly T[], keep: (t: T) => boolean): T[] {
  let n = 0;
  while (n < items.length && keep(items[n]!)) n++;
  return items.slice(0, n);
}
