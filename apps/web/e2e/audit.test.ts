// The audit trail and a stopped bot's page in headless Chromium against the real server: each
// entry says who did what to which bot, by name ("admin stopped bot “Demo DEMOUSDT”"), the raw
// request (method, route, status, target id) opens on demand, and a stopped bot's page shows
// "No market data while stopped." with no console error. Screenshots (audit trail at 1440 and
// 390 px, the stopped bot's page) go to test-output/screenshots/audit-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BotDetailDto, BotSummaryDto } from '@mm/core';
import type { Browser } from 'playwright-core';
import { AdminApi, buildWeb, launchBrowser, requireChromium, screenshotDir, startServer, tempDir, watchConsole } from './harness.ts';
import type { RunningServer } from './harness.ts';

const PASSWORD = 'correct horse battery';
let server: RunningServer | undefined;
let browser: Browser | undefined;
let webDist = '';
const shots = screenshotDir();

const admin = new AdminApi(() => server!);
const api = (method: string, path: string, body?: unknown) => admin.call(method, path, body);


before(async () => {
  requireChromium();
  webDist = tempDir('mm-e2e-audit-web-');
  buildWeb(webDist);
  server = await startServer({ webDist });
  browser = await launchBrowser();
  assert.equal((await api('POST', '/api/setup', { password: PASSWORD })).status, 200);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (webDist) rmSync(webDist, { recursive: true, force: true });
});

test('the audit trail in words, the raw request on demand; a stopped bot without console errors', { timeout: 120_000 }, async () => {
  const demo = ((await api('GET', '/api/bots')).body as BotSummaryDto[]).find((b) => b.name === 'Demo DEMOUSDT');
  assert.ok(demo !== undefined, 'the demo bot exists');
  assert.equal((await api('POST', `/api/bots/${demo.id}/actions/stop`, { reason: 'maintenance' })).status, 200);
  const created = await api('POST', '/api/bots', { name: 'Audit e2e bot', accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(created.status, 201);
  const bot = created.body as BotDetailDto;
  assert.equal((await api('PUT', `/api/bots/${bot.id}`, { ...bot.config, marketMaking: { ...bot.config.marketMaking, bidLevels: 3 } })).status, 200);

  const context = await admin.context(browser!, 1440);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);

  await page.goto(`${server!.url}/events`);
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  const table = page.getByRole('table', { name: 'Audit trail' });
  const stopRow = table.locator('tr[data-audit-row]', { hasText: 'admin stopped bot “Demo DEMOUSDT” (reason: maintenance)' });
  await stopRow.waitFor();
  await table.locator('tr[data-audit-row]', { hasText: 'admin changed the config of bot “Audit e2e bot”' }).waitFor();
  await table.locator('tr[data-audit-row]', { hasText: 'admin created bot “Audit e2e bot”' }).waitFor();
  await table.locator('tr[data-audit-row]', { hasText: 'admin set up the dashboard' }).waitFor();
  // words, not routes and ids, until asked
  assert.equal(await table.getByText('/api/bots/:id/actions/:action').count(), 0, 'no raw route before the row is opened');
  assert.equal(await table.getByText(demo.id).count(), 0, 'no id before the row is opened');

  const raw = stopRow.getByRole('button', { name: /raw/ });
  assert.equal(await raw.getAttribute('aria-expanded'), 'false');
  await raw.click();
  assert.equal(await raw.getAttribute('aria-expanded'), 'true');
  const detail = page.locator(`#${await raw.getAttribute('aria-controls')}`);
  await detail.getByText('POST /api/bots/:id/actions/:action').waitFor();
  await detail.getByText(demo.id, { exact: true }).waitFor();
  await detail.getByText('200', { exact: true }).waitFor();
  await page.mouse.move(1, 1);
  await page.screenshot({ path: join(shots, 'audit-1440.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await stopRow.waitFor();
  await page.screenshot({ path: join(shots, 'audit-390.png'), fullPage: true });
  // the audit panel fits the screen (the page header's own layout is checked elsewhere)
  const panel = await page.locator('section[aria-labelledby="audit-title"]').evaluate((el) => ({ right: el.getBoundingClientRect().right, scroll: el.scrollWidth - el.clientWidth }));
  assert.ok(panel.right <= 390 && panel.scroll <= 0, `the audit panel at 390 px: ${JSON.stringify(panel)}`);

  // a stopped bot's page: the book says why it is empty, and nothing is logged as an error
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${server!.url}/bots/${demo.id}`);
  await page.getByText('No market data while stopped.').waitFor();
  await page.waitForTimeout(1_500);
  await page.mouse.move(1, 1);
  await page.screenshot({ path: join(shots, 'audit-stopped-bot-1440.png'), fullPage: false });
  assert.deepEqual(errors, [], 'no console errors on the audit trail and the stopped bot page');
  await context.close();
});
