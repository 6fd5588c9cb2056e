import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LiveClock, SimClock } from '@mm/core';
import { FakeControl, FakeTelegramServer, FakeWebhookServer, MemoryLogger, refusedApiBase, runSimUntil, sampleBot, settle, wellFormedHtml } from '../test-support/index.ts';
import type { BotIdentity, NotifyEvent } from './events.ts';
import { Notifier, type NotifierOptions } from './notifier.ts';
import { notificationSettingsSchema, type NotificationSettingsInput } from './settings.ts';

const CHAT = '4242';
const bot: BotIdentity = { id: 'b1', name: 'alpha-btc', venue: 'asterdex', symbol: 'BTCUSDT' };
const T0 = Date.UTC(2026, 0, 1, 12);

let fake: FakeTelegramServer;
before(async () => {
  fake = await FakeTelegramServer.start({ maxHoldMs: 200 });
});
after(() => fake.close());

function reset(): void {
  fake.sent.length = 0;
  fake.calls.length = 0;
}

function settingsFor(input: NotificationSettingsInput = {}) {
  return notificationSettingsSchema.parse({
    ...input,
    telegram: { enabled: true, botToken: fake.token, chatIds: [CHAT], apiBase: fake.apiBase, commands: false, ...input.telegram },
  });
}

function simNotifier(input: NotificationSettingsInput = {}, options: Partial<NotifierOptions> = {}) {
  const clock = new SimClock(T0);
  const logger = new MemoryLogger();
  const notifier = new Notifier({ clock, settings: settingsFor(input), logger, ...options });
  const run = (done: () => boolean) => runSimUntil(clock, done, () => notifier.status().telegram.inFlight === 0);
  return { clock, logger, notifier, run };
}

const fillAt = (i: number, who: BotIdentity = bot): NotifyEvent => ({
  kind: 'fill',
  bot: who,
  at: T0 + i,
  side: i % 3 === 0 ? 'sell' : 'buy',
  price: '65000.5',
  qty: '0.001',
  notional: '65.0005',
  fee: '0.013',
  feeAsset: 'USDT',
  liquidity: i % 10 === 0 ? 'taker' : 'maker',
  tag: i % 7 === 0 ? 'volume' : 'mm',
});

