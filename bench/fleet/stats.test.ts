import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './stats.ts';

test('the nearest-rank percentile is one of the values, the largest for p100', () => {
  const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1, unsorted input
  assert.equal(percentile(values, 50), 100);
  assert.equal(percentile(values, 95), 190);
  assert.equal(percentile(values, 99), 198);
  assert.equal(percentile(values, 100), 200);
  assert.equal(percentile(values, 0), 1);
});

test('a single slow sample decides p99 only once there are fewer than 100 samples', () => {
  const fast = Array.from({ length: 99 }, () => 10);
  assert.equal(percentile([...fast, 500], 99), 10);
  assert.equal(percentile([...fast.slice(0, 49), 500], 99), 500);
});

test('no values: NaN; a percentile outside 0..100 is refused', () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
});
