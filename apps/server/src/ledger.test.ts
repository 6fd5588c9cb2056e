// Per-bot accounting through the real server on the embedded database: two paper bots on one
// account each show their own figures (from their own fills), the totals add up to the
// account's own change, and a restart changes none of it (a stopped bot stays STOPPED).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fx } from '@mm/core';
import type { BotDetailDto, BotSummaryDto, LedgerOverviewDto, Page, FillDto } from '@mm/core';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bots(s: TestServer): Promise<BotSummaryDto[]> {
  return (await s.request('GET', '/api/bots', undefined, { cookie: s.cookie })).body as BotSummaryDto[];
}

async function ledger(s: TestServer): Promise<LedgerOverviewDto> {
  const res = await s.request('GET', '/api/ledger', undefined, { cookie: s.cookie });
  assert.equal(res.status, 200, res.text);
  return res.body as LedgerOverviewDto;
}

/** What cannot move while a bot is stopped. */
function frozen(b: BotSummaryDto) {
  const l = b.stats!.ledger;
  return { realized: l.realized, fees: l.fees, funding: l.funding, position: l.position, averageEntry: l.averageEntry, trades: l.allTime.trades, maker: l.allTime.maker, taker: l.allTime.taker, volumeLeg: l.allTime.volumeLeg, feesByAsset: l.feesByAsset };
}

test('two paper bots on one account: own figures, totals that add up, the same after a restart', { timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-ledger-'));
  try {
    let s = await startTestServer({}, { dataDir });
    const created = await s.request(
      'POST',
      '/api/bots',
      { name: 'second', accountId: 'paper', symbol: 'DEMOUSDT', marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.1, maxPct: 0.6 }, askSpread: { minPct: 0.1, maxPct: 0.6 } }, volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '20', maxTradeQuote: '60', mode: 'MIXED' } },
      { cookie: s.cookie },
    );
    assert.equal(created.status, 201, created.text);
    const secondId = (created.body as BotDetailDto).id;
    assert.equal((await s.request('POST', `/api/bots/${secondId}/actions/start`, undefined, { cookie: s.cookie })).status, 200);

    // both bots trade
    const deadline = Date.now() + 150_000;
    let list = await bots(s);
    while (Date.now() < deadline && !(list.length === 2 && list.every((b) => (b.stats?.ledger.allTime.trades ?? 0) >= 2))) {
      await sleep(1_000);
      list = await bots(s);
    }
    assert.equal(list.length, 2);
    for (const b of list) assert.ok((b.stats?.ledger.allTime.trades ?? 0) >= 2, `${b.name} traded (${b.stats?.ledger.allTime.trades})`);
    for (const b of list) assert.equal((await s.request('POST', `/api/bots/${b.id}/actions/stop`, undefined, { cookie: s.cookie })).status, 200);

    const before = await bots(s);
    for (const b of before) {
      assert.equal(b.state, 'STOPPED');
      const fills = (await s.request('GET', `/api/bots/${b.id}/fills?limit=1`, undefined, { cookie: s.cookie })).body as Page<FillDto>;
      // a bot's trade count is its own fills, not the account's
      assert.equal(b.stats!.ledger.allTime.trades, fills.total, `${b.name}: ledger trades = its stored fills`);
    }
    const [a, b] = before;
    assert.notDeepEqual(frozen(a!), frozen(b!), 'two bots on one account do not show the same (account) figures');

    const overview = await ledger(s);
    const paper = overview.accounts.find((x) => x.accountId === 'paper')!;
    assert.equal(paper.status, 'ok', paper.message);
    assert.equal(paper.difference, '0.00000000');
    const explained = paper.bots.reduce((sum, x) => sum + fx.parse(x.change), 0n) + fx.parse(paper.unattributed.change);
    assert.equal(fx.format(explained, { decimals: 8 }), paper.explained);
    assert.equal(paper.accountChange, paper.explained);
    // the totals are the sum over bots, not the account's figure once per bot
    const usdt = overview.totals.find((t) => t.quoteAsset === 'USDT')!;
    const sumNet = before.reduce((sum, x) => sum + fx.parse(x.stats!.ledger.net), 0n);
    assert.ok(fx.abs(fx.parse(usdt.net) - sumNet) <= fx.parse('0.00000002'), `totals ${usdt.net} = Σ bots ${fx.format(sumNet)}`);
    // each bot's change since the baseline is its net PnL (the baseline was taken before it
    // traded), revalued at the check's one mark for the symbol
    const mark = fx.parse(paper.marks['DEMOUSDT']!);
    for (const x of before) {
      const l = x.stats!.ledger;
      const atMark = fx.parse(l.net) + fx.mul(fx.parse(l.position), mark - fx.parse(l.mark!));
      const change = paper.bots.find((c) => c.botId === x.id)!.change;
      assert.ok(fx.abs(fx.parse(change) - atMark) <= fx.parse('0.00000002'), `${x.name}: change ${change} vs net ${fx.format(atMark)} at ${paper.marks['DEMOUSDT']}`);
    }

    await s.close();
    s = await startTestServer({}, { dataDir });
    try {
      const after = await bots(s);
      assert.equal(after.length, 2);
      for (const x of before) {
        const y = after.find((z) => z.id === x.id)!;
        assert.equal(y.state, 'STOPPED', `${x.name} is STOPPED after the restart, not INIT`);
        assert.ok(y.stats !== undefined, `${x.name} keeps its figures`);
        assert.equal(y.stats.live, false);
        assert.deepEqual(frozen(y), frozen(x), `${x.name}: the same figures after the restart`);
      }
      const again = await ledger(s);
      const p2 = again.accounts.find((z) => z.accountId === 'paper')!;
      assert.equal(p2.status, 'ok', p2.message);
      assert.equal(again.totals.find((t) => t.quoteAsset === 'USDT')!.realized, usdt.realized);
      assert.equal(again.totals.find((t) => t.quoteAsset === 'USDT')!.fees, usdt.fees);
      // the per-day export reads the same ledger
      const csv = await s.request('GET', `/api/bots/${secondId}/ledger.csv`, undefined, { cookie: s.cookie });
      assert.equal(csv.status, 200);
      const rows = csv.text.trim().split('\n').slice(1);
      const trades = rows.reduce((n, r) => n + Number(r.split(',')[1]), 0);
      assert.equal(trades, after.find((z) => z.id === secondId)!.stats!.ledger.allTime.trades);
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
