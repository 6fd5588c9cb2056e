// Issue 15's leftovers in headless Chromium against the real server:
// - the bot form's volume section has a catch-up multiple beside the hourly cap, validated like the
//   other numbers, and it round-trips (create → edit shows it → save);
// - a halted perp bot's stop dialog offers to close the position (reduce-only passes the halt);
// - a stopped paper perp bot's page shows its open position with a "Close position" action, which
//   closes it with reduce-only orders within the slippage bound (the bot stays stopped, and
//   halted) and is audit-logged in words.
// Screenshots at 1440 and 390 px go to test-output/screenshots/close-position-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { AuditDto, BotDetailDto, Page as ApiPage } from '@mm/core';
import type { Page } from 'playwright-core';
import { until, watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

const app = dashboardSuite('close-position', { env: { DEMO_BOT: 'false' } });
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);
const bot = async (id: string) => (await api('GET', `/api/bots/${id}`)).body as BotDetailDto;

const shot = (page: Page, name: string, fullPage = true) => app.shot(page, name, { fullPage });

test('bot form: the catch-up multiple sits beside the hourly cap, is validated, and round-trips', { timeout: 120_000 }, async () => {
  const context = await app.admin.context(app.browser, 1440);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);
  await page.goto(`${app.server.url}/bots/new`);
  await page.getByRole('heading', { name: 'New bot' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Catch-up bot');
  await page.getByLabel('Symbol', { exact: true }).fill('DEMOUSDT');
  const catchUp = page.getByLabel('Catch-up multiple', { exact: true });
  assert.equal(await catchUp.inputValue(), '2', 'a new bot shows the default');
  // its hint says what it bounds, next to the cap it is bounded by
  const help = await page.locator(`#${await catchUp.getAttribute('aria-describedby')}`).innerText();
  assert.match(help, /clock hour at most this × the plain pace/);
  assert.match(help, /never over Max per hour/);
  const cap = await page.getByLabel('Max per hour', { exact: true }).boundingBox();
  const box = await catchUp.boundingBox();
  assert.ok(cap !== null && box !== null && Math.abs(cap.y - box.y) < 4 && box.x > cap.x, 'on the same row as Max per hour, right of it');

  await catchUp.fill('0.5');
  await catchUp.blur();
  await page.getByText('must be at least 1 (1 = never faster than the plain hourly pace)').waitFor();
  assert.equal(await catchUp.getAttribute('aria-invalid'), 'true');
  await catchUp.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot(page, 'form-invalid-1440', false);
  await catchUp.fill('11');
  await catchUp.blur();
  await page.getByText('must be at most 10').waitFor();
  await catchUp.fill('3.5');
  await catchUp.blur();
  await page.getByText('must be at most 10').waitFor({ state: 'detached' });
  await catchUp.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot(page, 'form-1440', false);
  await page.getByRole('button', { name: 'Create bot' }).click();
  await page.getByRole('heading', { name: /Catch-up bot/ }).waitFor();
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
  assert.equal((await bot(id)).config.volume.catchUpMultiple, 3.5, 'created with 3.5');

  await page.goto(`${app.server.url}/bots/${encodeURIComponent(id)}/edit`);
  await page.getByRole('heading', { name: 'Edit Catch-up bot' }).waitFor();
  assert.equal(await catchUp.inputValue(), '3.5', 'the edit form shows the stored value');
  await catchUp.fill('4');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL((u) => u.pathname === `/bots/${encodeURIComponent(id)}`);
  const saved = await bot(id);
  assert.equal(saved.config.volume.catchUpMultiple, 4);
  assert.equal(saved.configVersion, 2);

  const phone = await (await app.admin.context(app.browser, 390)).newPage();
  const phoneErrors = watchConsole(phone);
  await phone.goto(`${app.server.url}/bots/${encodeURIComponent(id)}/edit`);
  const phoneField = phone.getByLabel('Catch-up multiple', { exact: true });
  assert.equal(await phoneField.inputValue(), '4');
  await phoneField.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll at 390 px');
  await shot(phone, 'form-390', false);
  assert.deepEqual([...errors, ...phoneErrors], []);
});

test('a halted perp bot: the stop dialog offers the close; once stopped, its page offers "Close position", which closes it reduce-only', { timeout: 240_000 }, async () => {
  const created = await api('POST', '/api/bots', {
    name: 'Perp long',
    accountId: 'paper',
    symbol: 'DEMOUSDT-PERP',
    marketMaking: { bidLevels: 3, askLevels: 0, bidSpread: { minPct: 0.02, maxPct: 0.1 }, bidBudgetQuote: '600' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = (created.body as BotDetailDto).id;
  assert.equal((await api('POST', `/api/bots/${id}/actions/start`)).status, 200);
  await until('a long position', () => bot(id), (b) => b.state === 'RUNNING' && fx.parse(b.stats?.ledger.position ?? '0') > 0n);
  assert.equal((await api('POST', `/api/bots/${id}/actions/kill`, { reason: 'e2e halt' })).status, 200);

  const page = await (await app.admin.context(app.browser, 1440)).newPage();
  page.setDefaultTimeout(20_000);
  const errors = watchConsole(page);
  await page.goto(`${app.server.url}/bots/${encodeURIComponent(id)}`);
  await page.getByRole('region', { name: 'Bot' }).getByText('HALTED').waitFor();
  // halted: the stop may close the position too (reduce-only), and says the halt holds
  await page.getByRole('button', { name: 'Stop Perp long' }).click();
  const stopDialog = page.getByRole('alertdialog', { name: 'Stop Perp long?' });
  const closeChoice = stopDialog.getByRole('radio', { name: 'Cancel and close the position' });
  assert.ok(await closeChoice.isEnabled(), 'a halted bot may close its position');
  await stopDialog.getByText(/The bot is halted: these reduce-only orders are the only ones the halt lets through/).waitFor();
  await closeChoice.check();
  await shot(page, 'halted-stop-dialog-1440', false);
  // this time, leave it open: the stopped bot closes it below
  await stopDialog.getByRole('radio', { name: /Cancel orders only/ }).check();
  await stopDialog.getByRole('button', { name: 'Stop bot' }).click();
  await stopDialog.waitFor({ state: 'detached', timeout: 30_000 });
  const stopped = await until('STOPPED with the position', () => bot(id), (b) => b.state === 'STOPPED' && b.stats?.live === false);
  assert.ok(fx.parse(stopped.stats!.ledger.position) > 0n);
  assert.equal(stopped.tradingState, 'HALTED');

  const banner = page.getByRole('status', { name: 'Open position' });
  await banner.getByText(/DEMO long/).waitFor();
  await shot(page, 'stopped-1440', false);

  const phone = await (await app.admin.context(app.browser, 390)).newPage();
  const phoneErrors = watchConsole(phone);
  await phone.goto(`${app.server.url}/bots/${encodeURIComponent(id)}`);
  await phone.getByRole('status', { name: 'Open position' }).getByRole('button', { name: 'Close the position of Perp long' }).waitFor();
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll at 390 px');
  await shot(phone, 'stopped-390', false);

  await banner.getByRole('button', { name: 'Close the position of Perp long' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Close the position of Perp long?' });
  await dialog.getByText(/reduce-only orders priced at most the slippage below the best bid, and stays stopped/).waitFor();
  const pct = dialog.getByLabel('Max slippage');
  assert.equal(await pct.inputValue(), '0.5');
  await pct.fill('9');
  await dialog.getByText('Max slippage: above 0 and at most 5 %').waitFor();
  assert.ok(await dialog.getByRole('button', { name: 'Close position' }).isDisabled(), 'a bound the server refuses cannot be sent');
  await pct.fill('1');
  await shot(page, 'dialog-1440', false);
  await dialog.getByRole('button', { name: 'Close position' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await banner.waitFor({ state: 'detached', timeout: 15_000 });
  const after = await bot(id);
  assert.equal(after.state, 'STOPPED', 'the bot stays stopped');
  assert.equal(after.tradingState, 'HALTED', 'and halted');
  assert.equal(fx.parse(after.stats?.ledger.position ?? 'x'), 0n, 'flat');
  await shot(page, 'closed-1440', false);
  const trail = (await api('GET', '/api/audit?limit=50')).body as ApiPage<AuditDto>;
  assert.ok(
    trail.items.some((a) => a.details?.['summary'] === 'admin closed the position of bot “Perp long” (reduce-only, ≤ 1 % slippage)'),
    `the audit trail says it in words: ${JSON.stringify(trail.items.map((a) => a.details?.['summary']))}`,
  );
  assert.deepEqual([...errors, ...phoneErrors], []);
});
