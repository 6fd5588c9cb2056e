import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import { decayFactor, emaAlpha } from './half-life.ts';
import { TimeEma } from './ema.ts';

const p = fx.parse;

test('whole half-lives decay exactly by powers of two', () => {
  assert.equal(decayFactor(0, 10_000), fx.ONE);
  assert.equal(decayFactor(-5, 10_000), fx.ONE);
  assert.equal(decayFactor(10_000, 10_000), p('0.5'));
  assert.equal(decayFactor(20_000, 10_000), p('0.25'));
  assert.equal(emaAlpha(10_000, 10_000), p('0.5'));
  // 1 − 2^−3 = 0.875
  assert.equal(emaAlpha(30_000, 10_000), p('0.875'));
  assert.equal(decayFactor(10_000 * 200, 10_000), 0n);
});

test('fractional half-lives match the known roots to 18 decimals', () => {
  // 2^(−1/2) = 1/√2 = 0.70710678118654752440… → 0.707106781186547524
  assert.equal(decayFactor(5_000, 10_000), p('0.707106781186547524'));
  // 2^(−1/4) = 0.84089641525371454303… → 0.840896415253714543
  assert.equal(decayFactor(2_500, 10_000), p('0.840896415253714543'));
  // 2^(−3/2) = 0.35355339059327376220… → 0.353553390593273762
  assert.equal(decayFactor(15_000, 10_000), p('0.353553390593273762'));
});

test('EMA of the mid: the first sample starts it, each next one weighs 1 − 2^(−Δt/h)', () => {
  const ema = new TimeEma(1_000);
  assert.equal(ema.value, undefined);
  ema.update(p('100'), 0);
  assert.equal(ema.value, p('100'));
  // Δt = h: alpha 0.5 → 100 + 0.5·(110 − 100) = 105
  ema.update(p('110'), 1_000);
  assert.equal(ema.value, p('105'));
  // Δt = 2h: alpha 0.75 → 105 + 0.75·(125 − 105) = 120
  ema.update(p('125'), 3_000);
  assert.equal(ema.value, p('120'));
  assert.equal(ema.updatedAt, 3_000);
  // same instant: alpha 0, the average does not move
  ema.update(p('1000'), 3_000);
  assert.equal(ema.value, p('120'));
});

test('irregular updates: two half-steps of a constant input equal one whole step', () => {
  const a = new TimeEma(1_000);
  const b = new TimeEma(1_000);
  a.update(p('100'), 0);
  b.update(p('100'), 0);
  a.update(p('200'), 1_000); // 150 exactly
  b.update(p('200'), 500); // 100 + (1 − 0.707106781186547524)·100 = 129.2893218813452476
  assert.equal(b.value, p('129.2893218813452476'));
  b.update(p('200'), 1_000); // 129.289… + 0.292893218813452476·70.710678118654752400
  assert.equal(a.value, p('150'));
  assert.ok(fx.abs(b.value! - p('150')) <= p('0.000000000000001'));
});
