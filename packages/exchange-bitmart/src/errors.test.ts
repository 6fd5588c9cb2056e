import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmartError, isAlreadyFinal, isAmbiguousFailure } from './errors.ts';

const op = { operation: 'POST /spot/v2/submit_order' };

test('venue codes map onto engine error codes (catalogue §6)', () => {
  const cases: [number | string, string, object?][] = [
    [50034, 'POST_ONLY_WOULD_CROSS', { postOnly: true }],
    [50035, 'POST_ONLY_WOULD_CROSS', { postOnly: true }],
    [50042, 'DUPLICATE_CLIENT_ORDER_ID'],
    [30007, 'TIMESTAMP_OUT_OF_WINDOW'],
    [30001, 'AUTH_FAILED'],
    [30002, 'AUTH_FAILED'],
    [30004, 'AUTH_FAILED'],
    [30005, 'AUTH_FAILED'],
    [30006, 'AUTH_FAILED'],
    ['91011', 'AUTH_FAILED'],
    [30010, 'PERMISSION_DENIED'],
    [30012, 'PERMISSION_DENIED'],
    [53001, 'PERMISSION_DENIED'],
    [50020, 'INSUFFICIENT_BALANCE'],
    [30013, 'RATE_LIMITED'],
    [30017, 'IP_BANNED'],
    [50005, 'ORDER_NOT_FOUND'],
    [50030, 'ORDER_NOT_FOUND'],
    [50031, 'ORDER_NOT_FOUND'],
    [50001, 'UNKNOWN_SYMBOL'],
    [50006, 'QTY_BELOW_MIN'],
    [51011, 'NOTIONAL_BELOW_MIN'],
    [50037, 'INVALID_ARGUMENT'],
    [50038, 'INVALID_ARGUMENT'],
    [52003, 'INVALID_ARGUMENT'],
    [30014, 'VENUE_UNAVAILABLE'],
    [59002, 'VENUE_UNAVAILABLE'],
    [30031, 'NOT_SUPPORTED'],
  ];
  for (const [code, expected, extra] of cases) {
    const e = bitmartError(code, 'msg', { ...op, ...extra });
    assert.equal(e.code, expected, `code ${code}`);
    assert.equal(e.venueCode, String(code));
  }
});

test('50034/50035 are a cross only for a post-only order', () => {
  assert.equal(bitmartError(50034, 'The price is high and there is no matching depth', op).code, 'ORDER_REJECTED');
});

test('rate limiting is retryable and auth is not', () => {
  assert.equal(bitmartError(30013, 'Request too many requests', op).retryable, true);
  assert.equal(bitmartError(30005, 'Header X-BM-SIGN is wrong', op).retryable, false);
});

test('messages tell a person what to do and keep the venue context', () => {
  const e = bitmartError(30005, 'Header X-BM-SIGN is wrong', { ...op, httpStatus: 401, trace: 'abc' });
  assert.match(e.message, /X-BM-SIGN is wrong/);
  assert.match(e.message, /memo/);
  assert.deepEqual(e.details, { venueCode: '30005', httpStatus: 401, trace: 'abc' });
});

test('unknown codes fall back on the HTTP status', () => {
  assert.equal(bitmartError(undefined, '', { ...op, httpStatus: 429 }).code, 'RATE_LIMITED');
  assert.equal(bitmartError(undefined, '', { ...op, httpStatus: 418 }).code, 'IP_BANNED');
  assert.equal(bitmartError(undefined, '', { ...op, httpStatus: 401 }).code, 'AUTH_FAILED');
  assert.equal(bitmartError(99999, '', { ...op, httpStatus: 400 }).code, 'INVALID_ARGUMENT');
});

test('ambiguous failures are told apart from proven refusals', () => {
  assert.ok(isAmbiguousFailure(30014, 503));
  assert.ok(isAmbiguousFailure(undefined, 502));
  assert.ok(isAmbiguousFailure(50022, 400));
  assert.ok(isAmbiguousFailure('59001', undefined));
  assert.ok(!isAmbiguousFailure(50020, 400));
  assert.ok(!isAmbiguousFailure(30013, 429));
  assert.ok(isAlreadyFinal(50031) && isAlreadyFinal('50036') && !isAlreadyFinal(50005));
});
