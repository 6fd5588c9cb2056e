import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BookEventEmitter } from './book-events.ts';
import type { LevelEvent, MarketEvent } from './events.ts';
import { RecordedBook } from './recorded-book.ts';
import type { RecordedLevel } from './recorded-book.ts';
import { withinWindow } from './window.ts';

const snap = (ts: number, side: 'bid' | 'ask', price: string, qty: string): LevelEvent => ({ kind: 'level', ts, localTs: ts, side, price, qty, snapshot: true });
const diff = (ts: number, side: 'bid' | 'ask', price: string, qty: string): LevelEvent => ({ kind: 'level', ts, localTs: ts, side, price, qty, snapshot: false });

test('a snapshot run replaces the book, diffs set and remove levels, a gap makes it unknown; prices order exactly', () => {
  const book = new RecordedBook();
  const apply = (events: MarketEvent[]) => events.forEach((e) => book.apply(e));
  apply([snap(1, 'bid', '99.5', '1'), snap(1, 'bid', '100', '2'), snap(1, 'ask', '100.25', '3'), snap(1, 'ask', '1000', '1')]);
  assert.equal(book.known, true);
  assert.deepEqual(book.bids(), [['100', '2'], ['99.5', '1']]);
  assert.deepEqual(book.asks(), [['100.25', '3'], ['1000', '1']]);
  apply([diff(2, 'bid', '99.5', '0'), diff(2, 'ask', '100.1', '4'), diff(2, 'bid', '100', '5')]);
  assert.deepEqual(book.bids(), [['100', '5']]);
  assert.deepEqual(book.asks(1), [['100.1', '4']]);
  // a new run (even right after a diff at the same ts) starts a new book
  apply([snap(2, 'bid', '98', '1'), snap(2, 'ask', '99', '1')]);
  assert.deepEqual([book.bids(), book.asks()], [[['98', '1']], [['99', '1']]]);
  apply([{ kind: 'gap', ts: 3, localTs: 3, reason: 'x' }]);
  assert.equal(book.known, false);
  assert.deepEqual(book.bids(), []);
});

const levels = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 })), { selector: ([p]) => p, maxLength: 6 });
const toLevels = (list: [number, number][], bid: boolean): RecordedLevel[] =>
  list.map(([p, q]) => [`${bid ? p : p + 50}.5`, `${q}`] as const).sort((a, b) => (bid ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));

test('the emitted events rebuild every book state exactly, whether full or diff, at equal or distinct ts', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ bids: levels, asks: levels, full: fc.boolean(), sameTs: fc.boolean() }), { minLength: 1, maxLength: 12 }), (states) => {
      const emitter = new BookEventEmitter();
      const book = new RecordedBook();
      let ts = 0;
      for (const s of states) {
        if (!s.sameTs) ts++;
        const bids = toLevels(s.bids, true);
        const asks = toLevels(s.asks, false);
        for (const e of emitter.update(ts, ts, bids, asks, s.full)) book.apply(e);
        if (!emitter.hasState) continue;
        assert.deepEqual(book.bids(), bids);
        assert.deepEqual(book.asks(), asks);
      }
    }),
  );
});

test('a window keeps the book it starts in as a snapshot at its start', async () => {
  const events: MarketEvent[] = [
    snap(1, 'bid', '10', '1'),
    snap(1, 'ask', '11', '1'),
    diff(5, 'bid', '10.5', '2'),
    { kind: 'trade', ts: 8, localTs: 8, side: 'buy', price: '11', qty: '1' },
    diff(12, 'ask', '11', '0'),
    { kind: 'trade', ts: 20, localTs: 20, side: 'sell', price: '10.5', qty: '1' },
  ];
  const out: MarketEvent[] = [];
  for await (const e of withinWindow(events, { from: 8, to: 20 })) out.push(e);
  assert.deepEqual(out, [snap(8, 'bid', '10.5', '2'), snap(8, 'bid', '10', '1'), snap(8, 'ask', '11', '1'), events[3], events[4]]);
});
