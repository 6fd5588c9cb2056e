// What a backtest records along the way, cheaply: one sample per stats event (a simulated minute)
// and one record per fill. The mid at a fill is read at the venue's trade moment (the exchange
// tells its account listeners inside the match, before the book changes), and the markout mids
// by pure timers at t + 1 s, 10 s and 60 s, which only read the book and so never change the run.
import { fx, ledgerFillOf } from '@mm/core';
import type { Clock, Fill, Fixed, Instrument, OrderTag } from '@mm/core';
import type { BotStatsSnapshot } from '@mm/engine';
import { MARKOUT_HORIZONS_MS } from './types.ts';
import type { FillRecord, SeriesSample } from './types.ts';
import type { BacktestWorld } from './world.ts';

/** The market around one trade of ours, filled in as the horizons pass. */
interface MarketAtTrade {
  readonly mid: Fixed | undefined;
  readonly after: (Fixed | undefined)[];
}

interface FillEntry {
  readonly fill: Fill;
  readonly tag: OrderTag;
  readonly market: MarketAtTrade | undefined;
}

const decimal = (v: Fixed | undefined): string | null => (v === undefined ? null : fx.format(v));
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** (to − from) ÷ base in bps, signed by side: positive when a buy at `from` is worth `to`. */
export function signedBps(side: 'buy' | 'sell', from: Fixed, to: Fixed, base: Fixed): number {
  const move = side === 'buy' ? to - from : from - to;
  return round4(fx.toNumber(fx.div(move * 10_000n, base)));
}

export class SeriesRecorder {
  private readonly samples: SeriesSample[] = [];
  private readonly entries: FillEntry[] = [];
  private readonly atTrade = new Map<string, MarketAtTrade>();
  private closed = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly world: BacktestWorld,
    private readonly clock: Clock,
    private readonly account: string,
    private readonly inst: Instrument,
  ) {
    this.unlisten = world.exchange.listen(account, { fill: (fill) => this.onVenueTrade(fill) });
  }

  /** A stats event of the bot: one sample. */
  sample(s: BotStatsSnapshot): void {
    if (s.equity === undefined) return;
    this.samples.push({ t: s.at, equity: s.equity, net: s.pnl.net, base: s.base, reference: s.reference ?? null, mid: decimal(this.world.mid(this.inst.symbol)) });
  }

  /** A fill as the bot applied it to its ledger. */
  fill(fill: Fill, tag: OrderTag): void {
    this.entries.push({ fill, tag, market: this.atTrade.get(fill.tradeId) });
    this.atTrade.delete(fill.tradeId);
  }

  /** Stops watching: markouts still pending stay unknown. */
  close(): void {
    this.closed = true;
    this.unlisten();
  }

  get sampleList(): readonly SeriesSample[] {
    return this.samples;
  }

  fillRecords(): FillRecord[] {
    return this.entries.map(({ fill, tag, market }) => {
      const l = ledgerFillOf(this.inst, fill, tag, undefined);
      const mid = market?.mid;
      const after = MARKOUT_HORIZONS_MS.map((_, i) => market?.after[i]);
      return {
        t: fill.venueTime,
        tradeId: fill.tradeId,
        side: fill.side,
        price: fx.format(l.price),
        qty: fx.format(l.qty),
        notional: fx.format(l.notional),
        fee: fx.format(l.fee),
        feeAsset: l.feeAsset,
        liquidity: fill.liquidity,
        tag,
        mid: decimal(mid),
        spreadBps: mid === undefined || mid === 0n ? null : signedBps(fill.side, l.price, mid, mid),
        midAfter: after.map(decimal),
        markoutBps: after.map((m) => (m === undefined ? null : signedBps(fill.side, l.price, m, l.price))),
      };
    });
  }

  private onVenueTrade(fill: Fill): void {
    if (this.closed || fill.symbol !== this.inst.symbol) return;
    const market: MarketAtTrade = { mid: this.world.mid(fill.symbol), after: [] };
    this.atTrade.set(fill.tradeId, market);
    MARKOUT_HORIZONS_MS.forEach((h, i) => {
      this.clock.setTimeout(
        () => {
          if (!this.closed) market.after[i] = this.world.mid(fill.symbol);
        },
        h,
        { pure: true },
      );
    });
  }
}
