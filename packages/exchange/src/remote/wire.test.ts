import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, Instrument, fx } from '@mm/core';
import { decodeFrame, encodeFrame, fromWire, toWire } from './wire.ts';

test('bigints survive the wire exactly, beyond 2^53 and negative', () => {
  const value = { fee: fx.parse('-0.000000000000000001'), total: 2n ** 80n + 7n, nested: [1n, { x: -5n }], plain: 3 };
  const back = fromWire(JSON.parse(JSON.stringify(toWire(value))));
  assert.deepEqual(back, value);
});

test('an EngineError keeps code, message, retryable, details (with bigints) and venue code', () => {
  const error = new EngineError('RATE_LIMITED', 'slow down', { retryable: false, details: { retryAfterMs: 1000, amount: 12n }, venueCode: -1003 });
  const back = fromWire(JSON.parse(JSON.stringify(toWire({ error })))) as { error: EngineError };
  assert.ok(back.error instanceof EngineError);
  assert.equal(back.error.code, 'RATE_LIMITED');
  assert.equal(back.error.message, 'slow down');
  assert.equal(back.error.retryable, false, 'an explicit retryable flag wins over the code default');
  assert.deepEqual(back.error.details, { retryAfterMs: 1000, amount: 12n });
  assert.equal(back.error.venueCode, -1003);
});

test('an error code this side does not know becomes VENUE_ERROR with its message', () => {
  const back = fromWire({ $e: { code: 'SOMETHING_NEW', message: 'from a newer server', retryable: true } }) as EngineError;
  assert.equal(back.code, 'VENUE_ERROR');
  assert.equal(back.message, 'from a newer server');
  assert.equal(back.retryable, true);
});

test('instruments are rebuilt as Instrument objects with exact tick math', () => {
  const inst = new Instrument({ symbol: 'XUSDT', base: 'X', quote: 'USDT', kind: 'perp', tickSize: '0.0001', lotSize: '0.1', minQty: '0.1', minNotional: '5', maxQty: '1000' });
  const [back] = fromWire(JSON.parse(JSON.stringify(toWire([inst])))) as Instrument[];
  assert.ok(back instanceof Instrument);
  assert.deepEqual(back.toJSON(), inst.toJSON());
  assert.equal(back.priceToTicks('1.2345'), 12345);
});

test('data keys that look like tags are escaped, so data is never mistaken for a tag', () => {
  const value = { $n: 'not a bigint', $$e: 1, details: { $i: 'x' } };
  const back = fromWire(JSON.parse(JSON.stringify(toWire(value))));
  assert.deepEqual(back, value);
});

test('undefined fields are left out; frames round trip; garbage is refused clearly', () => {
  const frame = decodeFrame(encodeFrame({ type: 'result', id: 3, ok: true, value: { a: undefined, b: [undefined, 2n] } }));
  assert.deepEqual(frame, { type: 'result', id: 3, ok: true, value: { b: [null, 2n] } });
  assert.throws(() => decodeFrame('{nope'), (e: EngineError) => e.code === 'INVALID_ARGUMENT' && /not JSON/.test(e.message));
  assert.throws(() => decodeFrame('[1,2]'), (e: EngineError) => e.code === 'INVALID_ARGUMENT' && /"type"/.test(e.message));
});
