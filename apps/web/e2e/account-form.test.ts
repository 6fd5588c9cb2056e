// The account form in headless Chromium against the real server: an Asterdex account's API family
// is an explicit choice (V3 API wallet by default, V1 HMAC key), each family shows its own fields,
// the server's field messages land under the field, the family is stored and shown, and the form
// fits 390 px. Screenshots go to test-output/screenshots/account-form-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountDto } from '@mm/core';
import type { Page } from 'playwright-core';
import { watchConsole } from './harness.ts';
import { dashboardSuite } from './suite.ts';

const app = dashboardSuite('account-form', { env: { DEMO_BOT: 'false' } });
const api = (method: string, path: string, body?: unknown) => app.api(method, path, body);

const shot = (page: Page, name: string) => app.shot(page, name);

test('Asterdex account form: the API family is chosen, its fields follow, the server says which field is wrong', { timeout: 120_000 }, async () => {
  const context = await app.admin.context(app.browser, 1440);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = watchConsole(page);

  await page.goto(`${app.server.url}/accounts`);
  await page.getByRole('button', { name: '+ Add account' }).click();
  const form = page.getByRole('form', { name: 'Add account' });
  const family = form.getByRole('radiogroup', { name: 'API family' });
  const v3 = family.getByRole('radio', { name: /^V3/ });
  const v1 = family.getByRole('radio', { name: /^V1/ });
  assert.ok(await v3.isChecked(), 'V3 is the default');
  await form.getByLabel('Wallet address (user)', { exact: true }).waitFor();
  assert.equal(await form.getByLabel('API key (V1)').count(), 0, 'no V1 field while V3 is chosen');
  await form.getByLabel('Account name').fill('Aster V1 key');
  await shot(page, 'v3-1440');

  await v1.check();
  await form.getByLabel('API key (V1)').waitFor();
  assert.equal(await form.getByLabel('Wallet address (user)', { exact: true }).count(), 0, 'no V3 field while V1 is chosen');
  await form.getByLabel('API key (V1)').fill('a1b2c3d4e5f6a7b8c9d0');
  await form.getByLabel('API secret (V1)').fill('s3cr3t-s3cr3t-s3cr3t');
  await shot(page, 'v1-1440');
  await form.getByRole('button', { name: 'Add account', exact: true }).click();
  const row = page.getByRole('table', { name: 'Accounts' }).locator('tbody tr', { hasText: 'Aster V1 key' });
  await row.waitFor();
  await row.getByText('V1', { exact: true }).waitFor();
  assert.ok(!(await row.textContent())!.includes('authFamily'), 'the bookkeeping field stays out of the hint');
  const stored = ((await api('GET', '/api/accounts')).body as AccountDto[]).find((a) => a.name === 'Aster V1 key');
  assert.equal(stored?.authFamily, 'v1');

  // editing keeps the stored family; switching shows the other family's fields and says the key is replaced
  await page.getByRole('button', { name: 'Edit Aster V1 key' }).click();
  const edit = page.getByRole('form', { name: 'Edit account Aster V1 key' });
  assert.ok(await edit.getByRole('radio', { name: /^V1/ }).isChecked());
  await edit.getByRole('radio', { name: /^V3/ }).check();
  await edit.getByText('Switching from V1 replaces the stored key').waitFor();
  assert.equal(await edit.getByLabel('API wallet private key', { exact: true }).getAttribute('placeholder'), null, 'no stored V1 key offered as the V3 key');
  await edit.getByLabel('Wallet address (user)', { exact: true }).fill('not an address');
  await edit.getByRole('button', { name: 'Save account' }).click();
  await edit.getByText('the wallet address (user) must be an address: 0x and 40 hex digits', { exact: true }).waitFor();
  await edit.getByText('V3 (API wallet) needs the API wallet private key', { exact: true }).waitFor();
  await shot(page, 'switch-errors-1440');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: '+ Add account' }).click();
  await page.getByRole('form', { name: 'Add account' }).getByRole('radiogroup', { name: 'API family' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal overflow at 390 px (${overflow} px)`);
  await shot(page, 'v3-390');

  const unexpected = errors.filter((e) => !/Failed to load resource/.test(e));
  assert.deepEqual(unexpected, [], 'no errors in the browser console');
  await context.close();
});
