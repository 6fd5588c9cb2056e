// storage.journal: the engine's BotJournal on top of the database.
//
// - recordIntent writes the order row at once and resolves only after the commit; the engine
//   sends nothing before that. It fails fast with STORAGE_UNAVAILABLE while the database is away.
// - recordOrder, recordHalt, events, risk events and stats go through the write queue (batched).
// - recordFill is batched too; each caller still learns whether its fill was new.
// - loadState gives a restarting bot its live orders, today's fills, its halt and equity marks.
import { and, eq, gte, max, notInArray, asc } from 'drizzle-orm';
import { EngineError, fx } from '@mm/core';
import type { AccountFill, BotJournal, BotRestoreState, CashFlowShare, Fill, Fixed, LedgerRequest, OrderRecord } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { unavailableError } from '../errors.ts';
import type { HaltTrip } from '../repos/bots.ts';
import { isUuid } from '../repos/bots.ts';
import { TERMINAL_ORDER_STATUSES } from '../repos/orders.ts';
import { EVENT_LEVELS, eventRow, fillFrom, fillRow, orderRecordFrom, orderRow, riskRow, statsRow } from '../rows.ts';
import type { EventInput, EventLevel, InstrumentGrid, InstrumentResolver, OrderTag, RiskEventInput, StatsInput } from '../rows.ts';
import { botStats, bots, fills, orders } from '../schema.ts';
import type { LedgerRepo } from '../repos/ledger.ts';
import { fencedBots } from './fence.ts';
import type { JournalFence } from './fence.ts';
import { fillKey } from './jobs.ts';
import type { FillWaiter } from './jobs.ts';
import type { BotDirectory } from './directory.ts';
import type { BotEventSource } from './types.ts';
import type { WriteQueue } from './write-queue.ts';

export interface JournalOptions {
  /** recordIntent gives up (STORAGE_UNAVAILABLE) after this long (default 5 s). */
  readonly intentTimeoutMs?: number;
  /** At most one stats row per bot per this interval (default 10 s); the high-water equity in between is kept. */
  readonly statsIntervalMs?: number;
  /** Bot log lines below this level are not stored (default 'info'). */
  readonly minEventLevel?: EventLevel;
}

interface StatsSampler {
  lastWrittenAt: number;
  pending: StatsInput | undefined;
  high: bigint | undefined;
  highNet: bigint | undefined;
}

export class StorageJournal implements BotJournal {
  private resolver: InstrumentResolver | undefined;
  private readonly warnedNoInstrument = new Set<string>();
  private readonly samplers = new Map<string, StatsSampler>();
  private readonly intentTimeoutMs: number;
  private readonly statsIntervalMs: number;
  private readonly minLevel: number;

  constructor(
    private readonly ctx: StorageContext,
    private readonly queue: WriteQueue,
    private readonly directory: BotDirectory,
    private readonly ledger: LedgerRepo,
    options: JournalOptions = {},
  ) {
    this.intentTimeoutMs = options.intentTimeoutMs ?? 5_000;
    this.statsIntervalMs = options.statsIntervalMs ?? 10_000;
    this.minLevel = EVENT_LEVELS.indexOf(options.minEventLevel ?? 'info');
  }

  /** How rows get decimal prices: the server passes (botId) => its bot's instrument. */
  setInstrumentResolver(resolver: InstrumentResolver | undefined): void {
    this.resolver = resolver;
  }

  /**
   * Epoch fencing for a runner (undefined: none, as in backtests). Every queued batch and every
   * recordIntent first checks, in its own transaction and FOR SHARE, that this runner still
   * holds each bot's lease at fence.epochOf(botId); the writes of other bots are dropped
   * (recordIntent throws LEASE_LOST, a dropped fill's caller gets LEASE_LOST).
   */
  setFence(fence?: JournalFence): void {
    this.queue.fence = fence;
  }

  /** Jobs waiting to be written. */
  get pending(): number {
    return this.queue.size;
  }

  // ---------------------------------------------------------------- the engine's port

