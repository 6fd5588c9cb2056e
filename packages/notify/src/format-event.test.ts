import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fx, SimClock } from '@mm/core';
import { wellFormedHtml } from '../test-support/fake-telegram.ts';
import type { BotIdentity, FillEvent, NotifyEvent } from './events.ts';
import { FillAggregator, formatFillSummary, type FillSummary } from './fill-summary.ts';
import { formatEvent } from './format-event.ts';
import { escapeHtml, fitHtml, htmlToPlain } from './html.ts';
import { renderHtml, renderPlain } from './message.ts';

const bot: BotIdentity = { id: 'b1', name: 'alpha-btc', venue: 'asterdex', symbol: 'BTCUSDT' };
const at = Date.UTC(2026, 0, 1, 12);

type NonFill = Exclude<NotifyEvent, { kind: 'fill' }>;

const cases: readonly { event: NonFill; expect: readonly string[] }[] = [
  { event: { kind: 'bot_started', bot, at }, expect: ['Started'] },
  { event: { kind: 'bot_stopped', bot, at, reason: 'operator request' }, expect: ['Stopped', 'operator request'] },
  { event: { kind: 'bot_paused', bot, at, reason: 'outside active window' }, expect: ['Paused', 'outside active window'] },
  { event: { kind: 'bot_resumed', bot, at }, expect: ['Resumed'] },
  { event: { kind: 'bot_error', bot, at, message: 'order rejected: insufficient balance' }, expect: ['Error', 'insufficient balance'] },
  {
    event: { kind: 'risk_trip', bot, at, rule: 'max_drawdown', value: '520.5 USDT', limit: '500 USDT', action: 'pause', message: 'drawdown above limit' },
    expect: ['Risk trip', 'Rule: max_drawdown', 'Value 520.5 USDT · limit 500 USDT', 'Action: pause', 'drawdown above limit'],
  },
  { event: { kind: 'kill_switch', bot, at, reason: 'dashboard kill switch' }, expect: ['Kill switch', 'dashboard kill switch'] },
  { event: { kind: 'connection_lost', bot, at, stream: 'user data', reason: 'socket closed 1006' }, expect: ['Connection lost', 'Stream: user data', 'socket closed 1006'] },
  { event: { kind: 'connection_restored', bot, at, stream: 'user data', downForMs: 42_000 }, expect: ['Connection restored', 'Stream: user data after 42s'] },
];

describe('event messages', () => {
  for (const { event, expect } of cases) {
    test(`${event.kind}: title, bot name, venue and symbol, details`, () => {
      const html = renderHtml(formatEvent(event));
      assert.ok(html.includes('<b>alpha-btc</b>'), html);
      assert.ok(html.includes('asterdex · BTCUSDT'), html);
      for (const part of expect) assert.ok(html.includes(part), `${event.kind}: missing "${part}" in\n${html}`);
      assert.ok(wellFormedHtml(html), html);
      // readable on a phone: a handful of short lines
      assert.ok(html.split('\n').length <= 7, html);
      assert.ok(html.length < 600, html);
      const plain = renderPlain(formatEvent(event));
      assert.ok(!plain.includes('<b>'), plain);
      assert.ok(plain.includes('alpha-btc') && plain.includes('BTCUSDT'));
    });
  }

  test('a bot named "<b>&" is escaped, not interpreted', () => {
    const evil: BotIdentity = { id: 'x', name: '<b>&', venue: 'sim<i>', symbol: 'A&B' };
    const html = renderHtml(formatEvent({ kind: 'bot_error', bot: evil, at, message: '</pre> & <script>' }));
    assert.ok(html.includes('<b>&lt;b&gt;&amp;</b>'), html);
    assert.ok(html.includes('sim&lt;i&gt; · A&amp;B'), html);
    assert.ok(html.includes('&lt;/pre&gt; &amp; &lt;script&gt;'), html);
    assert.ok(wellFormedHtml(html), html);
    assert.equal(htmlToPlain(html).split('\n')[0], '❗ Error · <b>&');
  });

  test('long free text is clipped so one alert stays one screen', () => {
    const html = renderHtml(formatEvent({ kind: 'bot_error', bot, at, message: 'x'.repeat(5_000) }));
    assert.ok(html.length < 500);
    assert.ok(html.includes('…'));
  });

  test('fitHtml keeps any message under 4096 characters and well formed', () => {
    const big = `<b>title</b>\n<pre>${escapeHtml('a&b<c>\n'.repeat(2_000))}</pre>`;
    const fitted = fitHtml(big);
    assert.ok(fitted.length <= 4096);
    assert.ok(wellFormedHtml(fitted), fitted.slice(-50));
    assert.equal(fitHtml('<b>short</b>'), '<b>short</b>');
  });
});

