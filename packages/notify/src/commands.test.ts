import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LiveClock, SimClock } from '@mm/core';
import { FakeControl, FakeTelegramServer, MemoryAudit, MemoryLogger, sampleBot, wellFormedHtml } from '../test-support/index.ts';
import { resolveBotRef } from './bot-ref.ts';
import { CommandHandler, parseCommand } from './commands.ts';
import { Notifier } from './notifier.ts';
import { notificationSettingsSchema } from './settings.ts';

const ALLOWED = '111';
const GROUP = '-1001234567890';
const STRANGER = '666';

function bots() {
  return [
    sampleBot({ id: 'a1b2c3', name: 'alpha-btc' }),
    sampleBot({ id: 'a1ff00', name: 'alpha-eth', symbol: 'ETHUSDT', baseAsset: 'ETH', state: 'PAUSED' }),
    sampleBot({ id: 'zz9900', name: 'gamma', venue: 'bitmart', symbol: 'GAMUSDT', tradingState: 'HALTED' }),
  ];
}

function handlerRig(clock = new SimClock(Date.UTC(2026, 0, 1))) {
  const control = new FakeControl(bots());
  const audit = new MemoryAudit();
  const logger = new MemoryLogger();
  const handler = new CommandHandler({ clock, control, audit, logger, allowedChats: () => [ALLOWED, GROUP], botUsername: () => 'mm_test_bot' });
  const say = (text: string, chatId = ALLOWED, sentAt?: number) => handler.handle({ chatId, text, userId: '7', username: 'op', ...(sentAt === undefined ? {} : { sentAt }) });
  return { clock, control, audit, logger, handler, say };
}

describe('command parsing and bot references', () => {
  test('parses /cmd@bot args', () => {
    assert.deepEqual(parseCommand('/Pause@mm_test_bot  alpha '), { command: 'pause', args: 'alpha', addressee: 'mm_test_bot' });
    assert.deepEqual(parseCommand('/status'), { command: 'status', args: '', addressee: undefined });
    assert.equal(parseCommand('hello'), undefined);
  });

  test('a bot is named by id, name (any case), or a unique prefix; ambiguity is an error', () => {
    const list = bots();
    const name = (ref: string) => {
      const r = resolveBotRef(list, ref);
      return r.ok ? r.value.name : `${r.error.code}: ${r.error.message}`;
    };
    assert.equal(name('gamma'), 'gamma');
    assert.equal(name('GAMMA'), 'gamma');
    assert.equal(name('zz'), 'gamma');
    assert.equal(name('alpha-e'), 'alpha-eth');
    assert.equal(name('a1b'), 'alpha-btc');
    assert.match(name('alpha'), /^CONFLICT: "alpha" matches 2 bots \(alpha-btc, alpha-eth\)/);
    assert.match(name('a1'), /^CONFLICT/);
    assert.match(name('delta'), /^NOT_FOUND: no bot named "delta" \(bots: alpha-btc, alpha-eth, gamma\)/);
  });
});

