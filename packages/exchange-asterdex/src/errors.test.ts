import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpFailure, venueError } from './errors.ts';

const ctx = { action: 'test' };

test('documented venue codes map onto engine codes', () => {
  const cases: [number, string, string][] = [
    [-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.', 'POST_ONLY_WOULD_CROSS'],
    [-2010, 'Order would immediately match and take.', 'POST_ONLY_WOULD_CROSS'],
    [-2010, 'Account has insufficient balance for requested action.', 'INSUFFICIENT_BALANCE'],
    [-2010, 'Duplicate order sent.', 'DUPLICATE_CLIENT_ORDER_ID'],
    [-2011, 'Unknown order sent.', 'ORDER_NOT_FOUND'],
    [-2013, 'Order does not exist.', 'ORDER_NOT_FOUND'],
    [-2019, 'Margin is insufficient.', 'INSUFFICIENT_BALANCE'],
    [-2018, 'Balance is insufficient.', 'INSUFFICIENT_BALANCE'],
    [-1021, 'Timestamp for this request is outside of the recvWindow.', 'TIMESTAMP_OUT_OF_WINDOW'],
    [-4225, 'Nonce Expired', 'TIMESTAMP_OUT_OF_WINDOW'],
    [-1003, 'Too many requests; current limit is 2400 requests per minute.', 'RATE_LIMITED'],
    [-1003, 'Way too many requests; IP banned until 1700000000000.', 'IP_BANNED'],
    [-1015, 'Too many new orders.', 'RATE_LIMITED'],
    [-1022, 'Signature for this request is not valid.', 'AUTH_FAILED'],
    [-2014, 'API-key format invalid.', 'AUTH_FAILED'],
    [-2015, 'Invalid API-key, IP, or permissions for action.', 'AUTH_FAILED'],
    [-4004, 'Quantity less than min quantity.', 'QTY_BELOW_MIN'],
    [-4005, 'Quantity greater than max quantity.', 'QTY_ABOVE_MAX'],
    [-4014, 'Price not increased by tick size.', 'PRICE_OFF_TICK'],
    [-4023, 'Qty not increased by step size.', 'QTY_OFF_LOT'],
    [-4164, "Order's notional must be no smaller than 5.0", 'NOTIONAL_BELOW_MIN'],
    [-5076, 'Total order value should be more than 5 USDT', 'NOTIONAL_BELOW_MIN'],
    [-4016, 'Price is higher than mark price multiplier cap.', 'PRICE_OUT_OF_BAND'],
    [-1013, 'Filter failure: NOTIONAL', 'NOTIONAL_BELOW_MIN'],
    [-1013, 'Filter failure: PRICE_FILTER', 'PRICE_OFF_TICK'],
    [-2022, 'ReduceOnly Order is rejected.', 'REDUCE_ONLY_REJECTED'],
    [-2025, 'Reach max open order limit.', 'MAX_OPEN_ORDERS'],
    [-4116, 'ClientOrderId is duplicated.', 'DUPLICATE_CLIENT_ORDER_ID'],
    [-1121, 'Invalid symbol.', 'UNKNOWN_SYMBOL'],
    [-1000, 'Invalid symbol.', 'UNKNOWN_SYMBOL'],
    [-1102, "Mandatory parameter 'symbol' was not sent", 'INVALID_ARGUMENT'],
    [-1125, 'This listenKey does not exist.', 'NOT_FOUND'],
    [-1020, 'This operation is not supported.', 'NOT_SUPPORTED'],
    [-9999, 'something new', 'VENUE_ERROR'],
  ];
  for (const [code, msg, expected] of cases) {
    const { outcome, error } = venueError(code, msg, ctx);
    assert.equal(error.code, expected, `${code} ${msg}`);
    assert.equal(outcome, 'rejected', `${code} is a proven rejection`);
    assert.equal(error.venueCode, code);
    assert.ok(error.message.includes(String(code)), 'the message names the venue code');
  }
});

test('a bare -2010 is a post-only cross only when the order was post-only', () => {
  assert.equal(venueError(-2010, 'NEW_ORDER_REJECTED', { action: 'x', postOnly: true }).error.code, 'POST_ONLY_WOULD_CROSS');
  assert.equal(venueError(-2010, 'NEW_ORDER_REJECTED', { action: 'x' }).error.code, 'ORDER_REJECTED');
});

test('"unknown execution status" codes are unknown, never rejected', () => {
  for (const code of [-1006, -1007]) {
    const { outcome, error } = venueError(code, 'Execution status unknown.', ctx);
    assert.equal(outcome, 'unknown');
    assert.equal(error.code, 'UNKNOWN_OUTCOME');
  }
});

test('HTTP statuses: 429 and 418 are rejections, 5xx (503 above all) are unknown', () => {
  assert.equal(httpFailure(429, '', ctx, 1000).error.code, 'RATE_LIMITED');
  assert.equal(httpFailure(429, '', ctx).outcome, 'rejected');
  assert.equal(httpFailure(418, '', ctx).error.code, 'IP_BANNED');
  assert.equal(httpFailure(401, '', ctx).error.code, 'AUTH_FAILED');
  assert.equal(httpFailure(403, '', ctx).error.code, 'PERMISSION_DENIED');
  for (const status of [500, 502, 503, 504]) {
    const f = httpFailure(status, '<html>', ctx);
    assert.equal(f.outcome, 'unknown', `HTTP ${status}`);
    assert.equal(f.error.code, 'UNKNOWN_OUTCOME');
  }
});