describe('fill summaries', () => {
  function fill(side: 'buy' | 'sell', price: string, qty: string, fee: string, liquidity: 'maker' | 'taker' = 'maker', tag: 'mm' | 'volume' = 'mm'): FillEvent {
    // exact for the decimal inputs used here (float would turn 102 × 0.1 into 10.200000000000001)
    const notional = fx.format(fx.mul(fx.parse(price), fx.parse(qty)));
    return { kind: 'fill', bot, at, side, price, qty, notional, fee, feeAsset: 'USDT', liquidity, tag };
  }

  test('sums exactly per bot and reports count, sides, notional, fees, maker/taker', async () => {
    const clock = new SimClock(at);
    const out: FillSummary[] = [];
    const agg = new FillAggregator(clock, 300_000, (s) => out.push(s));
    agg.add(fill('buy', '100', '0.1', '0.001'));
    agg.add(fill('buy', '102', '0.1', '0.001'));
    agg.add(fill('sell', '105', '0.2', '0.002', 'taker', 'volume'));
    assert.equal(out.length, 0);
    await clock.advance(300_000);
    assert.equal(out.length, 1);
    const s = out[0]!;
    assert.equal(s.count, 3);
    assert.equal(s.buys, 2);
    assert.equal(s.sells, 1);
    assert.equal(s.buyQty, '0.2');
    assert.equal(s.avgBuyPrice, '101');
    assert.equal(s.avgSellPrice, '105');
    assert.equal(s.notional, '41.2');
    assert.deepEqual(s.fees, { USDT: '0.004' });
    assert.equal(s.maker, 2);
    assert.equal(s.taker, 1);
    assert.equal(s.volume, 1);
    const html = renderHtml(formatFillSummary(s));
    for (const part of ['Fills', 'alpha-btc', 'asterdex · BTCUSDT', '3 fills in 5 min: 2 buy · 1 sell', 'Bought 0.2 @ 101.00', 'sold 0.2 @ 105.00', 'Notional 41.20', 'fees 0.004 USDT', 'Maker 2 · taker 1 · volume leg 1']) {
      assert.ok(html.includes(part), `missing "${part}" in\n${html}`);
    }
    assert.ok(wellFormedHtml(html));
  });

  test('1,000 fills in one interval become one summary per bot', async () => {
    const clock = new SimClock(at);
    const out: FillSummary[] = [];
    const agg = new FillAggregator(clock, 60_000, (s) => out.push(s));
    const other: BotIdentity = { ...bot, id: 'b2', name: 'beta' };
    for (let i = 0; i < 1_000; i++) agg.add({ ...fill(i % 2 === 0 ? 'buy' : 'sell', '100', '1', '0.01'), bot: i % 4 === 0 ? other : bot });
    await clock.advance(60_000);
    assert.equal(out.length, 2);
    assert.equal(out.reduce((n, s) => n + s.count, 0), 1_000);
    // quiet afterwards: no timer, no empty summaries
    await clock.advance(600_000);
    assert.equal(out.length, 2);
    assert.equal(clock.pendingTimers, 0);
  });

  test('unreadable amounts are counted, not summed, and never throw', async () => {
    const clock = new SimClock(at);
    const out: FillSummary[] = [];
    const agg = new FillAggregator(clock, 10_000, (s) => out.push(s));
    agg.add({ ...fill('buy', '1', '1', '0'), qty: 'lots' });
    agg.flush();
    assert.equal(out[0]!.unreadable, 1);
    assert.ok(renderHtml(formatFillSummary(out[0]!)).includes('1 fill with unreadable amounts'));
  });
});
