// Cuts a time window [from, to) out of an event stream. The book at `from` is whatever the
// events before it built, so that state is kept and written as a snapshot run at `from` (when it
// is known): a window starting between two snapshots still has a book from its first event.
import type { LevelEvent, MarketEvent } from './events.ts';
import { RecordedBook } from './recorded-book.ts';

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
}

export async function* withinWindow(events: AsyncIterable<MarketEvent> | Iterable<MarketEvent>, window: TimeWindow): AsyncGenerator<MarketEvent> {
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  let before: RecordedBook | undefined = Number.isFinite(from) ? new RecordedBook() : undefined;
  for await (const event of events) {
    if (event.ts >= to) return;
    if (before !== undefined) {
      if (event.ts < from) {
        before.apply(event);
        continue;
      }
      // a snapshot run at `from` itself replaces the book anyway (and would merge with ours)
      const replaced = event.kind === 'level' && event.snapshot && event.ts === from;
      if (!replaced) yield* bookAt(before, from);
      before = undefined;
    }
    yield event;
  }
}

function bookAt(book: RecordedBook, ts: number): LevelEvent[] {
  if (!book.known) return [];
  const level = (side: 'bid' | 'ask', [price, qty]: readonly [string, string]): LevelEvent => ({ kind: 'level', ts, localTs: ts, side, price, qty, snapshot: true });
  return [...book.bids().map((l) => level('bid', l)), ...book.asks().map((l) => level('ask', l))];
}
