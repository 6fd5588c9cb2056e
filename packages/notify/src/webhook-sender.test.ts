import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LiveClock, SimClock } from '@mm/core';
import { FakeWebhookServer, MemoryLogger, runSimUntil, settle } from '../test-support/index.ts';
import type { BotIdentity } from './events.ts';
import { Notifier } from './notifier.ts';
import { notificationSettingsSchema } from './settings.ts';
import type { FetchLike } from './telegram-api.ts';
import { signWebhook, WebhookSender, type WebhookEnvelope } from './webhook-sender.ts';

const bot: BotIdentity = { id: 'b1', name: 'alpha', venue: 'asterdex', symbol: 'BTCUSDT' };

function envelope(id: string, kind = 'risk_trip'): WebhookEnvelope {
  return { version: 1, id, kind, silent: false, at: 1, bot, title: 'Risk trip', text: `Risk trip · alpha ${id}`, data: { rule: 'max_drawdown' } };
}

let hook: FakeWebhookServer;
before(async () => {
  hook = await FakeWebhookServer.start();
});
after(() => hook.close());

function reset(): void {
  hook.requests.length = 0;
  hook.accepted.length = 0;
}

function simRig() {
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const times: number[] = [];
  const fetch: FetchLike = (url, init) => {
    times.push(clock.now());
    return globalThis.fetch(url, init);
  };
  const sender = new WebhookSender({ clock, logger: new MemoryLogger(), fetch, limits: { timeoutMs: 3_000 } });
  const run = (done: () => boolean) => runSimUntil(clock, done, () => sender.status().inFlight === 0);
  return { clock, sender, times, run };
}

describe('webhook notifier', () => {
  test('POSTs the JSON envelope signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
    reset();
    const { sender, run } = simRig();
    sender.configure({ url: hook.url, secret: 'shared-secret', format: 'json' });
    sender.enqueue(envelope('e1'), 2);
    await run(() => hook.accepted.length === 1);
    const got = hook.accepted[0]!;
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-mm-event'], 'risk_trip');
    assert.equal(got.headers['x-mm-delivery'], 'e1');
    const timestamp = String(got.headers['x-mm-timestamp']);
    assert.equal(got.headers['x-mm-signature'], signWebhook('shared-secret', timestamp, got.raw));
    assert.deepEqual(got.json, envelope('e1'));
    sender.stop();
  });

  test('slack and discord formats; a silent alert uses Discord\'s silent flag', async () => {
    reset();
    const { sender, run } = simRig();
    sender.configure({ url: hook.url, secret: '', format: 'slack' });
    sender.enqueue(envelope('s1'), 1);
    await run(() => hook.accepted.length === 1 && sender.idle);
    assert.deepEqual(hook.accepted[0]!.json, { text: 'Risk trip · alpha s1' });
    assert.equal(hook.accepted[0]!.headers['x-mm-signature'], undefined);
    sender.configure({ url: hook.url, secret: '', format: 'discord' });
    sender.enqueue({ ...envelope('d1'), silent: true }, 1);
    await run(() => hook.accepted.length === 2);
    assert.deepEqual(hook.accepted[1]!.json, { content: 'Risk trip · alpha d1', flags: 4096 });
    sender.stop();
  });

  test('retries 5xx with back-off, honours a 429 Retry-After, keeps order, and gives up on a 4xx', async () => {
    reset();
    const { sender, times, run } = simRig();
    hook.respondNext(2, 503);
    hook.respondNext(1, 429, { 'retry-after': '9' });
    sender.configure({ url: hook.url, secret: '', format: 'json' });
    sender.enqueue(envelope('first'), 2);
    sender.enqueue(envelope('second'), 2);
    await run(() => hook.accepted.length === 2);
    assert.deepEqual(hook.requests.map((r) => r.json['id']), ['first', 'first', 'first', 'first', 'second']);
    assert.deepEqual(times.slice(1, 4).map((t, i) => t - times[i]!), [1_000, 2_000, 9_000]);
    hook.respondNext(1, 400);
    sender.enqueue(envelope('refused'), 2);
    await run(() => sender.status().failed === 1 && sender.idle);
    assert.equal(hook.requests.filter((r) => r.json['id'] === 'refused').length, 1, 'a 400 is not retried');
    assert.match(sender.status().lastError!.message, /Webhook to 127\.0\.0\.1:\d+: HTTP 400/);
    sender.stop();
  });

  test('a hanging endpoint times out; the URL (which may hold a token) never appears in errors', async () => {
    reset();
    const { clock, sender } = simRig();
    hook.hang = true;
    try {
      sender.configure({ url: hook.url, secret: '', format: 'json' });
      sender.enqueue(envelope('h1'), 2);
      await hook.waitFor(() => hook.requests.length === 1);
      await clock.advance(3_000);
      await hook.waitFor(() => sender.status().inFlight === 0);
      const status = sender.status();
      assert.equal(status.state, 'retrying');
      assert.match(status.lastError!.message, /no answer within 3 s/);
      assert.ok(!status.lastError!.message.includes('SECRETPATHTOKEN'));
    } finally {
      hook.hang = false;
      sender.stop();
    }
  });

  test('uses the same event settings as Telegram: off is not sent, silent is flagged', async () => {
    reset();
    const settings = notificationSettingsSchema.parse({
      webhook: { enabled: true, url: hook.url },
      events: { bot_started: 'off', bot_paused: 'silent', risk_trip: 'on' },
    });
    const notifier = new Notifier({ clock: new LiveClock(), settings, logger: new MemoryLogger() });
    try {
      notifier.publish({ kind: 'bot_started', bot, at: 1 });
      notifier.publish({ kind: 'bot_paused', bot, at: 2, reason: 'window closed' });
      notifier.publish({ kind: 'risk_trip', bot, at: 3, rule: 'max_drawdown', value: '520', limit: '500', action: 'pause', message: 'drawdown' });
      await hook.waitFor(() => hook.accepted.length === 2);
      await settle(30);
      assert.deepEqual(hook.accepted.map((h) => [h.json['kind'], h.json['silent']]), [['bot_paused', true], ['risk_trip', false]]);
      const risk = hook.accepted[1]!.json;
      assert.deepEqual(risk['bot'], bot);
      assert.deepEqual(risk['data'], { rule: 'max_drawdown', value: '520', limit: '500', action: 'pause', message: 'drawdown' });
      assert.match(String(risk['text']), /Risk trip · alpha\nasterdex · BTCUSDT\nRule: max_drawdown/);
      assert.equal(notifier.status().counters.skipped, 1);
    } finally {
      notifier.stop();
    }
  });
});
