// Binance websocket recordings as market-data collectors write them (hftbacktest's collector
// and similar): one message per line, `<local receive time> <JSON>`, the local time in µs or ns.
// The JSON is a REST depth snapshot ({"lastUpdateId","bids","asks"}) or a combined-stream
// message ({"stream","data"}) of depthUpdate, trade, aggTrade or bookTicker.
//
// The book follows Binance's documented procedure: diffs with u ≤ lastUpdateId are dropped, the
// first kept diff must span lastUpdateId + 1, and each next diff must follow on (spot: U = last
// u + 1; USD-M futures: pu = last u). A break is written as a gap, and the book stays unknown
// until the next REST snapshot in the file. bookTicker duplicates the top of the diffs: skipped.
//
// Lines arrive in local receive order, which is not quite exchange-time order across streams,
// so events pass through a short reorder window before they are emitted, sorted by ts.
import type { LevelEvent, MarketEvent } from '../events.ts';
import { BadRow, plainDecimal } from './fields.ts';
import type { Market, ParserContext, RowParser, SourceMeta } from './format.ts';

/** Diffs kept while waiting for the first snapshot (only the newest can straddle it). */
const EARLY_DIFFS = 1_000;

/** Messages this far apart in exchange time can still arrive out of order; wider than any stall seen. */
const REORDER_WINDOW_MS = 5_000;

const LINE = /^(\d{13,19}) (\{.*\})\s*$/;

/** Does this first line look like a collector line? */
export function isBinanceStreamLine(line: string): boolean {
  return LINE.test(line);
}

/** Local receive times: ns (≥ 1e17), µs (≥ 1e14) or ms. */
function localMs(digits: string): number {
  const n = Number(digits);
  return n >= 1e17 ? n / 1e6 : n >= 1e14 ? n / 1e3 : n;
}

type Levels = readonly (readonly [string, string])[];

interface DepthDiff {
  readonly E: number;
  readonly U: number;
  readonly u: number;
  readonly pu?: number;
  readonly b: Levels;
  readonly a: Levels;
}

interface Snapshot {
  readonly lastUpdateId: number;
  readonly bids: Levels;
  readonly asks: Levels;
  readonly localTs: number;
}

/** Events sorted by ts within a sliding window; stable for equal ts. */
class ReorderWindow {
  private pending: MarketEvent[] = [];
  /** Index of the first event not yet emitted. */
  private head = 0;
  private newest = -Infinity;

  push(event: MarketEvent): void {
    // nearly sorted input: insert from the end
    let i = this.pending.length;
    while (i > this.head && this.pending[i - 1]!.ts > event.ts) i--;
    if (i === this.pending.length) this.pending.push(event);
    else this.pending.splice(i, 0, event);
    if (event.ts > this.newest) this.newest = event.ts;
  }

  /** Moves the events older than the window (all of them when `all`) to `out`. */
  drain(out: MarketEvent[], all = false): void {
    const limit = all ? Infinity : this.newest - REORDER_WINDOW_MS;
    while (this.head < this.pending.length && this.pending[this.head]!.ts <= limit) out.push(this.pending[this.head++]!);
    // compact now and then, not on every drain
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }
}

