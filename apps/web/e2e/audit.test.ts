// The audit trail and a stopped bot's page in headless Chromium against the real server: each
// entry says who did what to which bot, by name ("admin stopped bot “Demo DEMOUSDT”"), the raw
// request (method, route, status, target id) opens on demand, and a stopped bot's page shows
// "No market data while stopped." with no console error. Screenshots (audit trail at 1440 and
// 390 px, the stopped bot's page) go to test-output/screenshots/audit-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotDetailDto, BotSummaryDto } from '@mm/core';
import { watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

const app = dashboardSuite('audit');
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);

test('the audit trail in words, the raw request on demand; a stopped bot without console errors', { timeout: 120_000 }, async () => {
  const demo = ((await api('GET', '/api/bots')).body as BotSummaryDto[]).find((b) => b.name === 'Demo DEMOUSDT');
  assert.ok(demo !== undefined, 'the demo bot exists');
  assert.equal((await api('POST', `/api/bots/${demo.id}/actions/stop`, { reason: 'maintenance' })).status, 200);
  const created = await api('POST', '/api/bots', { name: 'Audit e2e bot', accountId: 'paper', symbol: 'DEMOUSDT' });
  assert.equal(created.status, 201);
  const bot = created.body as BotDetailDto;
  assert.equal((await api('PUT', `/api/bots/${bot.id}`, { ...bot.config, marketMaking: { ...bot.config.marketMaking, bidLevels: 3 } })).status, 200);

  const context = await app.admin.context(app.browser, 1440);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);

  await page.goto(`${app.server.url}/events`);
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
  await app.shot(page, '1440');

  await page.setViewportSize({ width: 390, height: 844 });
  await stopRow.waitFor();
  await app.shot(page, '390');
  // the audit panel fits the screen (the page header's own layout is checked elsewhere)
  const panel = await page.locator('section[aria-labelledby="audit-title"]').evaluate((el) => ({ right: el.getBoundingClientRect().right, scroll: el.scrollWidth - el.clientWidth }));
  assert.ok(panel.right <= 390 && panel.scroll <= 0, `the audit panel at 390 px: ${JSON.stringify(panel)}`);

  // a stopped bot's page: the book says why it is empty, and nothing is logged as an error
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${app.server.url}/bots/${demo.id}`);
  await page.getByText('No market data while stopped.').waitFor();
  await page.waitForTimeout(1_500);
  await app.shot(page, 'stopped-bot-1440', { fullPage: false });
  assert.deepEqual(errors, [], 'no console errors on the audit trail and the stopped bot page');
  await context.close();
});
