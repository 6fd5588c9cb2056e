import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument } from '@mm/core';
import { ScaledDecimal, scaleDecimal } from './decimal.ts';
import { RecordedGrid } from './grid.ts';

const scale = (text: string, decimals: number) => {
  const out = scaleDecimal(text, decimals, new ScaledDecimal());
  return { value: out.value, truncated: out.truncated };
};

test('decimal strings scale to exact integers, rounding finer digits down and saying so', () => {
  assert.deepEqual(scale('123.45', 2), { value: 12345, truncated: false });
  assert.deepEqual(scale('123.4', 3), { value: 123400, truncated: false });
  assert.deepEqual(scale('7', 4), { value: 70000, truncated: false });
  assert.deepEqual(scale('.5', 1), { value: 5, truncated: false });
  assert.deepEqual(scale('0.129', 2), { value: 12, truncated: true });
  assert.deepEqual(scale('0.1200', 2), { value: 12, truncated: false }, 'trailing zeros are not finer digits');
  assert.ok(Number.isNaN(scale('0.3', 17).value), '3·10^16 is past 2^53: no inexact answer');
  assert.deepEqual(scale('9007199254.740991', 6), { value: 9007199254740991, truncated: false });
});

test('signs, exponents and oversized values take the exact slow path or come back NaN', () => {
  assert.deepEqual(scale('1e-2', 2), { value: 1, truncated: false });
  assert.deepEqual(scale('+2.5', 1), { value: 25, truncated: false });
  assert.ok(Number.isNaN(scale('-1', 0).value));
  assert.ok(Number.isNaN(scale('abc', 0).value));
  assert.ok(Number.isNaN(scale('', 0).value));
  assert.ok(Number.isNaN(scale('1.2.3', 0).value));
  assert.ok(Number.isNaN(scale('99999999999999999', 0).value), 'beyond 2^53');
});

test('the grid puts prices on ticks exactly and refuses prices off it; sizes count in sub-lot units', () => {
  const inst = new Instrument({ symbol: 'X', base: 'X', quote: 'USDT', kind: 'spot', tickSize: '0.05', lotSize: '0.1', minQty: '0.1', minNotional: '0' });
  const grid = new RecordedGrid(inst, 3);
  assert.equal(grid.ticks('100.05'), 2001);
  assert.equal(grid.ticks('100.1'), 2002);
  assert.ok(Number.isNaN(grid.ticks('100.07')));
  assert.ok(Number.isNaN(grid.ticks('100.051')));
  assert.equal(grid.counters.offGrid, 2);
  assert.ok(Number.isNaN(grid.ticks('0')));
  assert.equal(grid.counters.invalid, 1);
  // unit = 10^-(1 + 3): 1 lot = 0.1 = 1000 units
  assert.equal(grid.unitsPerLot, 1000);
  assert.equal(grid.units('0.1'), 1000);
  assert.equal(grid.units('2.34567'), 23456);
  assert.equal(grid.counters.truncatedQty, 1);
  assert.equal(grid.lots(grid.units('0.35')), 3);
});

test('a lot that is not a power of ten still counts exactly', () => {
  const inst = new Instrument({ symbol: 'Y', base: 'Y', quote: 'USDT', kind: 'spot', tickSize: '0.25', lotSize: '5', minQty: '5', minNotional: '0' });
  const grid = new RecordedGrid(inst, 2);
  assert.equal(grid.unitsPerLot, 500);
  assert.equal(grid.lots(grid.units('17')), 3);
  assert.equal(grid.ticks('10.75'), 43);
});
