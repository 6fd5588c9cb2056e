// The journal a runner's bots write through. It lets an order intent through only while this
// runner's own deadline for the bot's lease has not passed, on the process's monotonic clock.
// The database refuses a stale epoch's writes anyway; this gate also holds when the lease has
// run out but nobody has claimed the bot yet, and the moment a frozen process wakes up, before
// any renewal had the chance to run.
import { EngineError } from '@mm/core';
import type { AccountFill, BotJournal, BotRestoreState, CashFlowShare, Fill, Fixed, LedgerRequest, OrderRecord, OrderTag, RiskTrip } from '@mm/core';

export class LeaseGate implements BotJournal {
  private readonly deadlines = new Map<string, number>();

  constructor(
    private readonly inner: BotJournal,
    private readonly now: () => number,
  ) {}

  /** The lease is certainly ours until `until` (monotonic ms). */
  extend(botId: string, until: number): void {
    this.deadlines.set(botId, until);
  }

  revoke(botId: string): void {
    this.deadlines.delete(botId);
  }

  valid(botId: string): boolean {
    const until = this.deadlines.get(botId);
    return until !== undefined && this.now() < until;
  }

  async recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void> {
    if (!this.valid(botId)) throw new EngineError('LEASE_LOST', `order ${order.clientOrderId} not sent: this runner's lease on the bot is not certain (not renewed in time)`);
    return this.inner.recordIntent(botId, order, tag);
  }

  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void {
    this.inner.recordOrder(botId, order, tag);
  }

  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag, reference?: Fixed): Promise<boolean> {
    return this.inner.recordFill(botId, venue, fill, tag, reference);
  }

  recordHalt(botId: string, trip: RiskTrip | undefined): void {
    this.inner.recordHalt(botId, trip);
  }

  recordDayMark(botId: string, dayStart: number, mark: Fixed): void {
    this.inner.recordDayMark(botId, dayStart, mark);
  }

  recordCashFlow(share: CashFlowShare): void {
    this.inner.recordCashFlow(share);
  }

  recordAccountFill(fill: AccountFill): void {
    this.inner.recordAccountFill(fill);
  }

  loadState(botId: string, tradingDayStart: number, ledger?: LedgerRequest): Promise<BotRestoreState> {
    return this.inner.loadState(botId, tradingDayStart, ledger);
  }
}
