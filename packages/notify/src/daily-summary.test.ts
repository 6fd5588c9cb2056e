import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SimClock } from '@mm/core';
import { sampleBot, wellFormedHtml } from '../test-support/index.ts';
import { dailySummaryContent, DailySummaryScheduler } from './daily-summary.ts';
import { localDate, nextLocalHour } from './local-time.ts';

describe('local hours', () => {
  test('next 20:00 in UTC, Berlin (winter and summer) and New York', () => {
    const noon = Date.UTC(2026, 0, 15, 12);
    assert.equal(nextLocalHour(noon, 20, 'UTC'), Date.UTC(2026, 0, 15, 20));
    assert.equal(nextLocalHour(noon, 20, 'Europe/Berlin'), Date.UTC(2026, 0, 15, 19)); // CET = UTC+1
    assert.equal(nextLocalHour(Date.UTC(2026, 6, 15, 12), 20, 'Europe/Berlin'), Date.UTC(2026, 6, 15, 18)); // CEST = UTC+2
    assert.equal(nextLocalHour(noon, 20, 'America/New_York'), Date.UTC(2026, 0, 16, 1)); // EST = UTC−5
    // already past today's hour: tomorrow
    assert.equal(nextLocalHour(Date.UTC(2026, 0, 15, 21), 20, 'UTC'), Date.UTC(2026, 0, 16, 20));
    // exactly at the hour: the next day, never the same instant twice
    assert.equal(nextLocalHour(Date.UTC(2026, 0, 15, 20), 20, 'UTC'), Date.UTC(2026, 0, 16, 20));
  });

  test('across a DST change the local hour stays the local hour', () => {
    // Berlin moves to summer time on 2026-03-29: 08:00 local is 07:00 UTC the day before, 06:00 UTC on the day
    assert.equal(nextLocalHour(Date.UTC(2026, 2, 28, 9), 8, 'Europe/Berlin'), Date.UTC(2026, 2, 29, 6));
    assert.equal(nextLocalHour(Date.UTC(2026, 2, 27, 9), 8, 'Europe/Berlin'), Date.UTC(2026, 2, 28, 7));
    // 02:00 does not exist that night: the first instant after the gap
    assert.equal(nextLocalHour(Date.UTC(2026, 2, 28, 12), 2, 'Europe/Berlin'), Date.UTC(2026, 2, 29, 1));
    assert.equal(localDate(Date.UTC(2026, 0, 15, 23, 30), 'Asia/Tokyo'), '2026-01-16');
  });
});

describe('daily summary', () => {
  test('fires every day at the configured local hour', async () => {
    const clock = new SimClock(Date.UTC(2026, 0, 15, 12));
    const fired: number[] = [];
    const scheduler = new DailySummaryScheduler(clock, (at) => fired.push(at));
    scheduler.configure({ hour: 20, timezone: 'Europe/Berlin' });
    assert.equal(scheduler.nextAt, Date.UTC(2026, 0, 15, 19));
    await clock.advance(3 * 86_400_000);
    assert.deepEqual(fired, [Date.UTC(2026, 0, 15, 19), Date.UTC(2026, 0, 16, 19), Date.UTC(2026, 0, 17, 19)]);
    scheduler.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  test('lists PnL, volume vs target, fees and inventory per bot, with totals', () => {
    const bots = [
      sampleBot({ id: 'a', name: 'alpha', pnlToday: '12.5', volumeToday: '120500', volumeTarget: '200000', fees: '1.2', inventory: '0.51' }),
      sampleBot({ id: 'b', name: 'beta', symbol: 'ETHUSDT', baseAsset: 'ETH', pnlToday: '-2.5', volumeToday: '1000', volumeTarget: '0', fees: '0.3', inventory: '-1.5' }),
    ];
    const content = dailySummaryContent(bots, Date.UTC(2026, 0, 15, 19), 'Europe/Berlin');
    assert.equal(content.html.length, 1);
    const html = content.html[0]!;
    for (const part of ['Daily summary · 2026-01-15', '<b>alpha · asterdex BTCUSDT · RUNNING</b>', 'PnL +12.50 USDT · fees 1.20', 'Volume 120.5k / 200k USDT (60%)', 'Inventory 0.51 BTC', 'PnL -2.50 USDT', 'Volume 1,000.00 USDT', 'Inventory -1.50 ETH', 'Total USDT: PnL +10.00 · fees 1.50 · volume 121.5k / 200k (60%)']) {
      assert.ok(html.includes(part), `missing "${part}" in\n${html}`);
    }
    assert.ok(wellFormedHtml(html));
    assert.ok(content.plain.includes('alpha') && !content.plain.includes('<b>'));
  });

  test('many bots split into several messages under the limit', () => {
    const bots = Array.from({ length: 120 }, (_, i) => sampleBot({ id: `id${i}`, name: `bot-number-${i}` }));
    const content = dailySummaryContent(bots, Date.UTC(2026, 0, 15, 19), 'UTC');
    assert.ok(content.html.length > 1);
    for (const html of content.html) {
      assert.ok(html.length <= 4096);
      assert.ok(wellFormedHtml(html));
    }
    assert.equal(content.html.join('\n').match(/bot-number-/g)!.length, 120);
  });
});
