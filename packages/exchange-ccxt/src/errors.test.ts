// ccxt's error classes → our codes and outcomes: a proven refusal is 'rejected', a lost or
// ambiguous answer on a submit or cancel is 'unknown'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCcxt } from './ccxt-loader.ts';
import { classify } from './errors.ts';

type ErrorClass = new (message: string) => Error;

test('ccxt errors classify by class, then by the venue wording', async () => {
  const ccxt = (await loadCcxt()) as unknown as Record<string, ErrorClass>;
  const cases: [string, string, string, 'rejected' | 'unknown'][] = [
    ['RateLimitExceeded', 'aster {"code":-1003}', 'RATE_LIMITED', 'rejected'],
    ['InsufficientFunds', 'x', 'INSUFFICIENT_BALANCE', 'rejected'],
    ['OrderImmediatelyFillable', 'x', 'POST_ONLY_WOULD_CROSS', 'rejected'],
    ['DuplicateOrderId', 'x', 'DUPLICATE_CLIENT_ORDER_ID', 'rejected'],
    ['OrderNotFound', 'x', 'ORDER_NOT_FOUND', 'rejected'],
    ['BadSymbol', 'x', 'UNKNOWN_SYMBOL', 'rejected'],
    ['AuthenticationError', 'x', 'AUTH_FAILED', 'rejected'],
    ['PermissionDenied', 'x', 'PERMISSION_DENIED', 'rejected'],
    ['InvalidNonce', 'x', 'TIMESTAMP_OUT_OF_WINDOW', 'rejected'],
    // Binance-family -2010 arrives as a generic InvalidOrder; the wording decides
    ['InvalidOrder', 'aster {"code":-2010,"msg":"Account has insufficient balance for requested action."}', 'INSUFFICIENT_BALANCE', 'rejected'],
    ['InvalidOrder', 'aster {"code":-2010,"msg":"Order would immediately match and take."}', 'POST_ONLY_WOULD_CROSS', 'rejected'],
    ['InvalidOrder', 'aster {"code":-2010,"msg":"Duplicate order sent."}', 'DUPLICATE_CLIENT_ORDER_ID', 'rejected'],
    ['InvalidOrder', 'aster {"code":-2010,"msg":"Some other reason."}', 'ORDER_REJECTED', 'rejected'],
    ['ExchangeError', 'binance {"code":-1006,"msg":"An unexpected response was received from the message bus. Execution status unknown."}', 'UNKNOWN_OUTCOME', 'unknown'],
    ['RequestTimeout', 'aster POST /api/v3/order request timed out', 'UNKNOWN_OUTCOME', 'unknown'],
    ['ExchangeNotAvailable', 'aster 503 Service Temporarily Unavailable', 'UNKNOWN_OUTCOME', 'unknown'],
    ['NetworkError', 'aster POST fetch failed: ECONNREFUSED', 'NETWORK', 'rejected'],
  ];
  for (const [cls, message, code, outcome] of cases) {
    const E = ccxt[cls]!;
    const c = classify(new E(message), 'submit', 'aster');
    assert.equal(c.error.code, code, `${cls}: ${message}`);
    assert.equal(c.outcome, outcome, `${cls}: ${message}`);
  }
  // queries never report 'unknown': a lost answer is a retryable error
  const q = classify(new ccxt['RequestTimeout']!('timed out'), 'query', 'aster');
  assert.equal(q.error.code, 'TIMEOUT');
  assert.equal(q.error.retryable, true);
  // a non-ccxt failure after sending (a parse bug) may have executed
  assert.equal(classify(new TypeError('cannot read x'), 'submit', 'aster').outcome, 'unknown');
  // HTTP status facts from the REST hook
  const banned = Object.assign(new ccxt['DDoSProtection']!('418'), { httpStatus: 418 });
  assert.equal(classify(banned, 'submit', 'aster').error.code, 'IP_BANNED');
});
