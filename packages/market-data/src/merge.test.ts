import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeByTime } from './merge.ts';

interface E {
  readonly ts: number;
  readonly src: number;
  readonly i: number;
}

const stream = (src: number, times: number[]): E[] => [...times].sort((a, b) => a - b).map((ts, i) => ({ ts, src, i }));

test('merges sorted sources into one ordered stream, stable: source order then position on equal ts', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }), { maxLength: 5 }), (lists) => {
      const sources = lists.map((times, src) => stream(src, times));
      const merged = [...mergeByTime(...sources)];
      // the stable sort of everything by ts is the expected answer: ties by source, then position
      const expected = sources.flat().sort((a, b) => a.ts - b.ts || a.src - b.src || a.i - b.i);
      assert.deepEqual(merged, expected);
    }),
  );
});

test('async sources (and a mix) merge the same way, and an early stop closes every source', async () => {
  let closed = 0;
  async function* slow(src: number, times: number[]): AsyncGenerator<E> {
    try {
      for (const e of stream(src, times)) {
        await new Promise((r) => setImmediate(r));
        yield e;
      }
    } finally {
      closed++;
    }
  }
  const a = [1, 3, 3, 9];
  const b = [0, 3, 4];
  const c = [3, 10];
  const merged: E[] = [];
  for await (const e of mergeByTime<E>(slow(0, a), stream(1, b), slow(2, c))) merged.push(e);
  assert.deepEqual(
    merged.map((e) => `${e.ts}/${e.src}`),
    ['0/1', '1/0', '3/0', '3/0', '3/1', '3/2', '4/1', '9/0', '10/2'],
  );
  closed = 0;
  for await (const e of mergeByTime<E>(slow(0, a), slow(1, b))) if (e.ts >= 3) break;
  assert.equal(closed, 2);
});