export function binanceStreamParser(ctx: ParserContext): RowParser & { line(line: string, out: MarketEvent[]): void; end(out: MarketEvent[]): void } {
  let symbol = ctx.overrides.symbol;
  let market: Market | undefined = ctx.overrides.market;
  let skipped = 0;
  const window = new ReorderWindow();
  /** The REST snapshot waiting for the first diff that follows it. */
  let snapshot: Snapshot | undefined;
  /** Diffs received before any snapshot (they may straddle it). */
  let early: { diff: DepthDiff; localTs: number }[] = [];
  /** The u of the last diff applied; undefined while the book is unknown. */
  let lastU: number | undefined;

  const levels = (ts: number, localTs: number, side: 'bid' | 'ask', list: Levels, snap: boolean): void => {
    for (const [price, qty] of list) {
      const e: LevelEvent = { kind: 'level', ts, localTs, side, price: decimal(price, 'price'), qty: decimal(qty, 'qty'), snapshot: snap };
      window.push(e);
    }
  };

  const gap = (ts: number, localTs: number, reason: string): void => {
    window.push({ kind: 'gap', ts, localTs, reason });
    lastU = undefined;
  };

  const diffFollows = (d: DepthDiff, prev: number): boolean => (d.pu !== undefined ? d.pu === prev : d.U === prev + 1);

  /** Applies a diff to a known book, or establishes the book from the waiting snapshot. */
  const depth = (d: DepthDiff, localTs: number): void => {
    if (lastU === undefined) {
      if (snapshot === undefined) {
        early.push({ diff: d, localTs });
        if (early.length > EARLY_DIFFS) early.shift();
        return;
      }
      if (d.u <= snapshot.lastUpdateId) return; // older than the snapshot
      if (d.U > snapshot.lastUpdateId + 1) {
        // the diffs skipped past the snapshot: it cannot be used
        gap(d.E, localTs, `depth diff U=${d.U} starts after snapshot lastUpdateId=${snapshot.lastUpdateId}`);
        snapshot = undefined;
        return;
      }
      // the snapshot's state sits inside this diff's range: stamp it with the diff's exchange time
      levels(d.E, snapshot.localTs, 'bid', snapshot.bids, true);
      levels(d.E, snapshot.localTs, 'ask', snapshot.asks, true);
      snapshot = undefined;
    } else if (!diffFollows(d, lastU)) {
      gap(d.E, localTs, `depth sequence break: U=${d.U}${d.pu === undefined ? '' : ` pu=${d.pu}`} after u=${lastU}`);
      return;
    }
    levels(d.E, localTs, 'bid', d.b, false);
    levels(d.E, localTs, 'ask', d.a, false);
    lastU = d.u;
  };

  const message = (localTs: number, json: Record<string, unknown>): void => {
    if ('lastUpdateId' in json) {
      const snap: Snapshot = { lastUpdateId: num(json.lastUpdateId, 'lastUpdateId'), bids: pairs(json.bids, 'bids'), asks: pairs(json.asks, 'asks'), localTs };
      if (lastU !== undefined) return; // the book is known already: a later snapshot adds nothing
      snapshot = snap;
      const buffered = early;
      early = [];
      for (const b of buffered) depth(b.diff, b.localTs);
      return;
    }
    const data = (json.data ?? json) as Record<string, unknown>;
    const event = data.e;
    if (typeof data.s === 'string') symbol ??= data.s.toUpperCase();
    if (event === 'depthUpdate') {
      // only USD-M diffs carry pu (the previous diff's u)
      market ??= 'pu' in data ? 'perp' : 'spot';
      const diff: DepthDiff = {
        E: num(data.E, 'E'),
        U: num(data.U, 'U'),
        u: num(data.u, 'u'),
        ...('pu' in data ? { pu: num(data.pu, 'pu') } : {}),
        b: pairs(data.b, 'b'),
        a: pairs(data.a, 'a'),
      };
      depth(diff, localTs);
    } else if (event === 'trade' || event === 'aggTrade') {
      const ts = num(data.T, 'T');
      const id = String(event === 'trade' ? data.t : data.a);
      // m: the buyer was the maker, so the aggressor sold
      window.push({ kind: 'trade', ts, localTs, side: data.m === true ? 'sell' : 'buy', price: decimal(str(data.p, 'p'), 'price'), qty: decimal(str(data.q, 'q'), 'qty'), id });
    } else {
      skipped++; // bookTicker and anything else
    }
  };

  return {
    isHeader: () => false,
    row: (fields) => {
      throw new BadRow(`a collector line cannot be read as CSV (${fields.length} fields)`);
    },
    line(line, out) {
      const m = LINE.exec(line);
      if (m === null) throw new BadRow('expected "<local time> <JSON message>"');
      let json: unknown;
      try {
        json = JSON.parse(m[2]!);
      } catch (error) {
        throw new BadRow(`bad JSON (${(error as Error).message})`);
      }
      if (typeof json !== 'object' || json === null) throw new BadRow('the message is not a JSON object');
      message(localMs(m[1]!), json as Record<string, unknown>);
      window.drain(out);
    },
    end(out) {
      window.drain(out, true);
    },
    meta(): SourceMeta {
      if (symbol === undefined) throw new BadRow(`cannot tell the symbol of ${ctx.fileName}; pass --symbol`);
      const m = market ?? 'spot';
      return { venue: m === 'spot' ? 'binance' : 'binance-futures', symbol, market: m };
    },
    get skipped() {
      return skipped;
    },
  };
}

/** Binance pads decimals to 8 places; the recording keeps the same value without the padding. */
function decimal(value: string, what: string): string {
  const plain = plainDecimal(value, what);
  return plain.includes('.') ? plain.replace(/\.?0+$/, '') : plain;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadRow(`${what} is not a number`);
  return value;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new BadRow(`${what} is not a string`);
  return value;
}

function pairs(value: unknown, what: string): Levels {
  if (!Array.isArray(value)) throw new BadRow(`${what} is not a list of [price, qty]`);
  return value.map((p) => {
    if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'string') throw new BadRow(`${what} has an entry that is not [price, qty]`);
    return [p[0], p[1]] as const;
  });
}
