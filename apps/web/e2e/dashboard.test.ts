// End to end in headless Chromium against the real server: first-run setup → login → the demo
// bot is visible and updating → create a second bot (an invalid spread shows its message, then
// is fixed) → start it → orders and fills appear without reload → pause → resume → cancel-all →
// stop → accounts, events, settings (change password) → logout → the stale marker when the
// server goes away. Screenshots of every page go to test-output/screenshots/dashboard-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { dashboardSuite } from './suite.ts';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'battery staple horse';
const BOT = 'e2e grid';

const app = dashboardSuite('dashboard', { setup: false });

/** A full-page screenshot from the top, the pointer out of the way (no chart crosshair). */
const shot = (page: Page, name: string, options: { fullPage?: boolean } = {}) =>
  app.shot(page, name, { fullPage: options.fullPage ?? true, fromTop: options.fullPage ?? true });

/** Polls until `read` returns something different from `first` (live updates arrive). */
async function changes(read: () => Promise<string>, timeoutMs: number): Promise<{ before: string; after: string }> {
  const first = await read();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await read();
    if (now !== first) return { before: first, after: now };
  }
  throw new Error(`no change within ${timeoutMs} ms: ${first}`);
}

async function rowCount(table: Locator): Promise<number> {
  return table.locator('tbody tr').count();
}

