// The runner fleet in the dashboard, in headless Chromium against the real server (`npm start`
// style: the server with its one embedded runner on PGlite):
// - the Runners page lists exactly one runner, alive and embedded, holding the demo bot;
// - the overview row of the demo bot names that runner;
// - the bot page's "Lease" says who holds it, with an epoch ≥ 1 and a lease renewed < 10 s ago;
// - no console errors, no horizontal overflow at 390 px;
// - screenshots at 1440 and 390 px go to test-output/screenshots/runners-*.png.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotSummaryDto, RunnerDto } from '@mm/core';
import { overflow, until, watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

let demo: BotSummaryDto;
let runner: RunnerDto;

const app = dashboardSuite('runners');
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);

before(async () => {
  await app.ready();
  const bots = (await api('GET', '/api/bots')).body as BotSummaryDto[];
  demo = bots.find((b) => b.name === 'Demo DEMOUSDT')!;
  assert.ok(demo, 'the demo bot exists');
  // the embedded runner claims the demo bot within a few heartbeats of the start
  const held = await until(
    'the embedded runner to hold the demo bot',
    async () => {
      const res = await api('GET', '/api/runners');
      if (res.status !== 200) return undefined;
      const list = res.body as RunnerDto[];
      const bot = (await api('GET', `/api/bots/${demo.id}`)).body as BotSummaryDto;
      return list.length === 1 && list[0]!.botCount === 1 && bot.lease?.runnerId === list[0]!.id ? list[0] : undefined;
    },
    (r) => r !== undefined,
    60_000,
  );
  runner = held!;
});

test('the API reports exactly one alive embedded runner holding the demo bot', async () => {
  const list = (await api('GET', '/api/runners')).body as RunnerDto[];
  assert.equal(list.length, 1, JSON.stringify(list));
  const [r] = list;
  assert.equal(r!.alive, true);
  assert.equal(r!.embedded, true);
  assert.equal(r!.draining, false);
  assert.equal(r!.stoppedAt, undefined);
  assert.equal(r!.botCount, 1);
});

/** Parses "1.2 s", "42 s", "3 m", "5 h 07 m" back into milliseconds. */
function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?) (s|m)$/.exec(text) ?? /^(\d+) h (\d+) m$/.exec(text);
  assert.ok(m, `a duration: ${text}`);
  if (text.includes('h')) return Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000;
  return Number(m[1]) * (m[2] === 's' ? 1_000 : 60_000);
}

for (const width of [1440, 390]) {
  test(`at ${width} px: runners page, overview runner column and the bot's lease`, { timeout: 120_000 }, async () => {
    const context = await app.admin.context(app.browser, width);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = watchConsole(page);
    const problems: string[] = [];
    const check = async (name: string) => {
      await page.mouse.move(1, 1);
      const o = await overflow(page);
      if (o.scrollWidth > o.innerWidth) problems.push(`${name}: scrollWidth ${o.scrollWidth} > ${o.innerWidth}: ${o.culprits.join(' | ')}`);
      await app.shot(page, `${name}-${width}`);
    };

    // the Runners page, reached through the main navigation
    await page.goto(app.server.url);
    await page.getByRole('table', { name: 'Bots' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runners' }).click();
    const table = page.getByRole('table', { name: 'Runners' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'exactly one runner is listed');
    const row = rows.first();
    assert.equal(await row.getAttribute('data-runner-id'), runner.id);
    const text = await row.innerText();
    assert.match(text, new RegExp(runner.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), text);
    assert.match(text, /\balive\b/, text);
    assert.match(text, /\bembedded\b/, text);
    assert.equal((await row.locator('[data-col="bots"]').innerText()).trim(), '1');
    // the heartbeat is fresh: no stale warning
    const beat = (await row.locator('[data-col="heartbeat"]').innerText()).trim();
    assert.ok(!beat.includes('⚠'), `a fresh heartbeat: ${beat}`);
    assert.ok(durationMs(beat.replace(/ ago$/, '')) < 10_000, `heartbeat below 10 s: ${beat}`);
    await check('page');

    // the overview names the runner in the demo bot's row
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    const demoRow = page.getByRole('table', { name: 'Bots' }).locator(`tbody tr[data-bot-id="${demo.id}"]`);
    await demoRow.locator('[data-col="runner"]', { hasText: runner.name }).waitFor();
    await check('overview');

    // the bot page: held by the runner, epoch ≥ 1, renewed within the lease TTL
    await page.goto(`${app.server.url}/bots/${encodeURIComponent(demo.id)}`);
    const lease = page.getByRole('group', { name: 'Lease' });
    await lease.getByText('held by').waitFor();
    const line = await lease.innerText();
    const m = /held by (.+) · epoch (\d+) · lease renewed (.+) ago · held (.+)$/.exec(line.trim());
    assert.ok(m, `the lease line: ${line}`);
    assert.equal(m[1], runner.name);
    assert.ok(Number(m[2]) >= 1, `epoch ≥ 1: ${line}`);
    assert.ok(durationMs(m[3]!) < 10_000, `renewed below 10 s ago: ${line}`);
    await page.getByRole('region', { name: 'Bot' }).waitFor();
    await page.locator('section[aria-labelledby="price-title"] canvas').first().waitFor();
    await page.waitForTimeout(500);
    await check('bot');

    assert.deepEqual(problems, [], 'no page scrolls sideways');
    assert.deepEqual(errors, [], 'no console errors');
    await context.close();
  });
}
