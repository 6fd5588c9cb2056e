import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SimClock } from '@mm/core';
import { FakeTelegramServer, MemoryLogger, refusedApiBase, runSimUntil, settle } from '../test-support/index.ts';
import type { OutgoingMessage } from './chat-queue.ts';
import type { FetchLike } from './telegram-api.ts';
import { TelegramSender, type TelegramLimits } from './telegram-sender.ts';

const msg = (html: string, silent = false, priority: 0 | 1 | 2 = 1): OutgoingMessage => ({ html, silent, priority });

let fake: FakeTelegramServer;
before(async () => {
  fake = await FakeTelegramServer.start();
});
after(() => fake.close());

interface Rig {
  readonly clock: SimClock;
  readonly sender: TelegramSender;
  readonly logger: MemoryLogger;
  /** Simulated time of every request the sender made. */
  readonly requestTimes: number[];
  readonly requests: { chatId: string; at: number }[];
  readonly calls: () => number;
  run(done: () => boolean, maxTime?: number): Promise<void>;
}

function rig(limits: Partial<TelegramLimits> = {}): Rig {
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const requestTimes: number[] = [];
  const requests: { chatId: string; at: number }[] = [];
  const fetch: FetchLike = (url, init) => {
    requestTimes.push(clock.now());
    requests.push({ chatId: String((JSON.parse(init.body) as { chat_id: unknown }).chat_id), at: clock.now() });
    return globalThis.fetch(url, init);
  };
  const logger = new MemoryLogger();
  const sender = new TelegramSender({ clock, logger, fetch, limits });
  return {
    clock,
    sender,
    logger,
    requestTimes,
    requests,
    calls: () => requestTimes.length,
    run: (done, maxTime) => runSimUntil(clock, done, () => sender.status().inFlight === 0, maxTime === undefined ? {} : { maxTime }),
  };
}

function reset(): void {
  fake.sent.length = 0;
  fake.calls.length = 0;
}

