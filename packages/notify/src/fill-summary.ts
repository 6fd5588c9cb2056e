// Fills are never sent one by one: a busy grid fills hundreds of times an hour. They are summed
// per bot and one summary per bot leaves at the end of each interval. Memory is a few counters
// per bot, whatever the fill rate. Sums are exact (Fixed); only the message rounds.
import { fx, type Clock, type Fixed, type TimerHandle } from '@mm/core';
import type { BotIdentity, FillEvent } from './events.ts';
import type { Message } from './message.ts';
import { formatAmountText, formatDuration, formatPriceText, parseAmount } from './numbers.ts';

export interface FillSummary {
  readonly bot: BotIdentity;
  /** Window the fills fell in (the aggregator's clock). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly buys: number;
  readonly sells: number;
  readonly buyQty: string;
  readonly sellQty: string;
  readonly buyNotional: string;
  readonly sellNotional: string;
  readonly notional: string;
  /** Volume-weighted average prices; absent when that side had no fill. */
  readonly avgBuyPrice?: string;
  readonly avgSellPrice?: string;
  /** Fee per asset ('' when the event did not say). */
  readonly fees: Readonly<Record<string, string>>;
  readonly maker: number;
  readonly taker: number;
  readonly mm: number;
  readonly volume: number;
  /** Fills whose amounts were not decimal numbers (counted, not summed). */
  readonly unreadable: number;
}

interface Bucket {
  bot: BotIdentity;
  from: number;
  count: number;
  buys: number;
  sells: number;
  buyQty: Fixed;
  sellQty: Fixed;
  buyNotional: Fixed;
  sellNotional: Fixed;
  fees: Map<string, Fixed>;
  maker: number;
  taker: number;
  mm: number;
  volume: number;
  unreadable: number;
}

/** A bound on distinct bots per window, so a bug that invents bot ids cannot grow memory. */
const MAX_BOTS = 10_000;

export class FillAggregator {
  private readonly buckets = new Map<string, Bucket>();
  private timer: TimerHandle | undefined;
  private intervalMs: number;
  private overflow = 0;

  constructor(
    private readonly clock: Clock,
    intervalMs: number,
    private readonly onSummary: (summary: FillSummary) => void,
  ) {
    this.intervalMs = intervalMs;
  }

  /** The next window uses the new length; an open window ends when it was due. */
  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  /** Fills not summed because too many bots reported in one window. */
  get overflowed(): number {
    return this.overflow;
  }

  get pendingBots(): number {
    return this.buckets.size;
  }

  add(fill: FillEvent): void {
    let bucket = this.buckets.get(fill.bot.id);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BOTS) {
        this.overflow++;
        return;
      }
      bucket = {
        bot: fill.bot,
        from: this.clock.now(),
        count: 0,
        buys: 0,
        sells: 0,
        buyQty: 0n,
        sellQty: 0n,
        buyNotional: 0n,
        sellNotional: 0n,
        fees: new Map(),
        maker: 0,
        taker: 0,
        mm: 0,
        volume: 0,
        unreadable: 0,
      };
      this.buckets.set(fill.bot.id, bucket);
    }
    bucket.bot = fill.bot;
    bucket.count++;
    if (fill.liquidity === 'maker') bucket.maker++;
    else bucket.taker++;
    if (fill.tag === 'volume') bucket.volume++;
    else bucket.mm++;
    const qty = parseAmount(fill.qty);
    const notional = parseAmount(fill.notional);
    const fee = parseAmount(fill.fee);
    if (qty === undefined || notional === undefined || fee === undefined) {
      bucket.unreadable++;
    } else {
      if (fill.side === 'buy') {
        bucket.buys++;
        bucket.buyQty += qty;
        bucket.buyNotional += notional;
      } else {
        bucket.sells++;
        bucket.sellQty += qty;
        bucket.sellNotional += notional;
      }
      const asset = fill.feeAsset ?? '';
      bucket.fees.set(asset, (bucket.fees.get(asset) ?? 0n) + fee);
    }
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => this.onTimer(), this.intervalMs);
  }

  /** Emits every open window now (shutdown, settings change). */
  flush(): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const to = this.clock.now();
    const buckets = [...this.buckets.values()];
    this.buckets.clear();
    for (const bucket of buckets) this.onSummary(summarise(bucket, to));
  }

  /** Drops open windows without sending them. */
  clear(): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.buckets.clear();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
  }
}

function avg(notional: Fixed, qty: Fixed): string | undefined {
  return qty === 0n ? undefined : fx.format(fx.div(notional, qty, 'half-up'));
}

function summarise(b: Bucket, to: number): FillSummary {
  const fees: Record<string, string> = {};
  for (const [asset, amount] of b.fees) fees[asset] = fx.format(amount);
  const avgBuyPrice = avg(b.buyNotional, b.buyQty);
  const avgSellPrice = avg(b.sellNotional, b.sellQty);
  return {
    bot: b.bot,
    from: b.from,
    to,
    count: b.count,
    buys: b.buys,
    sells: b.sells,
    buyQty: fx.format(b.buyQty),
    sellQty: fx.format(b.sellQty),
    buyNotional: fx.format(b.buyNotional),
    sellNotional: fx.format(b.sellNotional),
    notional: fx.format(b.buyNotional + b.sellNotional),
    ...(avgBuyPrice === undefined ? {} : { avgBuyPrice }),
    ...(avgSellPrice === undefined ? {} : { avgSellPrice }),
    fees,
    maker: b.maker,
    taker: b.taker,
    mm: b.mm,
    volume: b.volume,
    unreadable: b.unreadable,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatFillSummary(s: FillSummary): Message {
  const lines = [`${plural(s.count, 'fill')} in ${formatDuration(Math.max(0, s.to - s.from))}: ${s.buys} buy · ${s.sells} sell`];
  const sides: string[] = [];
  if (s.avgBuyPrice !== undefined) sides.push(`bought ${formatAmountText(s.buyQty)} @ ${formatPriceText(s.avgBuyPrice)}`);
  if (s.avgSellPrice !== undefined) sides.push(`sold ${formatAmountText(s.sellQty)} @ ${formatPriceText(s.avgSellPrice)}`);
  if (sides.length > 0) lines.push(sides.join(' · ').replace(/^b|^s/, (c) => c.toUpperCase()));
  const fees = Object.entries(s.fees)
    .map(([asset, value]) => (asset === '' ? formatAmountText(value) : `${formatAmountText(value)} ${asset}`))
    .join(' + ');
  lines.push(`Notional ${formatAmountText(s.notional)} · fees ${fees === '' ? '0' : fees}`);
  lines.push(`Maker ${s.maker} · taker ${s.taker}${s.volume > 0 ? ` · volume leg ${s.volume}` : ''}`);
  if (s.unreadable > 0) lines.push(`${plural(s.unreadable, 'fill')} with unreadable amounts not summed`);
  const { bot, ...data } = s;
  return { kind: 'fill_summary', icon: '💱', title: 'Fills', bot, lines, data, at: s.to };
}