describe('notifier against a fake Telegram Bot API', () => {
  test('each event kind produces the right message, loud or silent as configured', async () => {
    reset();
    const { clock, notifier, run } = simNotifier({ events: { bot_started: 'on', fill_summary: 'silent' } });
    const cases: [NotifyEvent, RegExp, boolean][] = [
      [{ kind: 'bot_started', bot, at: T0 }, /▶️ <b>Started<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT/, false],
      [{ kind: 'bot_stopped', bot, at: T0, reason: 'by operator' }, /⏹ <b>Stopped<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nby operator/, false],
      [{ kind: 'bot_paused', bot, at: T0, reason: 'risk' }, /⏸ <b>Paused<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nrisk/, true],
      [{ kind: 'bot_resumed', bot, at: T0 }, /▶️ <b>Resumed<\/b> · <b>alpha-btc<\/b>/, true],
      [{ kind: 'bot_error', bot, at: T0, message: 'venue said 503' }, /❗ <b>Error<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nvenue said 503/, false],
      [
        { kind: 'risk_trip', bot, at: T0, rule: 'max_position', value: '1.2 BTC', limit: '1 BTC', action: 'reduce', message: 'position above limit' },
        /🛑 <b>Risk trip<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nRule: max_position\nValue 1\.2 BTC · limit 1 BTC\nAction: reduce\nposition above limit/,
        false,
      ],
      [{ kind: 'kill_switch', bot, at: T0, reason: 'kill switch from dashboard' }, /☠️ <b>Kill switch<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nkill switch from dashboard/, false],
      [{ kind: 'connection_lost', bot, at: T0, stream: 'market data', reason: 'ping timeout' }, /🔌 <b>Connection lost<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nStream: market data\nping timeout/, false],
      [{ kind: 'connection_restored', bot, at: T0, stream: 'market data', downForMs: 90_000 }, /✅ <b>Connection restored<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\nStream: market data after 2 min/, true],
    ];
    for (const [event, expected, silent] of cases) {
      const before = fake.sent.length;
      notifier.publish(event);
      await run(() => fake.sent.length === before + 1 && notifier.status().telegram.queued === 0 && notifier.status().telegram.inFlight === 0);
      const sent = fake.sent.at(-1)!;
      assert.match(sent.text, expected, event.kind);
      assert.equal(sent.silent, silent, `${event.kind} silent`);
      assert.equal(sent.chatId, CHAT);
      assert.equal(sent.parseMode, 'HTML');
      assert.ok(wellFormedHtml(sent.text));
    }
    // fills: one summary per interval
    for (let i = 0; i < 3; i++) notifier.publish(fillAt(i));
    const before = fake.sent.length;
    await clock.advance(300_000);
    await run(() => fake.sent.length === before + 1);
    assert.match(fake.sent.at(-1)!.text, /💱 <b>Fills<\/b> · <b>alpha-btc<\/b>\nasterdex · BTCUSDT\n3 fills in 5 min: 2 buy · 1 sell\n.*\nNotional 195\.00 · fees 0\.039 USDT\nMaker 2 · taker 1 · volume leg 1/);
    assert.equal(fake.sent.at(-1)!.silent, true);
    notifier.stop();
  });

  test('a burst of 1,000 fills produces a bounded number of messages', async () => {
    reset();
    const { clock, notifier, run } = simNotifier();
    const bots = [bot, { ...bot, id: 'b2', name: 'beta' }, { ...bot, id: 'b3', name: 'gamma' }];
    for (let i = 0; i < 1_000; i++) notifier.publish(fillAt(i, bots[i % 3]!));
    await settle(20);
    assert.equal(fake.callsOf('sendMessage').length, 0, 'no message per fill');
    await clock.advance(300_000);
    await run(() => notifier.status().telegram.queued === 0 && notifier.status().telegram.inFlight === 0 && fake.sent.length > 0);
    const messages = fake.callsOf('sendMessage').length;
    assert.ok(messages >= 1 && messages <= 3, `${messages} messages for 1,000 fills`);
    const text = fake.sent.map((m) => m.text).join('\n');
    const counts = [...text.matchAll(/(\d+) fills in 5 min/g)].map((m) => Number(m[1]));
    assert.deepEqual(counts.sort(), [333, 333, 334]);
    assert.equal(notifier.status().counters.published, 1_000);
    notifier.stop();
  });

  test('a 429 with retry_after is honoured end to end', async () => {
    reset();
    const clock = new SimClock(T0);
    const times: number[] = [];
    const notifier = new Notifier({
      clock,
      settings: settingsFor(),
      logger: new MemoryLogger(),
      fetch: (url, init) => {
        times.push(clock.now());
        return globalThis.fetch(url, init);
      },
    });
    fake.rateLimitNext(1, 12);
    notifier.publish({ kind: 'bot_error', bot, at: T0, message: 'boom' });
    await runSimUntil(clock, () => fake.sent.length === 1, () => notifier.status().telegram.inFlight === 0);
    assert.deepEqual(times.map((t) => t - T0), [0, 12_000]);
    assert.equal(notifier.status().telegram.rateLimited, 1);
    assert.match(fake.sent[0]!.text, /boom/);
    notifier.stop();
  });

  test('the daily summary arrives at the configured local hour', async () => {
    reset();
    const control = new FakeControl([sampleBot({ id: 'a', name: 'alpha' }), sampleBot({ id: 'b', name: 'beta', pnlToday: '-3' })]);
    const { clock, notifier, run } = simNotifier({ dailySummary: { enabled: true, hour: 18, timezone: 'Europe/Berlin' } }, { control });
    notifier.start();
    assert.equal(notifier.status().nextDailySummaryAt, Date.UTC(2026, 0, 1, 17));
    await clock.runUntil(Date.UTC(2026, 0, 1, 16, 59));
    await settle(20);
    assert.equal(fake.sent.length, 0);
    await clock.runUntil(Date.UTC(2026, 0, 1, 17));
    await run(() => fake.sent.length === 1);
    assert.match(fake.sent[0]!.text, /📊 Daily summary · 2026-01-01[\s\S]*alpha[\s\S]*beta[\s\S]*Total USDT: PnL \+9\.50/);
    assert.equal(fake.sent[0]!.silent, true);
    assert.equal(notifier.status().nextDailySummaryAt, Date.UTC(2026, 0, 2, 17));
    notifier.stop();
  });

  test('settings apply live: an event switched off is not sent, Telegram switched off drops its queue', async () => {
    reset();
    const { notifier, run } = simNotifier();
    const s = notifier.currentSettings;
    assert.ok(notifier.updateSettings({ ...s, events: { ...s.events, bot_error: 'off' } }).ok);
    notifier.publish({ kind: 'bot_error', bot, at: T0, message: 'hidden' });
    notifier.publish({ kind: 'kill_switch', bot, at: T0, reason: 'shown' });
    await run(() => fake.sent.length === 1 && notifier.status().telegram.inFlight === 0);
    assert.match(fake.sent[0]!.text, /shown/);
    assert.equal(notifier.status().counters.skipped, 1);
    const refused = notifier.updateSettings({ ...s, dailySummary: { ...s.dailySummary, hour: 99 } });
    assert.equal(refused.ok, false);
    assert.equal(notifier.currentSettings.dailySummary.hour, s.dailySummary.hour, 'invalid settings leave the old ones in place');
    notifier.updateSettings({ ...s, telegram: { ...s.telegram, enabled: false } });
    notifier.publish({ kind: 'kill_switch', bot, at: T0, reason: 'nobody hears this' });
    assert.equal(notifier.status().telegram.state, 'disabled');
    assert.equal(notifier.status().telegram.queued, 0);
    notifier.stop();
  });
});