describe('command handler', () => {
  test('/pause, /resume, /stop, /cancelall act on the named bot and are audit-logged', async () => {
    const { control, audit, say } = handlerRig();
    const replies = [...(await say('/pause alpha-btc')), ...(await say('/resume alpha-e')), ...(await say('/cancelall gamma')), ...(await say('/stop zz'))];
    assert.deepEqual(
      control.calls.map((c) => `${c.action} ${c.botId}`),
      ['pause a1b2c3', 'resume a1ff00', 'cancelAll zz9900', 'stop zz9900'],
    );
    assert.equal(control.bot('a1b2c3')!.state, 'PAUSED');
    assert.equal(control.bot('zz9900')!.state, 'STOPPED');
    assert.match(replies[0]!, /⏸ Paused <b>alpha-btc<\/b> · asterdex BTCUSDT/);
    assert.match(replies[2]!, /10 orders cancelled/);
    for (const r of replies) assert.ok(wellFormedHtml(r), r);
    assert.deepEqual(audit.actions(), ['telegram.pause', 'telegram.resume', 'telegram.cancelall', 'telegram.stop']);
    const entry = audit.entries[0]!;
    assert.equal(entry.actor, `telegram:${ALLOWED}`);
    assert.equal(entry.details['outcome'], 'ok');
    assert.equal(entry.details['username'], 'op');
    assert.deepEqual(entry.details['bot'], { id: 'a1b2c3', name: 'alpha-btc', venue: 'asterdex', symbol: 'BTCUSDT' });
  });

  test('unknown, ambiguous and refused actions answer with the reason and are audit-logged as errors', async () => {
    const { control, audit, say } = handlerRig();
    assert.match((await say('/pause alpha'))[0]!, /❌ <code>\/pause<\/code>: "alpha" matches 2 bots/);
    assert.match((await say('/stop delta'))[0]!, /no bot named "delta"/);
    assert.match((await say('/pause alpha-eth'))[0]!, /alpha-eth is PAUSED/);
    assert.match((await say('/pause'))[0]!, /Usage: <code>\/pause &lt;bot&gt;<\/code>/);
    assert.match((await say('/frobnicate'))[0]!, /Unknown command/);
    assert.equal(control.calls.length, 0);
    assert.deepEqual(
      audit.entries.map((e) => `${e.action}:${String(e.details['outcome'])}`),
      ['telegram.pause:error', 'telegram.stop:error', 'telegram.pause:error', 'telegram.pause:usage', 'telegram.unknown_command:unknown'],
    );
  });

  test('/kill needs "/kill CONFIRM" from the same chat within 60 s', async () => {
    const { clock, control, audit, say } = handlerRig();
    assert.match((await say('/kill CONFIRM'))[0]!, /No kill switch is waiting/);
    assert.match((await say('/kill market went crazy'))[0]!, /stops <b>every bot<\/b>.*\n.*\/kill CONFIRM<\/code> within 60 s/);
    assert.equal(control.calls.length, 0, 'the request alone does nothing');
    assert.match((await say('/kill CONFIRM', GROUP))[0]!, /No kill switch is waiting/, 'another chat cannot confirm');
    await clock.advance(59_000);
    assert.match((await say('/kill confirm'))[0]!, /Kill switch engaged<\/b>: 3 bots stopped/);
    assert.equal(control.calls.length, 1);
    assert.match(control.calls[0]!.arg, /Telegram kill switch by telegram:111 \(@op\): market went crazy/);
    assert.ok(control.bots.every((b) => b.state === 'STOPPED'));
    // expired
    await say('/kill');
    await clock.advance(61_000);
    assert.match((await say('/kill CONFIRM'))[0]!, /expired/);
    assert.equal(control.calls.length, 1);
    assert.deepEqual(
      audit.entries.map((e) => `${e.action}:${String(e.details['outcome'])}`),
      ['telegram.kill_confirm:no_request', 'telegram.kill_request:awaiting_confirmation', 'telegram.kill_confirm:no_request', 'telegram.kill_confirm:ok', 'telegram.kill_request:awaiting_confirmation', 'telegram.kill_confirm:expired'],
    );
  });

  test('/status, /bots, /pnl, /volume are compact tables that fit a phone', async () => {
    const { audit, say } = handlerRig();
    const status = (await say('/status'))[0]!;
    assert.match(status, /Bots: 3 \(2 running · 1 paused\)/);
    assert.match(status, /Risk: gamma HALTED/);
    assert.match(status, /PnL today: \+37\.50 USDT/);
    assert.match(status, /Volume: 361\.5k \/ 600k \(60%\) USDT/);
    const [botsHtml] = await say('/bots');
    assert.match(botsHtml!, /<pre>alpha-btc RUN   ACTIVE\n  asterdex BTCUSDT · 10 orders\nalpha-eth PAUSE ACTIVE/);
    const [pnl] = await say('/pnl');
    assert.match(pnl!, /<pre>BOT          PNL FEES\nalpha-btc \+12\.50 1\.20\n/);
    assert.match(pnl!, /Total USDT: \+37\.50 · fees 3\.60/);
    const [volume] = await say('/volume');
    assert.match(volume!, /BOT          VOL TARGET  %\nalpha-btc 120\.5k   200k 60/);
    for (const html of [status, botsHtml!, pnl!, volume!]) {
      assert.ok(wellFormedHtml(html), html);
      const pre = /<pre>([\s\S]*)<\/pre>/.exec(html)?.[1] ?? '';
      for (const line of pre.split('\n')) assert.ok(line.length <= 34, `too wide for a phone: "${line}"`);
    }
    assert.deepEqual(audit.actions(), ['telegram.status', 'telegram.bots', 'telegram.pnl', 'telegram.volume']);
  });

  test('another chat gets no answer and nothing happens, but it is logged and audited', async () => {
    const { control, audit, logger, say } = handlerRig();
    assert.deepEqual(await say('/kill', STRANGER), []);
    assert.deepEqual(await say('/stop gamma', STRANGER), []);
    assert.deepEqual(await say('hi there', STRANGER), []);
    assert.equal(control.calls.length, 0);
    assert.deepEqual(audit.actions(), ['telegram.rejected_chat', 'telegram.rejected_chat']);
    assert.equal(audit.entries[0]!.actor, `telegram:${STRANGER}`);
    assert.equal(logger.entries.filter((e) => e.level === 'warn' && e.message.includes(`chat ${STRANGER}`)).length, 3);
  });

  test('commands for another bot in a group, and stale commands, are not executed', async () => {
    const { clock, control, say } = handlerRig();
    assert.deepEqual(await say('/stop@other_bot gamma', GROUP), []);
    const stale = await say('/stop gamma', ALLOWED, clock.now() - 10 * 60_000);
    assert.match(stale[0]!, /sent 10 min ago/);
    assert.equal(control.calls.length, 0);
    await say('/stop@MM_test_bot gamma', GROUP);
    assert.equal(control.calls.length, 1);
  });

  test('a failing audit sink or control port never breaks the handler', async () => {
    const clock = new SimClock(Date.UTC(2026, 0, 1));
    const logger = new MemoryLogger();
    const handler = new CommandHandler({
      clock,
      logger,
      control: { ...new FakeControl(bots()), listBots: () => Promise.reject(new Error('database down')), pause: () => new Promise(() => {}), resume: () => Promise.reject(new Error('x')), stop: () => Promise.reject(new Error('x')), cancelAll: () => Promise.reject(new Error('x')), killAll: () => Promise.reject(new Error('x')) },
      audit: { record: () => Promise.reject(new Error('audit disk full')) },
      allowedChats: () => [ALLOWED],
      botUsername: () => undefined,
      controlTimeoutMs: 5_000,
    });
    assert.match((await handler.handle({ chatId: ALLOWED, text: '/status' }))[0]!, /database down/);
    const pending = handler.handle({ chatId: ALLOWED, text: '/pause gamma' });
    await clock.advance(5_000);
    assert.match((await pending)[0]!, /no answer from the server within 5 s/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(logger.entries.some((e) => e.message.includes('audit entry')));
  });
});

describe('commands over the Telegram Bot API (fake server)', () => {
  let fake: FakeTelegramServer;
  before(async () => {
    fake = await FakeTelegramServer.start({ maxHoldMs: 300 });
  });
  after(() => fake.close());

  test('allowed chats act on bots and get answers; other chats do nothing; offsets advance', async () => {
    const control = new FakeControl(bots());
    const audit = new MemoryAudit();
    const logger = new MemoryLogger();
    const settings = notificationSettingsSchema.parse({ telegram: { enabled: true, botToken: fake.token, chatIds: [ALLOWED], apiBase: fake.apiBase } });
    const notifier = new Notifier({ clock: new LiveClock(), settings, control, audit, logger, telegramLimits: { perChatIntervalMs: 10 }, commands: { pollTimeoutSec: 1 } });
    notifier.start();
    try {
      await fake.waitFor(() => fake.callsOf('getUpdates').length >= 1);
      fake.pushMessage(STRANGER, '/stop gamma');
      fake.pushMessage(ALLOWED, '/pause alpha-btc');
      fake.pushMessage(ALLOWED, '/bots');
      await fake.waitFor(() => fake.sent.map((m) => m.text).join('\n').includes('Bots (3)'));
      assert.deepEqual(control.calls.map((c) => `${c.action} ${c.botId}`), ['pause a1b2c3']);
      const toAllowed = fake.sentTo(ALLOWED).map((m) => m.text).join('\n');
      assert.match(toAllowed, /Paused <b>alpha-btc<\/b>/);
      assert.match(toAllowed, /alpha-btc PAUSE/);
      assert.equal(fake.sentTo(STRANGER).length, 0, 'a stranger gets no answer');
      assert.deepEqual(audit.actions(), ['telegram.rejected_chat', 'telegram.pause', 'telegram.bots']);
      assert.ok(logger.entries.some((e) => e.level === 'warn' && e.message.includes(`chat ${STRANGER}`)));
      // every update is confirmed exactly once: the next poll asks past the last one
      await fake.waitFor(() => notifier.status().commands.offset === 1003);
      await fake.waitFor(() => fake.offsets.includes(1003));
      assert.equal(notifier.status().commands.botUsername, 'mm_test_bot');
      assert.equal(notifier.status().commands.state, 'polling');
    } finally {
      notifier.stop();
    }
  });

  test('getUpdates errors back off and polling resumes; a wrong token stops polling with a clear error', async () => {
    fake.failNext('getUpdates', 2, 502, 'Bad Gateway');
    const settings = notificationSettingsSchema.parse({ telegram: { enabled: true, botToken: fake.token, chatIds: [ALLOWED], apiBase: fake.apiBase } });
    const logger = new MemoryLogger();
    const notifier = new Notifier({ clock: new LiveClock(), settings, control: new FakeControl(bots()), logger, commands: { pollTimeoutSec: 1, retryBaseMs: 20, retryMaxMs: 100 } });
    notifier.start();
    try {
      const before = fake.callsOf('getUpdates').length;
      await fake.waitFor(() => fake.callsOf('getUpdates').length >= before + 3);
      await fake.waitFor(() => notifier.status().commands.state === 'polling');
      assert.match(notifier.status().commands.lastError!.message, /502 Bad Gateway/);
      const wrong = notificationSettingsSchema.parse({ telegram: { ...settings.telegram, botToken: '999999:AAWrongTokenWrongTokenWrongTokenXYZ' } });
      assert.ok(notifier.updateSettings(wrong).ok);
      await fake.waitFor(() => notifier.status().commands.state === 'auth_failed');
      assert.match(notifier.status().commands.lastError!.message, /rejected the bot token.*BotFather/);
      const polls = fake.callsOf('getUpdates').length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(fake.callsOf('getUpdates').length, polls, 'no polling with a rejected token');
    } finally {
      notifier.stop();
    }
  });
});
