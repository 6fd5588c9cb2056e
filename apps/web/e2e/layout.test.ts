// Layout and charts in headless Chromium against the real server:
// - the price chart's time axis is a real time scale: 10 s history points and 1 s live points
//   sit at x positions proportional to their times (read through the window.__mmCharts hook);
// - a brand-new bot's header shows the configured daily target, as its volume panel does;
// - no page scrolls sideways at 390 px (overview, bot pages of a running, a stopped and a
//   never-started bot, the bot form, accounts, events, audit trail, settings), and none logs a
//   console error;
// - screenshots of every page at 1440 and 390 px go to test-output/screenshots/layout-*.png.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotDetailDto, BotSummaryDto, StatsPointDto } from '@mm/core';
import type { BrowserContext, Page } from 'playwright-core';
import { overflow, until, watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

const FRESH_NAME = 'Fresh bot with a target';
// 64 characters, the most a name may have: shown whole on the Events page
const STOPPED_NAME = 'Stopped grid bot with a long descriptive name for the Events tab';
let demo: BotSummaryDto;
let fresh: BotDetailDto;
let stopped: BotDetailDto;

const app = dashboardSuite('layout');
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);

function newContext(width: number): Promise<BrowserContext> {
  return app.admin.context(app.browser, width);
}

before(async () => {
  await app.ready();
  const list = (await api('GET', '/api/bots')).body as BotSummaryDto[];
  demo = list.find((b) => b.name === 'Demo DEMOUSDT')!;
  assert.ok(demo, 'the demo bot exists');
  // a brand-new bot that never ran, with a volume target
  const created = await api('POST', '/api/bots', { name: FRESH_NAME, accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const base = created.body as BotDetailDto;
  const put = await api('PUT', `/api/bots/${base.id}`, { ...base.config, volume: { ...base.config.volume, enabled: true, dailyTargetQuote: '25000' } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  fresh = put.body as BotDetailDto;
  // a bot with a long name that ran and was stopped
  const second = await api('POST', '/api/bots', { name: STOPPED_NAME, accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(second.status, 201, JSON.stringify(second.body));
  stopped = second.body as BotDetailDto;
  assert.equal((await api('POST', `/api/bots/${stopped.id}/actions/start`)).status, 200);
  await until('the second bot to run', async () => ((await api('GET', `/api/bots/${stopped.id}`)).body as BotDetailDto).state === 'RUNNING', Boolean, 30_000);
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal((await api('POST', `/api/bots/${stopped.id}/actions/stop`, { reason: 'layout test' })).status, 200);
  await until('the second bot to stop', async () => ((await api('GET', `/api/bots/${stopped.id}`)).body as BotDetailDto).state === 'STOPPED', Boolean, 30_000);
});

interface Axis {
  points: { t: number; x: number }[];
  width: number;
}

test('the price chart has a real time axis: x is proportional to time across 10 s history and 1 s live points', { timeout: 120_000 }, async () => {
  // the journal samples stats every 10 s: wait for a few stored points before the page opens,
  // so the chart gets 10 s history followed by 1 s live points
  await until('three stored stats points of the demo bot', async () => ((await api('GET', `/api/bots/${demo.id}/stats`)).body as StatsPointDto[]).length >= 3, Boolean, 60_000);
  const context = await newContext(1440);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = watchConsole(page);
  await page.goto(`${app.server.url}/bots/${demo.id}`);
  await page.waitForFunction(() => Number(document.querySelector('section[aria-labelledby="price-title"] [data-points]')?.getAttribute('data-points') ?? 0) >= 10, undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
  const axis = await page.evaluate((): Axis => {
    const hook = (window as unknown as { __mmCharts?: Record<string, { chart: { timeScale(): { timeToCoordinate(t: number): number | null; width(): number } }; series: { data(): readonly { time: number; value?: number }[] } }> }).__mmCharts;
    const price = hook?.price;
    if (!price) throw new Error('window.__mmCharts.price is missing');
    const ts = price.chart.timeScale();
    const points = price.series
      .data()
      .filter((p) => p.value !== undefined)
      .map((p) => ({ t: p.time, x: ts.timeToCoordinate(p.time) ?? Number.NaN }));
    return { points, width: ts.width() };
  });
  const pts = axis.points.filter((p) => Number.isFinite(p.x));
  assert.ok(pts.length >= 10, `enough plotted points: ${pts.length}`);
  const gaps = pts.slice(1).map((p, i) => p.t - pts[i]!.t);
  assert.ok(gaps.some((g) => g >= 5), `history points at least 5 s apart are on the chart: gaps ${gaps.join(',')}`);
  assert.ok(gaps.some((g) => g <= 2), `live points about 1 s apart are on the chart: gaps ${gaps.join(',')}`);
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  const pxPerSecond = (last.x - first.x) / (last.t - first.t);
  assert.ok(pxPerSecond > 0, `x grows with time (${pxPerSecond} px/s)`);
  const worst = Math.max(...pts.map((p) => Math.abs(first.x + (p.t - first.t) * pxPerSecond - p.x)));
  assert.ok(worst <= Math.max(2, pxPerSecond * 0.5), `every point sits where its time says (worst miss ${worst.toFixed(1)} px at ${pxPerSecond.toFixed(2)} px/s)`);
  assert.deepEqual(errors, []);
  await context.close();
});

interface PageCase {
  readonly name: string;
  readonly path: string;
  /** Waits for the page; a string is a problem found on it. */
  ready(page: Page): Promise<unknown>;
}

function pages(): PageCase[] {
  const bot = (b: { id: string }) => `/bots/${encodeURIComponent(b.id)}`;
  const botReady = async (page: Page) => {
    await page.getByRole('region', { name: 'Bot' }).waitFor();
    await page.locator('section[aria-labelledby="price-title"] canvas').first().waitFor();
    await page.locator('section[aria-labelledby="history-title"] canvas').first().waitFor();
  };
  return [
    { name: 'overview', path: '/', ready: (p) => p.getByRole('table', { name: 'Bots' }).locator('tbody tr', { hasText: STOPPED_NAME }).waitFor() },
    { name: 'bot-running', path: bot(demo), ready: botReady },
    { name: 'bot-stopped', path: bot(stopped), ready: botReady },
    { name: 'bot-new', path: bot(fresh), ready: botReady },
    { name: 'bot-form-new', path: '/bots/new', ready: (p) => p.getByRole('heading', { name: 'New bot' }).waitFor() },
    { name: 'bot-form-edit', path: `${bot(fresh)}/edit`, ready: (p) => p.getByLabel('Name', { exact: true }).waitFor() },
    { name: 'accounts', path: '/accounts', ready: (p) => p.getByRole('table', { name: 'Accounts' }).waitFor() },
    {
      name: 'events',
      path: '/events',
      ready: async (p) => {
        const cell = p.getByRole('list', { name: 'Events' }).getByText(STOPPED_NAME, { exact: true }).first();
        await cell.waitFor();
        // the whole name is visible: nothing of it is cut off
        const fit = await cell.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        return fit.scroll <= fit.client + 1 ? undefined : `the long bot name is cut on the Events page: ${JSON.stringify(fit)}`;
      },
    },
    {
      name: 'audit',
      path: '/events',
      ready: async (p) => {
        await p.getByRole('tab', { name: 'Audit trail' }).click();
        await p.getByRole('table', { name: 'Audit trail' }).waitFor();
      },
    },
    { name: 'settings', path: '/settings', ready: (p) => p.getByLabel('Display time zone').waitFor() },
  ];
}

for (const width of [1440, 390]) {
  test(`every page at ${width} px: no horizontal overflow, no console errors, screenshots`, { timeout: 180_000 }, async () => {
    const context = await newContext(width);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = watchConsole(page);
    const problems: string[] = [];
    for (const p of pages()) {
      await page.goto(app.server.url + p.path);
      const found = await p.ready(page);
      if (typeof found === 'string') problems.push(`${p.name}: ${found}`);
      await page.waitForTimeout(800);
      await page.mouse.move(1, 1);
      const o = await overflow(page);
      if (o.scrollWidth > o.innerWidth) problems.push(`${p.name}: scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(' | ')}`);
      await app.shot(page, `${p.name}-${width}`);
    }
    assert.deepEqual(problems, [], 'no page scrolls sideways or cuts a bot name');
    assert.deepEqual(errors, [], 'no console errors on any page');
    await context.close();
  });
}

test("a brand-new bot's header shows the configured target, like its volume panel", { timeout: 60_000 }, async () => {
  const context = await newContext(1440);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${app.server.url}/bots/${encodeURIComponent(fresh.id)}`);
  const figures = page.getByRole('region', { name: 'Key figures' });
  await figures.getByText('VOLUME TODAY').waitFor();
  const text = await figures.innerText();
  assert.match(text, /\/ 25,000/, `the header names the target: ${text}`);
  assert.doesNotMatch(text, /no target/);
  await page.locator('section[aria-labelledby="volume-title"]').getByText('/ 25,000').waitFor();
  await context.close();
});
