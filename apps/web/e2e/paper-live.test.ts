// A paper account on live market data, made in the dashboard: the Accounts form's "Paper — live
// market data from Asterdex" choice against the Asterdex mock on loopback (a child process:
// apps/server/test-support/aster-mock-process.ts; public streams only),
// the row and its connection test, then a paper bot on it quoting the mock's book. The form and
// the bot page fit 1440 and 390 px. Screenshots go to test-output/screenshots/paper-live-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AccountDto, BotDetailDto } from '@mm/core';
import type { Page } from 'playwright-core';
import { REPO, watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

let mockProcess: ChildProcess | undefined;
let mockLines: AsyncIterator<string> | undefined;
let mock: { rest: string; ws: string; symbol: string } | undefined;

const app = dashboardSuite('paper-live', { env: { DEMO_BOT: 'false' } });
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);

const shot = (page: Page, name: string) => app.shot(page, name);

before(async () => {
  mockProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'apps/server/test-support/aster-mock-process.ts')], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  mockLines = createInterface({ input: mockProcess.stdout! })[Symbol.asyncIterator]();
  mock = JSON.parse((await mockLines.next()).value as string) as { rest: string; ws: string; symbol: string };
});

after(async () => {
  if (mockProcess?.exitCode === null) mockProcess.kill('SIGKILL');
});

test('Accounts form: a paper account on Asterdex live market data, then a paper bot quoting on it', { timeout: 180_000 }, async () => {
  const context = await app.admin.context(app.browser, 1440);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = watchConsole(page);

  await page.goto(`${app.server.url}/accounts`);
  await page.getByRole('button', { name: '+ Add account' }).click();
  const form = page.getByRole('form', { name: 'Add account' });
  const kinds = form.getByRole('radiogroup', { name: 'Account type' });
  assert.ok(await kinds.getByRole('radio', { name: /^Live venue/ }).isChecked(), 'a live venue is the default, as before');
  await kinds.getByRole('radio', { name: 'Paper — live market data from Asterdex' }).check();
  assert.equal(await form.getByRole('radiogroup', { name: 'API family' }).count(), 0, 'no key fields for a paper account');
  assert.equal(await form.getByLabel('Allow live trading').count(), 0, 'and no live switch');
  await form.getByLabel('Account name').fill('Aster paper (live data)');
  await form.getByLabel('Market', { exact: true }).selectOption('perp');
  await form.getByLabel('Base URL overrides').fill(`rest=${mock!.rest}\nws=${mock!.ws}`);
  await form.getByLabel('Starting balances').fill('USDT=abc');
  await form.getByRole('button', { name: 'Add account', exact: true }).click();
  await form.getByText(/USDT: must be a decimal number/).waitFor();
  await form.getByLabel('Starting balances').fill('USDT=25000');
  await shot(page, 'form-1440');
  await form.getByRole('button', { name: 'Add account', exact: true }).click();

  const row = page.getByRole('table', { name: 'Accounts' }).locator('tbody tr', { hasText: 'Aster paper (live data)' });
  await row.getByText('paper · Asterdex perp data').waitFor();
  await row.getByText('paper only').waitFor();
  const stored = ((await api('GET', '/api/accounts')).body as AccountDto[]).find((a) => a.name === 'Aster paper (live data)')!;
  assert.deepEqual([stored.venue, stored.market, stored.live, stored.feed], ['sim', 'perp', false, { venue: 'asterdex', balances: { USDT: '25000' } }]);
  await page.getByRole('button', { name: 'Test Aster paper (live data)' }).click();
  await page.getByRole('status', { name: 'Connection test' }).getByText('✓ connected').waitFor();
  await page.getByRole('status', { name: 'Connection test' }).getByText(/USDT 25,?000/).waitFor();
  await shot(page, 'accounts-1440');

  // editing: the type, feed and starting balances are fixed; the name and URLs can change
  await page.getByRole('button', { name: 'Edit Aster paper (live data)' }).click();
  const edit = page.getByRole('form', { name: 'Edit account Aster paper (live data)' });
  assert.ok(await edit.getByRole('radio', { name: 'Paper — live market data from Asterdex' }).isChecked());
  assert.ok(await edit.getByRole('radio', { name: /^Live venue/ }).isDisabled(), 'the type cannot change');
  await edit.getByText('Market data: Asterdex perp, public streams.').waitFor();
  assert.equal(await edit.getByLabel('Starting balances').getAttribute('readonly'), '');
  await shot(page, 'edit-1440');
  await edit.getByLabel('Account name').fill('Aster paper');
  await edit.getByRole('button', { name: 'Save account' }).click();
  await page.getByRole('table', { name: 'Accounts' }).locator('tbody tr', { hasText: 'Aster paper' }).getByText('paper · Asterdex perp data').waitFor();
  const renamed = ((await api('GET', '/api/accounts')).body as AccountDto[]).find((a) => a.id === stored.id)!;
  assert.deepEqual([renamed.name, renamed.feed, renamed.baseUrls], ['Aster paper', stored.feed, stored.baseUrls], 'renamed; feed and URLs kept');

  // a paper bot on it (the bot form is the bot form): it quotes the mock's book on the paper exchange
  const created = await api('POST', '/api/bots', {
    name: 'Aster live-data maker',
    accountId: stored.id,
    symbol: mock!.symbol,
    mode: 'paper',
    marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.1, maxPct: 0.3 }, askSpread: { minPct: 0.1, maxPct: 0.3 }, bidBudgetQuote: '300', askBudgetBase: '3' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const bot = created.body as BotDetailDto;
  assert.equal((await api('POST', `/api/bots/${bot.id}/actions/start`)).status, 200);
  await page.goto(`${app.server.url}/bots/${bot.id}`);
  await page.getByText('RUNNING').first().waitFor({ timeout: 30_000 });
  // let the book and the stats arrive
  await page.waitForTimeout(4_000);
  await shot(page, 'bot-1440');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the bot page has no horizontal overflow at 390 px (${overflow} px)`);
  await shot(page, 'bot-390');
  await page.goto(`${app.server.url}/accounts`);
  await page.getByRole('button', { name: '+ Add account' }).click();
  await page.getByRole('form', { name: 'Add account' }).getByRole('radio', { name: 'Paper — live market data from Asterdex' }).check();
  await page.getByRole('form', { name: 'Add account' }).getByLabel('Starting balances').waitFor();
  overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the form has no horizontal overflow at 390 px (${overflow} px)`);
  await shot(page, 'form-390');

  mockProcess!.kill('SIGTERM');
  const { privateCalls } = JSON.parse((await mockLines!.next()).value as string) as { privateCalls: string[] };
  assert.deepEqual(privateCalls, [], 'only public market data was asked of the venue');
  const unexpected = errors.filter((e) => !/Failed to load resource/.test(e));
  assert.deepEqual(unexpected, [], 'no errors in the browser console');
  await context.close();
});