  async recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void> {
    this.checkOpen();
    if (this.ctx.health.state === 'degraded') {
      throw unavailableError(`order ${order.clientOrderId} not recorded, so it must not be sent`, this.ctx.health.lastError);
    }
    const fence = this.queue.fence;
    const write = this.ctx.run('record order intent', async (db) => {
      const venue = await this.directory.venueOf(db, botId);
      const row = orderRow(botId, venue, order, tag, this.instrument(botId, order.symbol));
      // DO NOTHING: if a later update of this order got there first (after a timeout here), it wins
      if (fence === undefined) {
        await db.insert(orders).values(row).onConflictDoNothing();
        return;
      }
      await db.transaction(async (tx) => {
        if ((await fencedBots(tx, fence, [botId])).size > 0) {
          this.ctx.logger.warn({ botId, runnerId: fence.runnerId, epoch: fence.epochOf(botId), clientOrderId: order.clientOrderId }, 'an order intent of a bot this runner no longer holds was refused');
          throw new EngineError('LEASE_LOST', `order ${order.clientOrderId} of bot ${botId} not recorded, so it must not be sent: runner ${fence.runnerId} no longer holds the bot at epoch ${fence.epochOf(botId) ?? '(none)'}`, {
            details: { botId, clientOrderId: order.clientOrderId },
          });
        }
        await tx.insert(orders).values(row).onConflictDoNothing();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = unavailableError(`order intent not confirmed within ${this.intentTimeoutMs} ms`);
        this.ctx.health.failed(e);
        reject(e);
      }, this.intentTimeoutMs);
    });
    try {
      await Promise.race([write, timeout]);
    } finally {
      clearTimeout(timer);
      write.catch(() => undefined);
    }
  }

  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void {
    if (this.ctx.closed) return this.lateWrite('order', botId);
    const { venue: _venue, ...row } = orderRow(botId, '', order, tag, this.instrument(botId, order.symbol));
    this.queue.push({ kind: 'order', botId, row });
  }

  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag, reference?: Fixed): Promise<boolean> {
    if (this.ctx.closed) return Promise.reject(new EngineError('ILLEGAL_STATE', `storage is closed; fill ${fill.tradeId} was not recorded`));
    const row = fillRow(botId, venue, fill, tag, this.instrument(botId, fill.symbol), reference);
    return new Promise<boolean>((resolve, reject) => {
      const waiter: FillWaiter = { settled: false, resolve, reject };
      this.queue.push({ kind: 'fill', botId, key: fillKey(venue, fill.symbol, fill.tradeId, fill.clientOrderId), row, waiter });
      if (this.ctx.health.state === 'degraded') {
        waiter.settled = true;
        reject(unavailableError(`fill ${fill.tradeId} is queued and will be written when the database returns`, this.ctx.health.lastError));
      }
    });
  }

  recordHalt(botId: string, trip: HaltTrip | undefined): void {
    if (this.ctx.closed) return this.lateWrite('halt', botId);
    this.queue.push({ kind: 'halt', botId, trip: (trip ?? null) as Record<string, unknown> | null });
    // a halt must survive a crash right after it: do not wait for companions
    this.queue.kick();
  }

  recordDayMark(botId: string, dayStart: number, mark: Fixed): void {
    if (this.ctx.closed) return this.lateWrite('day mark', botId);
    this.queue.push({ kind: 'dayMark', botId, row: { botId, dayStart, mark: fx.format(mark) } });
  }

  recordCashFlow(share: CashFlowShare): void {
    if (this.ctx.closed) return this.lateWrite('cash flow', share.botId);
    const f = share.flow;
    this.queue.push({
      kind: 'cashFlow',
      botId: share.botId,
      row: {
        accountId: share.accountId,
        venue: share.venue,
        flowId: f.id,
        share: share.botId ?? 'account',
        botId: share.botId ?? null,
        kind: f.kind,
        symbol: f.symbol ?? null,
        asset: f.asset,
        amount: fx.format(share.amount),
        venueTime: new Date(f.venueTime),
        receivedAt: new Date(f.receivedAt),
      },
    });
  }

  recordAccountFill(fill: AccountFill): void {
    if (this.ctx.closed) return this.lateWrite('account fill', undefined);
    this.queue.push({
      kind: 'accountFill',
      botId: undefined,
      row: {
        accountId: fill.accountId,
        venue: fill.venue,
        symbol: fill.symbol,
        tradeId: fill.tradeId,
        clientOrderId: fill.clientOrderId,
        side: fill.side,
        price: fx.format(fill.price),
        baseQty: fx.format(fill.qty),
        notional: fx.format(fill.notional),
        fee: fx.format(fill.fee),
        feeAsset: fill.feeAsset,
        liquidity: fill.liquidity,
        venueTime: new Date(fill.venueTime),
        receivedAt: new Date(fill.receivedAt),
      },
    });
  }

  async loadState(botId: string, tradingDayStart: number, ledgerRequest?: LedgerRequest): Promise<BotRestoreState> {
    this.checkOpen();
    if (!isUuid(botId)) throw new EngineError('NOT_FOUND', `bot id "${botId}" is not a uuid, so it cannot be in the database`);
    this.writePendingStats(botId);
    // what this process queued must be visible to what it reads back
    await this.queue.flush();
    const dayStart = new Date(tradingDayStart);
    const restored = await this.ctx.run('load bot state', async (db) => {
      const [[last]] = await Promise.all([db.select({ t: max(fills.venueTime) }).from(fills).where(eq(fills.botId, botId))]);
      const lastTime = last?.t == null ? undefined : new Date(last.t).getTime();
      // today's fills and those just before the newest one: a restart re-imports from there, and
      // every trade id it gets back must be known as already booked
      const since = new Date(Math.min(tradingDayStart, lastTime === undefined ? tradingDayStart : lastTime - 60_000));
      const [live, today, [bot], [peak]] = await Promise.all([
        db
          .select()
          .from(orders)
          .where(and(eq(orders.botId, botId), notInArray(orders.status, [...TERMINAL_ORDER_STATUSES])))
          .orderBy(asc(orders.createdAt)),
        db
          .select()
          .from(fills)
          .where(and(eq(fills.botId, botId), gte(fills.venueTime, since)))
          .orderBy(asc(fills.venueTime), asc(fills.id)),
        db.select({ halt: bots.halt }).from(bots).where(eq(bots.id, botId)),
        db
          .select({ high: max(botStats.pnlNetHigh) })
          .from(botStats)
          .where(and(eq(botStats.botId, botId), gte(botStats.at, dayStart))),
      ]);
      if (bot === undefined) throw new EngineError('NOT_FOUND', `bot ${botId} is not in the database`);
      const state: BotRestoreState = {
        liveOrders: live.map(orderRecordFrom),
        fillsToday: today.map(fillFrom),
        lastFillTime: lastTime,
        halt: (bot.halt ?? undefined) as HaltTrip | undefined,
      };
      return peak?.high == null ? state : { ...state, peakNet: fx.format(fx.parse(String(peak.high))) };
    });
    if (ledgerRequest === undefined) return restored;
    const ledger = await this.ledger.load(botId, ledgerRequest.symbol, ledgerRequest.spec);
    return { ...restored, ledger: ledger.toJSON() };
  }

  // ---------------------------------------------------------------- the rest of the bot bus

  recordEvent(event: EventInput): void {
    if (this.ctx.closed) return this.lateWrite('event', event.botId);
    if (EVENT_LEVELS.indexOf(event.level) < this.minLevel) return;
    this.queue.push({ kind: 'event', botId: event.botId, row: eventRow(event) });
  }

  recordRisk(event: RiskEventInput): void {
    if (this.ctx.closed) return this.lateWrite('risk event', event.botId);
    this.queue.push({ kind: 'risk', botId: event.botId, row: riskRow(event) });
  }

  /** Samples stats: one row per bot per statsIntervalMs, keeping the highest equity in between. */
  recordStats(stats: StatsInput): void {
    if (this.ctx.closed) return;
    let s = this.samplers.get(stats.botId);
    if (s === undefined) {
      s = { lastWrittenAt: Number.NEGATIVE_INFINITY, pending: undefined, high: undefined, highNet: undefined };
      this.samplers.set(stats.botId, s);
    }
    const equity = stats.equity === undefined ? undefined : fx.tryParse(stats.equity);
    if (equity !== undefined && (s.high === undefined || equity > s.high)) s.high = equity;
    const net = stats.pnl === undefined ? undefined : fx.tryParse(stats.pnl.net);
    if (net !== undefined && (s.highNet === undefined || net > s.highNet)) s.highNet = net;
    s.pending = stats;
    if (stats.at - s.lastWrittenAt >= this.statsIntervalMs) this.writePendingStats(stats.botId);
  }

  /** Subscribes to a BotManager's bus: logs, state changes, risk events and stats are stored. */
  attach(source: BotEventSource): () => void {
    const offs = [
      source.on('log', (e) => this.recordEvent({ botId: e.botId, level: e.level, kind: 'log', message: e.message, details: e.details, at: e.at })),
      source.on('state', (e) =>
        this.recordEvent({
          botId: e.botId,
          level: e.state === 'ERROR' ? 'error' : 'info',
          kind: 'state',
          message: `${e.previous} → ${e.state}${e.reason === undefined ? '' : `: ${e.reason}`}`,
          details: { state: e.state, previous: e.previous },
          at: e.at,
        }),
      ),
      source.on('risk', (e) => {
        this.recordRisk(e);
        // trips and clears also belong in the activity log; denials can be many and stay in risk_events
        if (e.type !== 'denial') {
          this.recordEvent({ botId: e.botId, level: e.type === 'trip' ? 'warn' : 'info', kind: 'risk', message: e.message, details: { rule: e.rule, type: e.type }, at: e.at });
        }
      }),
      source.on('stats', (e) => this.recordStats(e)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Writes the sampled stats each bot has not written yet (before close, before loadState). */
  writePendingStats(botId?: string): void {
    for (const [id, s] of this.samplers) {
      if (botId !== undefined && id !== botId) continue;
      if (s.pending === undefined) continue;
      this.queue.push({ kind: 'stats', botId: id, row: statsRow(s.pending, s.high === undefined ? undefined : fx.format(s.high), s.highNet === undefined ? undefined : fx.format(s.highNet)) });
      s.lastWrittenAt = s.pending.at;
      s.pending = undefined;
      s.high = undefined;
      s.highNet = undefined;
    }
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  // ---------------------------------------------------------------- helpers

  private instrument(botId: string, symbol: string): InstrumentGrid | undefined {
    const inst = this.resolver?.(botId, symbol);
    if (inst === undefined && !this.warnedNoInstrument.has(botId)) {
      this.warnedNoInstrument.add(botId);
      this.ctx.logger.warn({ botId, symbol }, 'no instrument known for this bot: its orders and fills are stored without decimal prices (set storage.journal.setInstrumentResolver)');
    }
    return inst;
  }

  private checkOpen(): void {
    if (this.ctx.closed) throw new EngineError('ILLEGAL_STATE', 'storage is closed');
  }

  private lateWrite(what: string, botId: string | undefined): void {
    this.ctx.logger.warn({ botId, what }, 'a write arrived after storage was closed and was not stored');
  }
}
