// Turns a sequence of whole-book states (a venue's book snapshots, Binance bookTicker rows,
// Tardis book_snapshot rows) into level events: a full snapshot run when asked for, otherwise
// only the changed levels (qty 0 for a removed level). A full snapshot at the same ts as the
// run just written would merge with it under the run rule (see LevelEvent), so it is written as
// a diff instead: the book it describes is the same.
import type { LevelEvent } from './events.ts';
import type { RecordedLevel } from './recorded-book.ts';

type Side = 'bid' | 'ask';

export class BookEventEmitter {
  private bids = new Map<string, string>();
  private asks = new Map<string, string>();
  /** The ts of the snapshot run written last, while nothing else followed it. */
  private runTs: number | undefined;
  private started = false;

  /** Forget the last state (after a gap): the next update is a full snapshot. */
  reset(): void {
    this.bids = new Map();
    this.asks = new Map();
    this.runTs = undefined;
    this.started = false;
  }

  /** Whether a state has been seen since the start or the last reset. */
  get hasState(): boolean {
    return this.started;
  }

  /** Level events taking the book to this state. `full` asks for a snapshot run. */
  update(ts: number, localTs: number, bids: readonly RecordedLevel[], asks: readonly RecordedLevel[], full: boolean): LevelEvent[] {
    const nextBids = toMap(bids);
    const nextAsks = toMap(asks);
    const empty = nextBids.size === 0 && nextAsks.size === 0;
    let out: LevelEvent[];
    if ((full || !this.started) && this.runTs !== ts && !empty) {
      out = [];
      for (const [price, qty] of nextBids) out.push(level(ts, localTs, 'bid', price, qty, true));
      for (const [price, qty] of nextAsks) out.push(level(ts, localTs, 'ask', price, qty, true));
      this.runTs = ts;
    } else if (!this.started) {
      // an empty first book cannot be a snapshot run; the book stays unknown until it has a level
      return [];
    } else {
      out = [...diff(this.bids, nextBids, 'bid', ts, localTs), ...diff(this.asks, nextAsks, 'ask', ts, localTs)];
      if (out.length > 0) this.runTs = undefined;
    }
    this.bids = nextBids;
    this.asks = nextAsks;
    this.started = true;
    return out;
  }
}

function toMap(levels: readonly RecordedLevel[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [price, qty] of levels) map.set(price, qty);
  return map;
}

function level(ts: number, localTs: number, side: Side, price: string, qty: string, snapshot: boolean): LevelEvent {
  return { kind: 'level', ts, localTs, side, price, qty, snapshot };
}

function diff(before: Map<string, string>, after: Map<string, string>, side: Side, ts: number, localTs: number): LevelEvent[] {
  const out: LevelEvent[] = [];
  for (const price of before.keys()) if (!after.has(price)) out.push(level(ts, localTs, side, price, '0', false));
  for (const [price, qty] of after) if (before.get(price) !== qty) out.push(level(ts, localTs, side, price, qty, false));
  return out;
}
