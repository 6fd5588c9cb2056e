// The persistence port (BotJournal, in @mm/core) and an in-memory implementation of it.
import { BotLedger, foldInto, ledgerFillOf } from '@mm/core';
import type { AccountFill, BotJournal, BotRestoreState, CashFlowShare, DayMark, Fill, Fixed, Instrument, LedgerRequest, OrderRecord, OrderTag, RiskTrip } from '@mm/core';

export type { BotJournal, BotRestoreState, OrderTag, StoredFill } from '@mm/core';

/** Keeps everything in memory: for backtests, tests, and as a reference implementation. */
export class MemoryJournal implements BotJournal {
  readonly intents = new Map<string, OrderRecord>();
  readonly orders = new Map<string, { botId: string; order: OrderRecord; tag: OrderTag }>();
  /** In the order they were recorded (the order a rebuild folds them in). */
  readonly fills = new Map<string, { botId: string; fill: Fill; tag: OrderTag; reference: Fixed | undefined }>();
  readonly halts = new Map<string, RiskTrip>();
  readonly dayMarks = new Map<string, DayMark[]>();
  readonly cashFlows = new Map<string, CashFlowShare>();
  readonly accountFills = new Map<string, AccountFill>();
  /** Set to make every write fail, as if the database were unreachable. */
  failing = false;

  /**
   * @param instruments how a rebuild values stored fills (the server's storage keeps decimal
   * prices on each row; here the instrument of the bot's symbol is asked for)
   */
  constructor(private readonly instruments?: (symbol: string) => Instrument | undefined) {}

  async recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void> {
    if (this.failing) throw new Error('journal unavailable');
    this.intents.set(order.clientOrderId, order);
    this.orders.set(order.clientOrderId, { botId, order, tag });
  }

  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void {
    if (!this.failing) this.orders.set(order.clientOrderId, { botId, order, tag });
  }

  async recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag, reference?: Fixed): Promise<boolean> {
    if (this.failing) throw new Error('journal unavailable');
    const key = `${venue}|${fill.symbol}|${fill.tradeId}`;
    if (this.fills.has(key)) return false;
    this.fills.set(key, { botId, fill, tag, reference });
    return true;
  }

  recordHalt(botId: string, trip: RiskTrip | undefined): void {
    if (trip === undefined) this.halts.delete(botId);
    else this.halts.set(botId, trip);
  }

  recordDayMark(botId: string, dayStart: number, mark: Fixed): void {
    if (this.failing) return;
    const list = this.dayMarks.get(botId) ?? [];
    if (!list.some((m) => m.dayStart === dayStart)) list.push({ dayStart, mark });
    this.dayMarks.set(botId, list);
  }

  recordCashFlow(share: CashFlowShare): void {
    if (this.failing) return;
    const key = `${share.accountId}|${share.flow.id}|${share.botId ?? 'account'}`;
    if (!this.cashFlows.has(key)) this.cashFlows.set(key, share);
  }

  recordAccountFill(fill: AccountFill): void {
    if (this.failing) return;
    const key = `${fill.accountId}|${fill.symbol}|${fill.tradeId}`;
    if (!this.accountFills.has(key)) this.accountFills.set(key, fill);
  }

  async loadState(botId: string, tradingDayStart: number, ledger?: LedgerRequest): Promise<BotRestoreState> {
    const live = [...this.orders.values()].filter((o) => o.botId === botId && !['filled', 'canceled', 'rejected', 'expired'].includes(o.order.status));
    const fills = [...this.fills.values()].filter((f) => f.botId === botId);
    return {
      liveOrders: live.map((o) => ({ order: o.order, tag: o.tag })),
      fillsToday: fills.filter((f) => f.fill.venueTime >= tradingDayStart).map((f) => ({ fill: f.fill, tag: f.tag })),
      lastFillTime: fills.reduce<number | undefined>((t, f) => (t === undefined || f.fill.venueTime > t ? f.fill.venueTime : t), undefined),
      halt: this.halts.get(botId),
      ...(ledger === undefined ? {} : { ledger: this.ledger(botId, ledger).toJSON() }),
    };
  }

  /** The bot's ledger rebuilt from what was recorded, as storage rebuilds it. */
  ledger(botId: string, request: LedgerRequest): BotLedger {
    const inst = this.instruments?.(request.symbol);
    const fills = [...this.fills.values()].filter((f) => f.botId === botId && f.fill.symbol === request.symbol);
    if (inst === undefined && fills.length > 0) throw new Error(`MemoryJournal: no instrument for ${request.symbol} to rebuild the ledger of bot ${botId}`);
    const flows = [...this.cashFlows.values()]
      .filter((s) => s.botId === botId && s.flow.kind === 'funding' && (s.flow.symbol === undefined || s.flow.symbol === request.symbol))
      .map((s) => ({ kind: s.flow.kind, amount: s.amount, venueTime: s.flow.venueTime }));
    return foldInto(
      new BotLedger(request.spec),
      fills.map((f) => ledgerFillOf(inst!, f.fill, f.tag, f.reference)),
      flows,
      this.dayMarks.get(botId) ?? [],
    );
  }
}
