// Per-bot accounting end to end, across a server restart on the same data: two paper bots on the
// one paper account trade; each bot's figures come from its own fills; the stopped one comes back
// STOPPED (never INIT) with the same realized PnL, fees and trade count; the overview's totals
// are Σ bots + unattributed, so two bots on one account never each carry the account's PnL.
// Screenshots at 1440 px go to test-output/screenshots/ledger-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { fx } from '@mm/core';
import type { BotDetailDto, BotLedgerDto, BotSummaryDto, LedgerOverviewDto, Page as ApiPage } from '@mm/core';
import { startServer } from './harness.ts';
import { dashboardSuite } from './suite.ts';

const PASSWORD = 'ledger horse battery';
const SECOND = 'ledger second';
const SYMBOL = 'DEMOUSDT';

const app = dashboardSuite('ledger', { setup: false, ownDataDir: true });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const shot = (page: Page, name: string) => app.shot(page, name, { fromTop: true });

/** A call to the API from the page: the session cookie and our own Origin go along. */
async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    { method, path, body },
  );
}

const bot = (page: Page, id: string) => api<BotDetailDto>(page, 'GET', `/api/bots/${encodeURIComponent(id)}`);
const fillCount = async (page: Page, id: string) => (await api<ApiPage<unknown>>(page, 'GET', `/api/bots/${encodeURIComponent(id)}/fills?limit=1`)).total;

/** The ledger of a bot from the API; fails when the server sends none. */
async function ledgerOf(page: Page, id: string): Promise<BotLedgerDto> {
  const b = await bot(page, id);
  assert.ok(b.stats, `${b.name} has stats (state ${b.state})`);
  assert.ok(b.stats.ledger, `${b.name} has a ledger in its stats`);
  return b.stats.ledger;
}

/** What cannot move while a bot is stopped. */
function frozen(l: BotLedgerDto) {
  return { realized: l.realized, fees: l.fees, feesByAsset: l.feesByAsset, trades: l.allTime.trades, position: l.position, volume: l.allTime.total };
}

