import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatQueue, type OutgoingMessage } from './chat-queue.ts';
import { RateWindow } from './rate-window.ts';

const msg = (html: string, priority: 0 | 1 | 2 = 1, silent = false): OutgoingMessage => ({ html, priority, silent });

describe('chat queue', () => {
  test('merges queued messages into one Telegram message up to 4096 characters', () => {
    const q = new ChatQueue(1_000);
    for (let i = 0; i < 100; i++) q.push(msg(`alert ${i} ${'x'.repeat(90)}`));
    const batches = [];
    for (let b = q.takeBatch(); b !== undefined; b = q.takeBatch()) batches.push(b);
    assert.equal(batches.reduce((n, b) => n + b.messages.length, 0), 100);
    assert.ok(batches.length <= 3, `${batches.length} batches`);
    for (const b of batches) assert.ok(b.html.length <= 4096, String(b.html.length));
    // order is kept
    assert.ok(batches[0]!.html.startsWith('alert 0 '));
  });

  test('a merge is silent only if every part is', () => {
    const q = new ChatQueue(10);
    q.push(msg('a', 0, true));
    q.push(msg('b', 2, false));
    assert.equal(q.takeBatch()!.silent, false);
    q.push(msg('c', 0, true));
    assert.equal(q.takeBatch()!.silent, true);
  });

  test('overflow drops the oldest lowest-priority message and the next batch says how many went', () => {
    const q = new ChatQueue(3);
    q.push(msg('fills 1', 0));
    q.push(msg('RISK', 2));
    q.push(msg('fills 2', 0));
    q.push(msg('ERROR', 2)); // drops "fills 1"
    q.push(msg('stopped', 1)); // drops "fills 2"
    q.push(msg('fills 3', 0)); // everything queued matters more: the newcomer goes
    assert.equal(q.size, 3);
    assert.equal(q.dropped, 3);
    const batch = q.takeBatch()!;
    assert.match(batch.html, /^⚠️ 3 older alerts were dropped/);
    assert.ok(batch.html.includes('RISK') && batch.html.includes('ERROR') && batch.html.includes('stopped'));
    assert.ok(!batch.html.includes('fills'));
    q.delivered(batch);
    q.push(msg('next'));
    assert.equal(q.takeBatch()!.html, 'next');
  });

  test('a batch put back for retry keeps its place and its note', () => {
    const q = new ChatQueue(5);
    q.push(msg('one'));
    q.push(msg('two'));
    const batch = q.takeBatch()!;
    q.push(msg('three'));
    q.putBack(batch);
    assert.equal(q.takeBatch()!.html, 'one\n\ntwo\n\nthree');
  });
});

describe('rate window', () => {
  test('allows N sends per window and says when the next fits', () => {
    const w = new RateWindow(20, 60_000);
    for (let i = 0; i < 20; i++) {
      assert.equal(w.nextFree(i * 100), i * 100);
      w.record(i * 100);
    }
    assert.equal(w.nextFree(2_000), 60_000);
    w.record(60_000);
    assert.equal(w.nextFree(60_000), 60_100);
  });
});
