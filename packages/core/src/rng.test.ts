import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';
import { EventBus } from './bus.ts';
import { ClientIdGenerator, botOrderPrefix, isValidClientOrderId } from './ids.ts';

test('the same seed gives the same sequence; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 100 }, () => a.next());
  const sb = Array.from({ length: 100 }, () => b.next());
  const sc = Array.from({ length: 100 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((x) => x >= 0 && x < 1));
});

test('forks are independent of how much the parent was used', () => {
  const a = new Rng('seed');
  const b = new Rng('seed');
  b.next();
  b.next();
  assert.equal(a.fork('takers').next(), b.fork('takers').next());
  assert.notEqual(a.fork('takers').next(), a.fork('makers').next());
});

test('distributions have the right moments (10k samples)', () => {
  const rng = new Rng(7);
  const n = 10_000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal(5, 2);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  assert.ok(Math.abs(mean - 5) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 2) < 0.1, `sd ${Math.sqrt(variance)}`);
  let expSum = 0;
  for (let i = 0; i < n; i++) expSum += rng.exponential(4);
  assert.ok(Math.abs(expSum / n - 0.25) < 0.01, `exp mean ${expSum / n}`);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[rng.int(0, 2)]!++;
  assert.ok(counts.every((c) => c > 900 && c < 1100), `int counts ${counts}`);
});

test('state can be saved and restored', () => {
  const rng = new Rng(9);
  rng.next();
  const state = rng.getState();
  const expected = [rng.next(), rng.next()];
  rng.setState(state);
  assert.deepEqual([rng.next(), rng.next()], expected);
});

test('the event bus isolates a throwing handler', () => {
  const errors: unknown[] = [];
  const bus = new EventBus<{ tick: number; other: string }>((e) => errors.push(e));
  const got: number[] = [];
  const any: string[] = [];
  bus.on('tick', () => {
    throw new Error('boom');
  });
  const off = bus.on('tick', (n) => got.push(n));
  bus.onAny((topic) => any.push(String(topic)));
  bus.emit('tick', 1);
  off();
  bus.emit('tick', 2);
  bus.emit('other', 'x');
  assert.deepEqual(got, [1]);
  assert.deepEqual(any, ['tick', 'tick', 'other']);
  assert.equal(errors.length, 2);
});

test('client order ids are unique, prefixed, alphanumeric and within 32 characters', () => {
  let t = 1_700_000_000_000;
  const gen = new ClientIdGenerator(botOrderPrefix('bot-7f3a9c2e-11'), new Rng(1), () => t);
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    if (i % 100 === 0) t++;
    const id = gen.next();
    assert.ok(isValidClientOrderId(id), id);
    assert.ok(gen.owns(id));
    ids.add(id);
  }
  assert.equal(ids.size, 5000);
  assert.equal(botOrderPrefix('bot-7f3a9c2e-11'), 'mmbot7f3a9x');
  assert.throws(() => botOrderPrefix('---'), /no letters or digits/);
});