describe('telegram sender', () => {
  test('sends HTML to each chat, silent as disable_notification, and merges what queued meanwhile', async () => {
    reset();
    const r = rig();
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
    r.sender.enqueue('42', msg('<b>first</b>', true));
    r.sender.enqueue('42', msg('second', false));
    r.sender.enqueue('42', msg('third', true));
    await r.run(() => r.sender.idle && fake.sent.length === 2);
    assert.equal(fake.sent[0]!.text, '<b>first</b>');
    assert.equal(fake.sent[0]!.parseMode, 'HTML');
    assert.equal(fake.sent[0]!.silent, true);
    // the two that waited behind the first leave as one message, loud because one part is
    assert.equal(fake.sent[1]!.text, 'second\n\nthird');
    assert.equal(fake.sent[1]!.silent, false);
    assert.equal(r.requestTimes[1]! - r.requestTimes[0]!, 1_000);
    const status = r.sender.status();
    assert.equal(status.sent, 2);
    assert.equal(status.delivered, 3);
    assert.equal(status.state, 'ok');
    r.sender.stop();
  });

  test('a 429 with retry_after holds that chat for exactly retry_after, then the same message goes', async () => {
    reset();
    const r = rig();
    fake.rateLimitNext(1, 7);
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
    r.sender.enqueue('42', msg('risk trip'));
    await fake.waitFor(() => r.sender.status().rateLimited === 1 && r.sender.status().inFlight === 0);
    assert.equal(fake.sent.length, 0);
    assert.match(r.sender.status().lastError!.message, /429.*7 s/);
    await r.clock.advance(6_999);
    await settle(30);
    assert.equal(r.calls(), 1, 'nothing may be sent before retry_after has passed');
    await r.run(() => fake.sent.length === 1);
    assert.equal(r.requestTimes[1]! - r.requestTimes[0]!, 7_000);
    assert.equal(fake.sent[0]!.text, 'risk trip');
    r.sender.stop();
  });

  test("keeps Telegram's limits: 1/s per chat, 20/min per group, 30/s overall", async () => {
    reset();
    const r = rig({ queuePerChat: 1_000 });
    const privateChats = Array.from({ length: 39 }, (_, i) => String(1_000 + i));
    const group = '-1001234567890';
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: [...privateChats, group] });
    const long = 'x'.repeat(3_000); // too long to merge: one Telegram message each
    for (let i = 0; i < 25; i++) r.sender.enqueue(group, msg(`${i} ${long}`));
    for (const chat of privateChats) for (let i = 0; i < 3; i++) r.sender.enqueue(chat, msg(`${i} ${long}`));
    const total = 25 + privateChats.length * 3;
    await r.run(() => fake.sent.length === total && r.sender.idle);
    const times = (chat: string) => r.requests.filter((q) => q.chatId === chat).map((q) => q.at);
    for (const chat of [...privateChats, group]) {
      const t = times(chat);
      for (let i = 1; i < t.length; i++) assert.ok(t[i]! - t[i - 1]! >= 1_000, `chat ${chat}: ${t[i - 1]} → ${t[i]}`);
    }
    const g = times(group);
    for (let i = 20; i < g.length; i++) assert.ok(g[i]! - g[i - 20]! >= 60_000, `group: 21 messages within a minute`);
    const all = [...r.requestTimes].sort((a, b) => a - b);
    for (let i = 30; i < all.length; i++) assert.ok(all[i]! - all[i - 30]! >= 1_000, 'more than 30 messages within a second');
    r.sender.stop();
  });

  test('a wrong token stops sending with a clear error, drops the queue, and recovers when the token is fixed', async () => {
    reset();
    const r = rig();
    const wrong = '987654321:AAWrongTokenWrongTokenWrongTokenXYZ';
    r.sender.configure({ apiBase: fake.apiBase, token: wrong, chatIds: ['42'] });
    r.sender.enqueue('42', msg('one'));
    r.sender.enqueue('42', msg('two'));
    await fake.waitFor(() => r.sender.status().state === 'auth_failed');
    const status = r.sender.status();
    assert.match(status.lastError!.message, /rejected the bot token \(401 Unauthorized\).*BotFather/);
    assert.ok(!status.lastError!.message.includes(wrong), 'the token never appears in an error');
    assert.ok(!r.logger.text().includes(wrong), 'the token never appears in a log');
    assert.equal(status.queued, 0);
    r.sender.enqueue('42', msg('three'));
    assert.equal(r.sender.status().queued, 0, 'nothing piles up while the token is rejected');
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
    r.sender.enqueue('42', msg('four'));
    await r.run(() => fake.sent.length === 1);
    assert.equal(fake.sent[0]!.text, 'four');
    r.sender.stop();
  });

  test('an unreachable API backs off (1 s, 2 s, 4 s…) keeping the message, and delivers once it is back', async () => {
    reset();
    const r = rig();
    const refused = await refusedApiBase();
    r.sender.configure({ apiBase: refused, token: fake.token, chatIds: ['42'] });
    r.sender.enqueue('42', msg('connection lost'));
    await r.run(() => r.calls() >= 4, Date.UTC(2026, 0, 1, 1));
    assert.deepEqual(r.requestTimes.slice(1, 4).map((t, i) => t - r.requestTimes[i]!), [1_000, 2_000, 4_000]);
    const status = r.sender.status();
    assert.equal(status.state, 'retrying');
    assert.equal(status.queued + status.inFlight, 1);
    assert.match(status.lastError!.message, /Cannot reach the Telegram API at http:\/\/127\.0\.0\.1:\d+/);
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
    await r.run(() => fake.sent.length === 1);
    assert.equal(fake.sent[0]!.text, 'connection lost');
    r.sender.stop();
  });

  test('a hung request times out and is retried; nothing else waits for it', async () => {
    reset();
    const r = rig({ requestTimeoutMs: 5_000 });
    fake.hanging.add('sendMessage');
    try {
      r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
      r.sender.enqueue('42', msg('hello'));
      await fake.waitFor(() => fake.calls.length === 1);
      await r.clock.advance(5_000);
      await fake.waitFor(() => r.sender.status().inFlight === 0);
      assert.match(r.sender.status().lastError!.message, /did not answer/);
      assert.equal(r.sender.status().queued, 1);
    } finally {
      fake.hanging.delete('sendMessage');
    }
    await r.run(() => fake.sent.length === 1);
    r.sender.stop();
  });

  test('"chat not found" is final for that message; bad markup falls back to plain text', async () => {
    reset();
    const r = rig();
    fake.failNext('sendMessage', 1, 400, 'Bad Request: chat not found');
    r.sender.configure({ apiBase: fake.apiBase, token: fake.token, chatIds: ['42'] });
    r.sender.enqueue('42', msg('lost'));
    await fake.waitFor(() => r.sender.status().failed === 1);
    assert.match(r.sender.status().lastError!.message, /chat not found.*send \/start/);
    fake.failNext('sendMessage', 1, 400, "Bad Request: can't parse entities: unexpected end tag");
    r.sender.enqueue('42', msg('<b>bold</b> & co'));
    await r.run(() => fake.sent.length === 1);
    assert.equal(fake.sent[0]!.text, 'bold &amp; co');
    r.sender.stop();
  });
});