/** Waits until a stopped bot's figures hold still (fills racing the cancels are in). */
async function settled(page: Page, id: string): Promise<BotLedgerDto> {
  let last = JSON.stringify(frozen(await ledgerOf(page, id)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await sleep(2_000);
    const l = await ledgerOf(page, id);
    const now = JSON.stringify(frozen(l));
    if (now === last) return l;
    last = now;
  }
  throw new Error(`the figures of ${id} kept moving after the stop: ${last}`);
}

/** "+1,234.56" on the page → "1234.56", the way fx.format writes it. */
const plain = (text: string) => text.trim().replace(/,/g, '').replace(/^\+/, '');
const round2 = (v: string) => fx.format(fx.parse(v), { decimals: 2 });
const round4 = (v: string) => fx.format(fx.parse(v), { decimals: 4 });

type PeriodTable = Record<string, { today: string; all: string }>;

/** The bot page's "Ledger by period" table: row label → today / all-time text. */
async function periodTable(page: Page): Promise<PeriodTable> {
  const table = page.getByRole('table', { name: 'Ledger by period' });
  await table.waitFor({ timeout: 30_000 });
  return table.evaluate((el) => {
    const out: Record<string, { today: string; all: string }> = {};
    for (const tr of Array.from(el.querySelectorAll('tbody tr'))) {
      const label = tr.querySelector('th')?.textContent?.trim() ?? '';
      out[label] = { today: tr.children[1]?.textContent?.trim() ?? '', all: tr.children[2]?.textContent?.trim() ?? '' };
    }
    return out;
  });
}

/** Opens a bot's page and reads its all-time figures once they match the API's (the page is live). */
async function pageFigures(page: Page, base: string, id: string, expected?: BotLedgerDto): Promise<{ realized: string; fees: string; trades: number; net: string }> {
  await page.goto(`${base}/bots/${encodeURIComponent(id)}`);
  await page.getByRole('region', { name: 'Ledger', exact: true }).waitFor();
  const read = async () => {
    const t = await periodTable(page);
    return { realized: plain(t['Realized']!.all), fees: plain(t['Fees']!.all), trades: Number(t['Trades']!.all), net: plain(t['Net']!.all) };
  };
  if (!expected) return read();
  const want = { realized: round2(expected.realized), fees: round4(expected.fees), trades: expected.allTime.trades };
  const deadline = Date.now() + 15_000;
  let got = await read();
  while (Date.now() < deadline && (got.realized !== want.realized || got.fees !== want.fees || got.trades !== want.trades)) {
    await sleep(500);
    got = await read();
  }
  assert.deepEqual({ realized: got.realized, fees: got.fees, trades: got.trades }, want, 'the bot page shows the ledger of the API');
  return got;
}

async function login(page: Page, context: BrowserContext, base: string): Promise<void> {
  await context.clearCookies();
  await page.goto(base);
  await page.getByRole('heading', { name: 'Log in' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('table', { name: 'Bots' }).waitFor();
}

/** The overview's footer for one quote asset: Σ bots net, unattributed, total (page text, plain). */
async function overviewTotals(page: Page, quote: string): Promise<{ bots: string; unattributed: string; total: string }> {
  const table = page.getByRole('table', { name: 'Bots' });
  const cell = (row: string) => table.getByRole('row', { name: `${row} ${quote}`, exact: true }).locator('[data-col="net"]');
  return { bots: plain(await cell('Totals').innerText()), unattributed: plain(await cell('Unattributed').innerText()), total: plain(await cell('Total').innerText()) };
}

test('per-bot ledger: two bots on one account, a restart on the same data, totals without double counting', { timeout: 420_000 }, async (t) => {
  const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  let failed = false;
  const step = (name: string, fn: () => Promise<void>) =>
    t.test(name, async (st) => {
      if (failed) return st.skip('an earlier step failed');
      try {
        await fn();
      } catch (e) {
        failed = true;
        await app.shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
        throw e;
      }
    });

  let demoId = '';
  let secondId = '';
  let quote = '';
  let before: { second: BotLedgerDto; secondPage: { realized: string; fees: string; trades: number }; demoTrades: number } | undefined;

  await step('first-run setup and login', async () => {
    await page.goto(app.server.url);
    await page.getByRole('heading', { name: 'Set the admin password' }).waitFor();
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Repeat password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('table', { name: 'Bots' }).waitFor();
    await login(page, context, app.server.url);
  });

  await step('a second paper bot on the demo bot\'s account, started', async () => {
    const bots = await api<BotSummaryDto[]>(page, 'GET', '/api/bots');
    const demo = bots.find((b) => b.symbol === SYMBOL);
    assert.ok(demo, 'the demo bot exists');
    demoId = demo.id;
    const created = await api<BotDetailDto>(page, 'POST', '/api/bots', {
      name: SECOND,
      accountId: demo.accountId,
      symbol: SYMBOL,
      mode: 'paper',
      marketMaking: {
        bidLevels: 3,
        askLevels: 3,
        bidSpread: { minPct: 0.1, maxPct: 1 },
        askSpread: { minPct: 0.1, maxPct: 1 },
        bidBudgetQuote: '1500',
        askBudgetBase: '3000',
        refresh: { intervalMs: 1_000, tolerancePct: 0.1 },
      },
      volume: { enabled: true, dailyTargetQuote: '500000', minTradeQuote: '20', maxTradeQuote: '60', mode: 'MIXED', makerTimeoutMs: 5_000 },
    });
    secondId = created.id;
    assert.equal(created.accountId, demo.accountId, 'both bots share one account');
    await api(page, 'POST', `/api/bots/${encodeURIComponent(secondId)}/actions/start`);
  });

  await step('both bots have fills', async () => {
    const deadline = Date.now() + 120_000;
    let counts = [0, 0];
    while (Date.now() < deadline) {
      counts = [await fillCount(page, demoId), await fillCount(page, secondId)];
      if (counts[0]! > 0 && counts[1]! > 0) break;
      await sleep(1_000);
    }
    assert.ok(counts[0]! > 0 && counts[1]! > 0, `both bots have fills (demo ${counts[0]}, second ${counts[1]})`);
    const l = await ledgerOf(page, secondId);
    quote = l.quoteAsset;
    assert.ok(quote, 'the ledger names its quote asset');
  });

  await step('per-bot figures and overview totals on the page', async () => {
    await page.goto(app.server.url);
    await page.getByRole('region', { name: /Accounting/ }).getByRole('list', { name: 'Account reconciliation' }).waitFor({ timeout: 20_000 });
    const totals = await overviewTotals(page, quote);
    assert.match(totals.bots, /^-?\d/, `the overview shows Σ bots (${totals.bots})`);
    assert.match(totals.total, /^-?\d/, `the overview shows the total (${totals.total})`);
    await shot(page, '01-overview-two-bots');
    const demo = await pageFigures(page, app.server.url, demoId);
    assert.ok(demo.trades > 0, 'the demo bot page shows its trades');
    const second = await pageFigures(page, app.server.url, secondId);
    assert.ok(second.trades > 0, 'the second bot page shows its trades');
    await shot(page, '02-second-bot-running');
  });

  await step('stop the second bot; its figures hold still', async () => {
    await page.getByRole('button', { name: `Stop ${SECOND}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Stop bot' }).click();
    await page.getByRole('region', { name: 'Bot' }).getByText('STOPPED').waitFor({ timeout: 30_000 });
    const second = await settled(page, secondId);
    assert.equal(second.allTime.trades, await fillCount(page, secondId), 'the trade count is the bot\'s own stored fills');
    const { realized, fees, trades } = await pageFigures(page, app.server.url, secondId, second);
    const secondPage = { realized, fees, trades };
    await page.getByRole('region', { name: 'Ledger', exact: true }).getByText('stopped — valued at the last stored mark').waitFor();
    await shot(page, '03-second-bot-stopped');
    before = { second, secondPage, demoTrades: (await ledgerOf(page, demoId)).allTime.trades };
  });

  await step('restart the server on the same data and log in again', async () => {
    await app.server.stop();
    app.server = await startServer({ webDist: app.webDir, dataDir: app.dataDir });
    await login(page, context, app.server.url);
  });

  await step('the stopped bot is STOPPED with the same realized PnL, fees and trades', async () => {
    const detail = await bot(page, secondId);
    assert.equal(detail.state, 'STOPPED', 'a stopped bot is STOPPED after a restart, not INIT');
    assert.ok(detail.stats, 'a stopped bot has stats after a restart');
    assert.equal(detail.stats.live, false, 'its figures are the stored ones');
    const after = detail.stats.ledger;
    assert.deepEqual(frozen(after), frozen(before!.second), 'realized, fees, trades, position and volume survive the restart exactly');
    // the stats block rounds to 4 places, as a running bot's does; the ledger block keeps every digit
    assert.equal(detail.stats.pnl.realized, fx.format(fx.parse(after.realized), { decimals: 4 }), 'pnl is the ledger\'s');
    const row = page.getByRole('table', { name: 'Bots' }).getByRole('row', { name: SECOND, exact: true });
    await row.locator('[data-state="STOPPED"]').waitFor();
    const shown = await pageFigures(page, app.server.url, secondId, after);
    assert.deepEqual({ realized: shown.realized, fees: shown.fees, trades: shown.trades }, before!.secondPage, 'the bot page shows the same figures as before the restart');
    const header = page.getByRole('region', { name: 'Bot' });
    await header.locator('[data-state="STOPPED"]').waitFor();
    assert.equal(await header.locator('[data-state="INIT"]').count(), 0);
    await page.getByRole('region', { name: 'Ledger', exact: true }).getByText('stopped — valued at the last stored mark').waitFor();
    await shot(page, '04-second-bot-after-restart');
  });

  await step('the running demo bot kept its trades and goes on', async () => {
    const restored = (await ledgerOf(page, demoId)).allTime.trades;
    assert.ok(restored >= before!.demoTrades, `the demo bot's trade count never goes back (${before!.demoTrades} → ${restored})`);
    const deadline = Date.now() + 90_000;
    let trades = restored;
    while (Date.now() < deadline && trades === restored) {
      await sleep(1_000);
      trades = (await ledgerOf(page, demoId)).allTime.trades;
    }
    assert.ok(trades > restored, `the demo bot trades on after the restart (${restored} → ${trades})`);
  });

  await step('totals are Σ bots + unattributed; no bot carries the account\'s PnL', async () => {
    // freeze everything: with both bots stopped nothing moves, so page and API can agree exactly
    await api(page, 'POST', `/api/bots/${encodeURIComponent(demoId)}/actions/stop`);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await bot(page, demoId)).state !== 'STOPPED') await sleep(500);
    const demo = await settled(page, demoId);
    const second = await ledgerOf(page, secondId);
    assert.equal(demo.allTime.trades, await fillCount(page, demoId), 'the demo bot\'s trades are its own stored fills');

    const overview = await api<LedgerOverviewDto>(page, 'GET', '/api/ledger');
    const totals = overview.totals.find((x) => x.quoteAsset === quote);
    assert.ok(totals, `totals in ${quote}`);
    const sumOf = (values: readonly string[]) => fx.format(values.reduce((a, v) => a + fx.parse(v), 0n));
    assert.equal(fx.parse(totals.net), fx.parse(sumOf([demo.net, second.net])), 'Σ bots net is the sum of the two bots\' own nets');
    assert.equal(fx.parse(totals.fees), fx.parse(sumOf([demo.fees, second.fees])), 'Σ fees is the sum of the two bots\' own fees');
    assert.equal(fx.parse(totals.realized), fx.parse(sumOf([demo.realized, second.realized])), 'Σ realized is the sum of the two bots\' own');
    const account = overview.accounts.find((a) => a.quoteAsset === quote && a.bots.some((b) => b.botId === demoId));
    assert.ok(account, 'the paper account has a reconciliation line');
    const changes = new Map(account.bots.map((b) => [b.botId, b.change]));
    assert.ok(changes.has(secondId), 'both bots are on the account line');
    assert.equal(fx.parse(account.explained), fx.parse(sumOf([...account.bots.map((b) => b.change), account.unattributed.change])), 'explained = Σ bots + unattributed');
    assert.notEqual(account.status, 'mismatch', `Σ bots + unattributed explains the account's change (difference ${account.difference}: ${account.message})`);
    if (account.accountChange !== undefined && fx.parse(account.accountChange) !== 0n && fx.parse(demo.net) !== fx.parse(second.net)) {
      // the old way gave each bot the account's whole PnL
      assert.ok(fx.parse(demo.net) !== fx.parse(account.accountChange) || fx.parse(second.net) !== fx.parse(account.accountChange), 'the bots do not each carry the account\'s change');
    }

    await page.goto(app.server.url);
    const table = page.getByRole('table', { name: 'Bots' });
    await table.getByRole('row', { name: SECOND, exact: true }).locator('[data-state="STOPPED"]').waitFor();
    const want = { bots: round2(totals.net), unattributed: round2(totals.unattributed), total: round2(sumOf([totals.net, totals.unattributed])) };
    let shown = await overviewTotals(page, quote);
    const until = Date.now() + 15_000;
    while (Date.now() < until && JSON.stringify(shown) !== JSON.stringify(want)) {
      await sleep(500);
      shown = await overviewTotals(page, quote);
    }
    assert.deepEqual(shown, want, 'the overview shows the ledger totals');
    // the first line of the cell is the figure (a stopped bot's cell adds "last mark" below)
    const netOf = async (name: string) => plain((await table.getByRole('row', { name, exact: true }).locator('[data-col="net"]').innerText()).split('\n')[0]!);
    const demoName = (await bot(page, demoId)).name;
    const rowNets = [await netOf(demoName), await netOf(SECOND)];
    assert.deepEqual(rowNets, [round2(demo.net), round2(second.net)], 'each row shows its bot\'s own net');
    // on the page: Σ of the rows is the Σ bots line (within the rounding of two shown figures)
    const gap = fx.abs(fx.parse(shown.bots) - fx.parse(rowNets[0]!) - fx.parse(rowNets[1]!));
    assert.ok(gap <= fx.parse('0.01'), `Σ of the rows (${rowNets.join(' + ')}) is the Σ bots line (${shown.bots})`);
    const line = page.getByRole('list', { name: 'Account reconciliation' }).getByRole('listitem').filter({ hasText: account.accountName }).first();
    await line.waitFor();
    if (account.status === 'mismatch') await line.getByRole('alert').waitFor();
    await shot(page, '05-overview-after-restart');
    const second2 = page.getByRole('link', { name: SECOND }).first();
    await second2.click();
    await page.getByRole('table', { name: 'Ledger by period' }).waitFor();
    await shot(page, '06-second-bot-page-after-restart');
  });

  if (failed) throw new Error(`a step failed; server log:\n${app.server.log().slice(-3000)}`);
  assert.deepEqual(consoleErrors, [], 'no errors on the page');
  await context.close();
});