test('operator dashboard, end to end', { timeout: 150_000 }, async (t) => {
  const context = await app.browser.newContext({ viewport: { width: 1600, height: 1000 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.setDefaultTimeout(15_000);
  const base = app.server.url;
  let failed = false;
  /** A step of the flow: later steps skip after a failure, and the page at the failure is kept. */
  const step = (name: string, fn: () => Promise<void>) =>
    t.test(name, async (st) => {
      if (failed) return st.skip('an earlier step failed');
      try {
        await fn();
      } catch (e) {
        failed = true;
        await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
        throw e;
      }
    });

  await step('first-run setup', async () => {
    await page.goto(base);
    await page.getByRole('heading', { name: 'Set the admin password' }).waitFor();
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Repeat password').fill('not the same');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('the passwords differ').waitFor();
    await page.getByLabel('Repeat password').fill(PASSWORD);
    await shot(page, '01-first-run-setup');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('table', { name: 'Bots' }).waitFor();
  });

  await step('login (fresh session)', async () => {
    await context.clearCookies();
    await page.reload();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await shot(page, '02-login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('table', { name: 'Bots' }).waitFor();
  });

  await step('the demo bot is visible and updating', async () => {
    const rows = page.getByRole('table', { name: 'Bots' }).locator('tbody tr');
    await rows.first().waitFor();
    const demo = rows.filter({ hasText: 'DEMOUSDT' }).first();
    await demo.getByText('RUNNING').waitFor({ timeout: 30_000 });
    await page.locator('[data-live="open"]').waitFor();
    // the row's figures move without a reload (stats over the WebSocket)
    const moved = await changes(() => demo.innerText(), 30_000);
    assert.notEqual(moved.before, moved.after);
    await shot(page, '03-overview');
  });

  await step('create a second bot; an invalid spread shows its message, then is fixed', async () => {
    await page.getByRole('link', { name: '+ New bot' }).click();
    await page.getByRole('heading', { name: 'New bot' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(BOT);
    await page.getByLabel('Symbol', { exact: true }).fill('DEMOUSDT');
    const preview = page.getByRole('table', { name: 'Grid preview' });
    await preview.waitFor();
    const minSpread = page.getByLabel('Bid min spread', { exact: true });
    await minSpread.fill('60');
    await minSpread.blur();
    await page.getByText('must be at most 50').waitFor();
    await page.getByText('Fix the market-making fields marked in red to see the grid.').waitFor();
    assert.equal(await minSpread.getAttribute('aria-invalid'), 'true');
    await shot(page, '04-bot-form-invalid-spread');
    await minSpread.fill('0.1');
    await minSpread.blur();
    await page.getByText('must be at most 50').waitFor({ state: 'detached' });
    await page.getByLabel('Bid max spread', { exact: true }).fill('1');
    await page.getByLabel('Ask min spread', { exact: true }).fill('0.1');
    await page.getByLabel('Ask max spread', { exact: true }).fill('1');
    await page.getByLabel('Refresh interval', { exact: true }).fill('1000');
    // the volume leg trades at the touch, so fills come quickly on paper
    await page.getByLabel('Volume target on').check();
    await page.getByLabel('Daily target', { exact: true }).fill('500000');
    await page.getByLabel('Max per hour', { exact: true }).fill('0');
    await preview.locator('tbody tr[data-side="buy"]').first().waitFor();
    assert.ok((await preview.locator('tbody tr[data-side]').count()) >= 2, 'the preview shows bid and ask levels');
    await shot(page, '05-bot-form-preview');
    await page.getByRole('button', { name: 'Create bot' }).click();
    await page.getByRole('heading', { name: new RegExp(BOT) }).waitFor();
  });

  await step('start it: orders and fills appear without reload', async () => {
    await page.getByRole('button', { name: `Start ${BOT}` }).click();
    const header = page.getByRole('region', { name: 'Bot' });
    await header.getByText('RUNNING').waitFor({ timeout: 30_000 });
    const orders = page.getByRole('table', { name: 'Open orders' });
    await orders.waitFor({ timeout: 30_000 });
    assert.ok((await rowCount(orders)) > 0);
    const fills = page.getByRole('table', { name: 'Fills' });
    await fills.waitFor({ timeout: 45_000 });
    assert.ok((await rowCount(fills)) > 0);
    await page.getByRole('table', { name: 'Order book' }).locator('tr[data-own="true"]').first().waitFor();
    await page.getByRole('table', { name: 'Risk limits' }).waitFor();
    // the price chart grows from live stats (one point per second at most)
    await page.waitForFunction(() => Number(document.querySelector('[data-points]')?.getAttribute('data-points') ?? 0) >= 6, undefined, { timeout: 30_000 });
    await shot(page, '06-bot-page-running');
  });

  await step('pause, resume, cancel-all, stop', async () => {
    const header = page.getByRole('region', { name: 'Bot' });
    await page.getByRole('button', { name: `Pause ${BOT}` }).click();
    await header.getByText('PAUSED').waitFor();
    await page.getByRole('button', { name: `Resume ${BOT}` }).click();
    await header.getByText('RUNNING').waitFor();
    await page.getByRole('button', { name: `Cancel all orders of ${BOT}` }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(`Cancel all orders of ${BOT}?`).waitFor();
    await shot(page, '07-confirm-cancel-all', { fullPage: false });
    await dialog.getByRole('button', { name: 'Cancel all orders' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Stop ${BOT}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Stop bot' }).click();
    await header.getByText('STOPPED').waitFor({ timeout: 30_000 });
    await page.getByText('No open orders.').waitFor({ timeout: 15_000 });
    // the event log follows the lifecycle without a reload
    await page.getByRole('list', { name: 'Events' }).getByText('STOPPING → STOPPED').waitFor({ timeout: 10_000 });
    await shot(page, '08-bot-page-stopped');
  });

  await step('accounts, events and settings pages', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    const accounts = page.getByRole('table', { name: 'Accounts' });
    await accounts.waitFor();
    await page.getByRole('button', { name: /^Test / }).first().click();
    await page.getByRole('status', { name: 'Connection test' }).waitFor();
    // credentials are write-only: the key goes in, only a masked hint ever comes back
    const secret = '0x' + 'ab12'.repeat(16);
    await page.getByRole('button', { name: '+ Add account' }).click();
    await page.getByLabel('Account name').fill('Aster main');
    await page.getByLabel('Venue', { exact: true }).selectOption('asterdex');
    await page.getByLabel('Wallet address (user)', { exact: true }).fill('0x' + '1'.repeat(40));
    await page.getByLabel('API wallet address (signer)', { exact: true }).fill('0x' + '2'.repeat(40));
    await page.getByLabel('API wallet private key', { exact: true }).fill(secret);
    assert.equal(await page.getByLabel('API wallet private key', { exact: true }).getAttribute('type'), 'password');
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    const row = accounts.locator('tbody tr', { hasText: 'Aster main' });
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret.slice(2)), 'the secret is never shown again');
    await page.getByRole('button', { name: '+ Add account' }).click();
    await page.getByLabel('Venue', { exact: true }).selectOption('bitmart');
    await page.getByLabel('Memo').waitFor();
    await shot(page, '09-accounts');

    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('list', { name: 'Events' }).waitFor();
    await shot(page, '10-events');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Display time zone').waitFor();
    await page.getByLabel('Density').selectOption('compact');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await shot(page, '11-settings');
    await page.getByLabel('Density').selectOption('comfortable');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('table', { name: 'Bots' }).locator('tbody tr', { hasText: BOT }).waitFor();
    await shot(page, '12-overview-two-bots');
  });

  await step('logout', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(page, '13-logged-out');
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    assert.equal(me, 401);
  });

  await step('stale marker when the server goes away', async () => {
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-live="open"]').waitFor();
    await app.server.stop();
    await page.getByTestId('stale-banner').waitFor({ timeout: 15_000 });
    await shot(page, '14-stale');
  });

  if (failed) throw new Error(`a step failed; server log:\n${app.server.log().slice(-3000)}`);
  const unexpected = consoleErrors.filter((e) => !/Failed to load resource|WebSocket|ERR_CONNECTION_REFUSED|net::/.test(e));
  assert.deepEqual(unexpected, [], 'no errors in the browser console');
  await context.close();
});
