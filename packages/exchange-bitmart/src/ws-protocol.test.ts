import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, parseIncoming } from './ws-protocol.ts';

test('binary frames are raw DEFLATE (catalogue §7.2 vector); text frames pass through', () => {
  const frame = Buffer.from(
    'q1YqSUzKSVWyUiouyC/RL8lMzk4tUtJRSkksSVSyiq5WKq7MTcrPAco7hTjHhwa7hAAlcxKLS+ILijKTQfqMTQ0MDPQMDIDiucXxJUpWhuYGlgZGJmamRpZm5rWxtQA=',
    'base64',
  );
  assert.equal(decodeFrame(frame, true), '{"table":"spot/ticker","data":[{"symbol":"BTC_USDT","last_price":"35000.00","ms_t":1709024652967}]}');
  assert.equal(decodeFrame(Buffer.from('pong'), false), 'pong');
});

test('messages are classified: push, ack, error (any errorCode), other', () => {
  assert.deepEqual(parseIncoming('{"table":"spot/user/order","data":""}'), { kind: 'push', push: { table: 'spot/user/order', data: [] } });
  assert.deepEqual(parseIncoming('{"event":"subscribe","topic":"spot/ticker:BTC_USDT"}'), { kind: 'ack', event: 'subscribe', topic: 'spot/ticker:BTC_USDT' });
  assert.deepEqual(parseIncoming('{"event":"login","errorCode":"91011","errorMessage":"Param sign is wrong"}'), {
    kind: 'error',
    event: 'login',
    code: '91011',
    message: 'Param sign is wrong',
  });
  assert.deepEqual(parseIncoming('{"errorMessage":"Invalid symbol param","errorCode":"92001"}'), { kind: 'error', code: '92001', message: 'Invalid symbol param' });
  assert.equal(parseIncoming('pong').kind, 'other');
});