describe('dashboard connection test', () => {
  test('ok with the bot username and a check of each chat', async () => {
    const { notifier } = simNotifier({ telegram: { chatIds: [CHAT, '-1009'] } });
    fake.knownChats.add(CHAT);
    try {
      const result = await notifier.testConnection();
      assert.ok(result.ok);
      assert.equal(result.botUsername, 'mm_test_bot');
      assert.deepEqual(result.chats[0], { chatId: CHAT, ok: true, title: 'Op', type: 'private' });
      assert.equal(result.chats[1]!.ok, false);
      assert.match(result.chats[1]!.error!, /chat not found.*send \/start to the bot/);
    } finally {
      fake.knownChats.clear();
      notifier.stop();
    }
  });

  test('a wrong token is a clear error (401 Unauthorized or 404 Not Found), never a crash', async () => {
    const { notifier } = simNotifier();
    const wrong = '555555:AAThisTokenWasRevokedLongAgoXXXXXXXX';
    const r401 = await notifier.testConnection({ botToken: wrong });
    assert.deepEqual(r401.ok ? undefined : r401.code, 'unauthorized');
    assert.match(r401.ok ? '' : r401.message, /Telegram rejected the bot token \(401 Unauthorized\)\. Copy the token again from @BotFather/);
    assert.ok(!(r401.ok ? '' : r401.message).includes(wrong));
    fake.wrongTokenStatus = 404;
    try {
      const r404 = await notifier.testConnection({ botToken: wrong });
      assert.match(r404.ok ? '' : r404.message, /rejected the bot token \(404 Not Found\)/);
    } finally {
      fake.wrongTokenStatus = 401;
    }
    const malformed = await notifier.testConnection({ botToken: 'not-a-token' });
    assert.deepEqual(malformed.ok ? undefined : malformed.code, 'invalid_token');
    const none = await notifier.testConnection({ botToken: '' });
    assert.deepEqual(none.ok ? undefined : none.code, 'not_configured');
    const unreachable = await notifier.testConnection({ apiBase: await refusedApiBase() });
    assert.deepEqual(unreachable.ok ? undefined : unreachable.code, 'unreachable');
    assert.match(unreachable.ok ? '' : unreachable.message, /Cannot reach the Telegram API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    // a masked token in the form means "the stored one"
    const masked = await notifier.testConnection({ botToken: `****${fake.token.slice(-4)}` });
    assert.ok(masked.ok);
    notifier.stop();
  });

  test('publishing with a wrong token shows auth_failed in the status and keeps going', async () => {
    reset();
    const { notifier } = simNotifier({ telegram: { botToken: '555555:AAThisTokenWasRevokedLongAgoXXXXXXXX' } });
    notifier.publish({ kind: 'bot_error', bot, at: T0, message: 'x' });
    await fake.waitFor(() => notifier.status().telegram.state === 'auth_failed');
    assert.match(notifier.status().telegram.lastError!.message, /BotFather/);
    for (let i = 0; i < 100; i++) notifier.publish({ kind: 'bot_error', bot, at: T0, message: `x${i}` });
    assert.equal(notifier.status().telegram.queued, 0);
    assert.equal(notifier.status().counters.internalErrors, 0);
    notifier.stop();
  });
});

describe('trading continues unaffected when Telegram is unreachable', () => {
  function burst(notifier: Notifier, n: number): { worstUs: number; medianUs: number; p99Us: number; totalMs: number } {
    const bots = Array.from({ length: 20 }, (_, i) => ({ ...bot, id: `bot${i}`, name: `bot-${i}` }));
    const durations: number[] = [];
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const who = bots[i % bots.length]!;
      const event: NotifyEvent =
        i % 2 === 0 ? fillAt(i, who) : i % 5 === 1 ? { kind: 'risk_trip', bot: who, at: T0, rule: 'max_drawdown', value: `${i}`, limit: '500', action: 'pause', message: `trip ${i}` } : { kind: 'bot_error', bot: who, at: T0, message: `error ${i}` };
      const t = process.hrtime.bigint();
      const returned = notifier.publish(event) as unknown;
      durations.push(Number(process.hrtime.bigint() - t) / 1_000);
      assert.equal(returned, undefined, 'publish returns nothing to await');
    }
    const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
    durations.sort((a, b) => a - b);
    return { worstUs: durations.at(-1)!, medianUs: durations[Math.floor(durations.length / 2)]!, p99Us: durations[Math.floor(durations.length * 0.99)]!, totalMs };
  }

  async function scenario(t: { diagnostic(message: string): void }, label: string, apiBase: string, prepare: () => void, cleanup: () => void): Promise<void> {
    const hook = await FakeWebhookServer.start();
    hook.hang = true;
    prepare();
    const logger = new MemoryLogger();
    const chats = ['1', '2', '3'];
    const settings = notificationSettingsSchema.parse({
      telegram: { enabled: true, botToken: fake.token, chatIds: chats, apiBase, commands: true },
      webhook: { enabled: true, url: hook.url },
      fillSummaryIntervalMs: 10_000,
    });
    const notifier = new Notifier({ clock: new LiveClock(), settings, logger, control: new FakeControl([]), telegramLimits: { requestTimeoutMs: 60_000 } });
    notifier.start();
    try {
      await settle(50); // let the first requests go out and hang (or be refused)
      const heapBefore = process.memoryUsage().heapUsed;
      const timing = burst(notifier, 10_000);
      const status = notifier.status();
      const limits = { perChat: 100, webhook: 200 };
      assert.ok(status.telegram.queued <= chats.length * limits.perChat, `telegram queue ${status.telegram.queued}`);
      assert.ok(status.telegram.inFlight <= chats.length);
      assert.ok(status.webhook.queued <= limits.webhook, `webhook queue ${status.webhook.queued}`);
      assert.ok(status.telegram.dropped > 0, 'overflow is counted');
      assert.ok(status.pendingFillSummaries <= 20);
      assert.equal(status.counters.internalErrors, 0);
      assert.equal(status.counters.published, 10_000);
      // a second burst finds the same bounds: memory does not grow with the number of events
      burst(notifier, 10_000);
      const again = notifier.status();
      assert.ok(again.telegram.queued <= chats.length * limits.perChat && again.webhook.queued <= limits.webhook);
      assert.equal(again.counters.internalErrors, 0);
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      t.diagnostic(
        `${label}: first 10,000 publishes in ${timing.totalMs.toFixed(1)} ms; per call median ${timing.medianUs.toFixed(1)} µs, p99 ${timing.p99Us.toFixed(1)} µs, worst ${timing.worstUs.toFixed(0)} µs (GC, CPU contention); ` +
          `queues: telegram ${status.telegram.queued} (+${status.telegram.inFlight} in flight), webhook ${status.webhook.queued}; ` +
          `dropped ${status.telegram.dropped}; heap +${heapGrowthMb.toFixed(1)} MB after 20,000 (before GC)`,
      );
    } finally {
      notifier.stop();
      cleanup();
      await hook.close();
    }
  }

  test('while the fake server hangs: publish stays synchronous, never throws, memory bounded by the queue limits', async (t) => {
    await scenario(
      t,
      'hanging',
      fake.apiBase,
      () => (fake.hangAll = true),
      () => (fake.hangAll = false),
    );
  });

  test('while connections are refused: same, and the senders back off instead of spinning', async (t) => {
    const refused = await refusedApiBase();
    await scenario(
      t,
      'refused',
      refused,
      () => {},
      () => {},
    );
  });

  test('invalid events are counted and ignored, never thrown', () => {
    const { notifier } = simNotifier();
    const junk = [null, undefined, 42, {}, { kind: 'fill' }, { kind: 'nope', bot, at: 1 }, { kind: 'bot_error', bot: { id: 1 }, at: 1 }, { kind: 'bot_error', bot, at: 1, message: 42 }];
    for (const event of junk) assert.doesNotThrow(() => notifier.publish(event as unknown as NotifyEvent));
    const counters = notifier.status().counters;
    assert.equal(counters.invalid + counters.internalErrors, junk.length);
    notifier.stop();
  });
});
