// The bigint-safe JSON that runners put in bot_live, command results and NOTIFY payloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode, revive, toJsonValue } from './wire.ts';

test('bigints round-trip at any depth, in arrays too, beside ordinary values', () => {
  const value = {
    fee: 12_500_000_000_000_000n,
    negative: -42n,
    zero: 0n,
    huge: 2n ** 100n,
    nested: { deeper: { amount: 7n, label: 'seven', count: 7 } },
    list: [1n, 'x', [2n, { inner: 3n }], null, true],
    plain: 5,
    missing: null,
  };
  const text = encode(value);
  assert.match(text, /"\$n":"12500000000000000"/);
  const back = decode<typeof value>(text);
  assert.deepEqual(back, value);
  assert.equal(typeof back.nested.deeper.amount, 'bigint');
  assert.equal(typeof back.plain, 'number', 'a number stays a number');
  assert.equal(back.huge, 2n ** 100n);
});

test('a bare bigint and an array of them round-trip', () => {
  assert.equal(decode(encode(99n)), 99n);
  assert.deepEqual(decode(encode([1n, -2n])), [1n, -2n]);
});

test('revive turns an already-parsed jsonb value back (the shape toJsonValue stores)', () => {
  const stored = toJsonValue({ stats: { pnl: -1_000n, rows: [{ qty: 3n }] }, at: 17 });
  // what a jsonb column hands back: plain JSON, bigints tagged
  assert.deepEqual(stored, { stats: { pnl: { $n: '-1000' }, rows: [{ qty: { $n: '3' } }] }, at: 17 });
  const revived = revive(stored as Record<string, unknown>);
  assert.deepEqual(revived, { stats: { pnl: -1_000n, rows: [{ qty: 3n }] }, at: 17 });
  assert.equal(revive(null), null);
  assert.equal(revive('text'), 'text');
  assert.equal(revive({ $n: '8' }), 8n, 'a tagged value at the top revives too');
});

test('objects that merely look like the tag are left alone unless they are exactly {"$n": string}', () => {
  assert.deepEqual(decode('{"$n":5}'), { $n: 5 }, 'a number under $n is not a bigint');
  assert.deepEqual(decode('{"$n":"5","other":1}'), { $n: '5', other: 1 }, 'extra keys: not a tag');
  assert.deepEqual(decode('{"$N":"5"}'), { $N: '5' });
  assert.deepEqual(decode('{"a":{"$n":null}}'), { a: { $n: null } });
});

test('data whose keys start with "$" round-trips: such keys are escaped, so no data is taken for a tag', () => {
  assert.deepEqual(decode(encode({ $n: '12' })), { $n: '12' });
  assert.deepEqual(revive(toJsonValue({ a: { $e: 1, $$x: 'y' } })), { a: { $e: 1, $$x: 'y' } });
});

test('a {"$n": string} that is not an integer throws on decode (SyntaxError from BigInt)', () => {
  // only hand-made text can hold such a tag (encode escapes data keys); the reader skips the record
  assert.throws(() => decode('{"details":{"$n":"not a number"}}'), SyntaxError);
  assert.throws(() => revive({ $n: '1.5' }), SyntaxError);
});
