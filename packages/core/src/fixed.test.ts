import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fx from './fixed.ts';
import { EngineError } from './errors.ts';

test('parse and format round-trip exact decimals', () => {
  assert.equal(fx.format(fx.parse('123.456')), '123.456');
  assert.equal(fx.format(fx.parse('-0.000000000000000001')), '-0.000000000000000001');
  assert.equal(fx.format(fx.parse('1e-8')), '0.00000001');
  assert.equal(fx.format(fx.parse('1.5E3')), '1500');
  assert.equal(fx.format(fx.parse('.5')), '0.5');
  assert.equal(fx.format(fx.parse('+7.')), '7');
  assert.equal(fx.format(fx.parse('0.000')), '0');
  assert.equal(fx.format(fx.parse('100.10'), { decimals: 4 }), '100.1000');
});

test('parse refuses what is not a decimal, with a clear error', () => {
  for (const bad of ['', 'abc', '1.2.3', '--1', 'NaN', '1e', '0x10']) {
    assert.throws(() => fx.parse(bad), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT' && e.message.includes('not a decimal'));
  }
  assert.throws(() => fx.parse('0.0000000000000000001'), /more than 18 decimal places/);
});

test('multiplication is exact where binary floating point is not', () => {
  // exact product 0.152415787777777786625361999, truncated at 18 places
  assert.equal(fx.format(fx.mul(fx.parse('0.1'), fx.parse('3'))), '0.3');
  assert.equal(fx.format(fx.mul(fx.parse('123456789.123456789'), fx.parse('0.000000001234567891'))), '0.152415787777777786');
  assert.equal(fx.format(fx.mul(fx.parse('123456789.123456789'), fx.parse('0.000000001234567891'), 'ceil')), '0.152415787777777787');
});

test('rounding modes behave as documented for both signs', () => {
  const seven = 7n;
  const two = 2n;
  assert.equal(fx.divInt(seven, two, 'floor'), 3n);
  assert.equal(fx.divInt(seven, two, 'ceil'), 4n);
  assert.equal(fx.divInt(seven, two, 'trunc'), 3n);
  assert.equal(fx.divInt(seven, two, 'half-up'), 4n);
  assert.equal(fx.divInt(-seven, two, 'floor'), -4n);
  assert.equal(fx.divInt(-seven, two, 'ceil'), -3n);
  assert.equal(fx.divInt(-seven, two, 'trunc'), -3n);
  assert.equal(fx.divInt(-seven, two, 'half-up'), -4n);
  assert.equal(fx.divInt(5n, 3n, 'half-up'), 2n);
  assert.equal(fx.divInt(4n, 3n, 'half-up'), 1n);
  assert.throws(() => fx.div(fx.ONE, 0n), /division by zero/);
});

test('roundToStep snaps to the grid in the requested direction', () => {
  const step = fx.parse('0.05');
  assert.equal(fx.format(fx.roundToStep(fx.parse('1.234'), step, 'floor')), '1.2');
  assert.equal(fx.format(fx.roundToStep(fx.parse('1.234'), step, 'ceil')), '1.25');
  assert.equal(fx.format(fx.roundToStep(fx.parse('1.25'), step, 'ceil')), '1.25');
});

test('property: format(parse(x)) is the canonical form of x', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (raw) => {
      assert.equal(fx.parse(fx.format(raw)), raw);
    }),
  );
});

test('property: a·b/b returns a within one unit of the last place', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 27n }), fc.bigInt({ min: 1n, max: 10n ** 27n }), (a, b) => {
      const back = fx.div(fx.mul(a, b, 'trunc'), b, 'trunc');
      assert.ok(fx.abs(back - a) <= 1n + fx.SCALE / b, `${a} ${b} ${back}`);
    }),
  );
});
