// The reference price a bot quotes around. It is fed market events as they arrive and asked for
// a value at a given time; every answer carries its age (now − local receive time of the data it
// rests on), and data older than maxAgeMs is refused as stale rather than quoted on.
import { fx } from '@mm/core';
import type { BookSnapshot, Fixed, Instrument, MarkPriceUpdate, PublicTrade, ReferencePriceConfig } from '@mm/core';
import { microPrice, midPrice, topOfBook } from './book-prices.ts';
import type { TopOfBookResult } from './book-prices.ts';
import { TimeEma } from './ema.ts';
import type { ReferenceSource, ReferenceValue } from './types.ts';

interface Stamped<T> {
  readonly value: T;
  readonly at: number;
}

/** Default of the schema, for a config built without it. */
const DEFAULT_MAX_DEVIATION_PCT = 2;

export class ReferencePrice {
  private book: Stamped<TopOfBookResult> | undefined;
  private last: Stamped<Fixed> | undefined;
  private mark: Stamped<Fixed> | undefined;
  private external: Stamped<Fixed> | undefined;
  private readonly ema: TimeEma;
  private readonly maxDeviation: Fixed;

  constructor(
    readonly config: ReferencePriceConfig,
    readonly instrument: Instrument,
  ) {
    this.ema = new TimeEma(config.emaHalfLifeMs);
    this.maxDeviation = fx.fromNumber(config.external?.maxDeviationPct ?? DEFAULT_MAX_DEVIATION_PCT);
  }

  onBook(book: BookSnapshot): void {
    if (book.symbol !== this.instrument.symbol) return;
    const top = topOfBook(book, this.instrument);
    this.book = { value: top, at: book.receivedAt };
    // only a sane two-sided book moves the EMA; a crossed or empty one leaves it to age.
    // The EMA is kept only when it is the configured source: its exact math is not free.
    if (top.ok && this.config.source === 'ema') this.ema.update(midPrice(top.top.bid, top.top.ask), book.receivedAt);
  }

  onTrade(trade: PublicTrade): void {
    if (trade.symbol !== this.instrument.symbol) return;
    this.last = { value: this.instrument.ticksToFixed(trade.priceTicks), at: trade.receivedAt };
  }

  onMark(update: MarkPriceUpdate): void {
    if (update.symbol !== this.instrument.symbol) return;
    this.mark = { value: update.markPrice, at: update.receivedAt };
  }

  /** Another venue's price (master/slave pricing), received locally at `at`. */
  onExternal(price: Fixed, at: number): void {
    this.external = { value: price, at };
  }

  /** The external price itself when fresh, whatever its deviation (for the risk monitor). */
  externalPrice(now: number): Fixed | undefined {
    const ext = this.fresh('external', this.external, now, '');
    return ext.ok ? ext.price : undefined;
  }

  /** The configured source's price at `now`. */
  value(now: number): ReferenceValue {
    return this.read(this.config.source, now);
  }

  /** Any source's price at `now` (for comparisons and the dashboard), with the same checks. */
  read(source: ReferenceSource, now: number): ReferenceValue {
    switch (source) {
      case 'mid':
      case 'microprice':
        return this.fromBook(source, now);
      case 'ema':
        return this.fromEma(now);
      case 'mark':
        return this.fresh(source, this.mark, now, 'no mark price received yet');
      case 'last':
        return this.fresh(source, this.last, now, 'no public trade received yet');
      case 'external':
        return this.fromExternal(now);
    }
  }

  private fromBook(source: 'mid' | 'microprice', now: number): ReferenceValue {
    if (this.book === undefined) return noData('no order book received yet');
    const top = this.book.value;
    if (!top.ok) return top;
    const { bid, ask, bidLots, askLots } = top.top;
    const price = source === 'mid' ? midPrice(bid, ask) : microPrice(bid, bidLots, ask, askLots);
    return this.fresh(source, { value: price, at: this.book.at }, now, '');
  }

  private fromEma(now: number): ReferenceValue {
    const price = this.ema.value;
    if (price === undefined || this.book === undefined) return noData('no two-sided order book received yet');
    // the EMA would lag a broken book silently; report the book's state instead
    if (!this.book.value.ok && this.book.value.reason === 'crossed_book') return this.book.value;
    return this.fresh('ema', { value: price, at: this.ema.updatedAt }, now, '');
  }

  private fromExternal(now: number): ReferenceValue {
    if (this.config.external === undefined) return noData('the external source is not configured');
    const ext = this.fresh('external', this.external, now, `no price from ${this.config.external.symbol} received yet`);
    if (!ext.ok) return ext;
    // Compare with this venue's own mid when we have a fresh one. A venue with an empty or
    // one-sided book is exactly where master/slave pricing is used, so that is not an error.
    const local = this.fromBook('mid', now);
    if (!local.ok) return local.reason === 'crossed_book' ? local : ext;
    const diff = fx.abs(ext.price - local.price);
    // |ext − mid| / mid · 100 > maxDeviationPct, cross-multiplied to stay exact
    if (diff * 100n * fx.SCALE > this.maxDeviation * local.price) {
      const pct = fx.format(fx.divInt(diff * 100n * fx.SCALE, local.price, 'half-up'), { decimals: 3 });
      return {
        ok: false,
        reason: 'deviation',
        detail: `external price ${fx.format(ext.price)} differs from the mid ${fx.format(local.price)} by ${pct} % (limit ${fx.format(this.maxDeviation)} %)`,
      };
    }
    return ext;
  }

  private fresh(source: ReferenceSource, sample: Stamped<Fixed> | undefined, now: number, missing: string): ReferenceValue {
    if (sample === undefined) return noData(missing);
    const ageMs = Math.max(0, now - sample.at);
    if (ageMs > this.config.maxAgeMs) {
      return { ok: false, reason: 'stale', detail: `${source} price is ${ageMs} ms old (limit ${this.config.maxAgeMs} ms)` };
    }
    return { ok: true, price: sample.value, ageMs, source };
  }
}

function noData(detail: string): ReferenceValue {
  return { ok: false, reason: 'no_data', detail };
}
