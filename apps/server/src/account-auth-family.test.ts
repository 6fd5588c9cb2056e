// An Asterdex account names its API family (V3 API wallet or V1 HMAC key) explicitly: the API
// refuses credentials that do not fit the family chosen, stores the choice with the encrypted key,
// and the adapter talks that family's protocol (checked against the Asterdex mock on 127.0.0.1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveClock } from '@mm/core';
import type { AccountDto, AccountTestDto } from '@mm/core';
import type { AsterAdapterBase } from '@mm/exchange-asterdex';
import { ASTER_PERP, AsterMockServer, MOCK_ACCOUNT, MOCK_V3_KEY } from '@mm/exchange-asterdex/test-support';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';
import { VenueRegistry } from '@mm/runner';
import { LocalPaperVenues } from './venues/paper-venues.ts';

let s: TestServer;
let mock: AsterMockServer;
before(async () => {
  s = await startTestServer({ DEMO_BOT: 'false' });
  mock = await AsterMockServer.start({ instruments: [ASTER_PERP], accounts: [MOCK_ACCOUNT] });
});
after(async () => {
  await mock.close();
  await s.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });
const V3 = { user: MOCK_ACCOUNT.user, signer: MOCK_ACCOUNT.signer, signerPrivateKey: MOCK_V3_KEY };
const V1 = { apiKey: MOCK_ACCOUNT.apiKey, apiSecret: MOCK_ACCOUNT.apiSecret };
type FieldList = { error: { code: string; message: string; fields: { path: string; message: string }[] } };
const fieldsOf = (body: unknown) => Object.fromEntries((body as FieldList).error.fields.map((f) => [f.path, f.message]));

/** The account's adapter, built by a registry over the server's storage as the bots' registry builds it. */
async function adapterOf(accountId: string): Promise<AsterAdapterBase> {
  const registry = new VenueRegistry(s.app.storage, new LocalPaperVenues(s.app.world), new LiveClock());
  try {
    const adapter = (await registry.forAccount(accountId)) as unknown as AsterAdapterBase;
    return adapter;
  } finally {
    await registry.closeAll().catch(() => undefined);
  }
}

/** Runs the account's connection test and returns the signed REST paths it used. */
async function connectionTest(accountId: string): Promise<{ result: AccountTestDto; paths: string[] }> {
  const from = mock.requests.length;
  const result = (await authed('POST', `/api/accounts/${accountId}/test`)).body as AccountTestDto;
  return { result, paths: mock.requests.slice(from).map((r) => r.path) };
}

test('V1 chosen with V3 fields: 400 with a message on each field', async () => {
  const res = await authed('POST', '/api/accounts', { name: 'aster wrong', venue: 'asterdex', market: 'perp', authFamily: 'v1', credentials: V3, baseUrls: mock.urls });
  assert.equal(res.status, 400, res.text);
  const fields = fieldsOf(res.body);
  assert.match(fields['credentials.user']!, /user is a V3 \(API wallet\) field, but authFamily is "v1": V1 \(HMAC key\) takes apiKey \+ apiSecret \(or choose authFamily "v3"\)/);
  assert.match(fields['credentials.signerPrivateKey']!, /V3 \(API wallet\) field/);
  assert.match(fields['credentials.apiKey']!, /V1 \(HMAC key\) needs the API key/);
  assert.match(fields['credentials.apiSecret']!, /needs the API secret/);
  assert.equal((await authed('GET', '/api/accounts')).text.includes('aster wrong'), false, 'nothing stored');
});

test('V3 chosen with V1 fields or an incomplete wallet: 400; mixed fields without a choice: 400 on authFamily', async () => {
  const v1Fields = fieldsOf((await authed('POST', '/api/accounts', { name: 'x', venue: 'asterdex', authFamily: 'v3', credentials: V1 })).body);
  assert.match(v1Fields['credentials.apiKey']!, /apiKey is a V1 \(HMAC key\) field, but authFamily is "v3"/);
  assert.match(v1Fields['credentials.user']!, /V3 \(API wallet\) needs the wallet address \(user\)/);
  const partial = fieldsOf((await authed('POST', '/api/accounts', { name: 'x', venue: 'asterdex', authFamily: 'v3', credentials: { user: V3.user, signer: 'not-an-address' } })).body);
  assert.deepEqual(Object.keys(partial).sort(), ['credentials.signer', 'credentials.signerPrivateKey']);
  assert.match(partial['credentials.signer']!, /must be an address: 0x and 40 hex digits/);
  const mixed = await authed('POST', '/api/accounts', { name: 'x', venue: 'asterdex', credentials: { ...V1, ...V3 } });
  assert.equal(mixed.status, 400);
  assert.match(fieldsOf(mixed.body)['authFamily']!, /mix V3 fields .* and V1 fields .*; choose authFamily "v3" or "v1"/);
  const none = await authed('POST', '/api/accounts', { name: 'x', venue: 'asterdex', credentials: {} });
  assert.match(fieldsOf(none.body)['authFamily']!, /choose authFamily "v3" .* or "v1"/);
  const bad = await authed('POST', '/api/accounts', { name: 'x', venue: 'asterdex', authFamily: 'v2', credentials: V1 });
  assert.equal(bad.status, 400);
  assert.ok(fieldsOf(bad.body)['authFamily'] !== undefined);
  const bitmart = await authed('POST', '/api/accounts', { name: 'x', venue: 'bitmart', authFamily: 'v1', credentials: { apiKey: 'k', apiSecret: 's', memo: 'm' } });
  assert.match(fieldsOf(bitmart.body)['authFamily']!, /only Asterdex accounts choose an auth family/);
});

test('V1 chosen with V1 fields: 201, stored, and the adapter signs with the V1 key', async () => {
  const res = await authed('POST', '/api/accounts', { name: 'aster v1', venue: 'asterdex', market: 'perp', live: true, authFamily: 'v1', credentials: V1, baseUrls: mock.urls });
  assert.equal(res.status, 201, res.text);
  const account = res.body as AccountDto;
  assert.equal(account.authFamily, 'v1');
  assert.ok(!res.text.includes(V1.apiSecret), 'the secret is never returned');
  assert.equal(((await authed('GET', '/api/accounts')).body as AccountDto[]).find((a) => a.id === account.id)?.authFamily, 'v1');
  const { result, paths } = await connectionTest(account.id);
  assert.ok(result.ok, result.message);
  assert.ok(paths.includes('/fapi/v2/balance'), `V1 balance endpoint used: ${paths.join(', ')}`);
  assert.ok(!paths.some((p) => p.startsWith('/fapi/v3/')), 'no V3 endpoint used');
  assert.equal((await adapterOf(account.id)).family, 'v1');
});

test('V3 chosen with V3 fields: 201 and the adapter signs with the API wallet; the family can be switched', async () => {
  const res = await authed('POST', '/api/accounts', { name: 'aster v3', venue: 'asterdex', market: 'perp', authFamily: 'v3', credentials: V3, baseUrls: mock.urls });
  assert.equal(res.status, 201, res.text);
  const id = (res.body as AccountDto).id;
  assert.equal((res.body as AccountDto).authFamily, 'v3');
  const first = await connectionTest(id);
  assert.ok(first.result.ok, first.result.message);
  assert.ok(first.paths.includes('/fapi/v3/balance'), `V3 balance endpoint used: ${first.paths.join(', ')}`);
  assert.equal((await adapterOf(id)).family, 'v3');

  // the secret left empty keeps the stored one while the family stays
  const kept = await authed('PUT', `/api/accounts/${id}`, { authFamily: 'v3', credentials: { user: V3.user, signer: V3.signer } });
  assert.equal(kept.status, 200, kept.text);
  assert.ok((await connectionTest(id)).result.ok);

  // switching family needs that family's key in full
  const noKey = await authed('PUT', `/api/accounts/${id}`, { authFamily: 'v1' });
  assert.equal(noKey.status, 400);
  assert.match(fieldsOf(noKey.body)['credentials.apiKey']!, /V1 \(HMAC key\) needs the API key/);
  const switched = await authed('PUT', `/api/accounts/${id}`, { authFamily: 'v1', credentials: V1 });
  assert.equal(switched.status, 200, switched.text);
  assert.equal((switched.body as AccountDto).authFamily, 'v1');
  const second = await connectionTest(id);
  assert.ok(second.result.ok, second.result.message);
  assert.ok(second.paths.includes('/fapi/v2/balance') && !second.paths.some((p) => p.startsWith('/fapi/v3/')), second.paths.join(', '));
  const wrong = await authed('PUT', `/api/accounts/${id}`, { authFamily: 'v1', credentials: { signerPrivateKey: MOCK_V3_KEY } });
  assert.match(fieldsOf(wrong.body)['credentials.signerPrivateKey']!, /V3 \(API wallet\) field, but authFamily is "v1"/);
});

test('an account stored before the choice existed keeps the family its fields imply', async () => {
  const v3 = await s.app.storage.accounts.create({ name: 'old v3', venue: 'asterdex', market: 'perp', baseUrls: mock.urls, credentials: V3 });
  const v1 = await s.app.storage.accounts.create({ name: 'old v1', venue: 'asterdex', market: 'perp', baseUrls: mock.urls, credentials: V1 });
  const listed = (await authed('GET', '/api/accounts')).body as AccountDto[];
  assert.equal(listed.find((a) => a.id === v3.id)?.authFamily, 'v3');
  assert.equal(listed.find((a) => a.id === v1.id)?.authFamily, 'v1');
  assert.equal((await adapterOf(v3.id)).family, 'v3');
  assert.equal((await adapterOf(v1.id)).family, 'v1');
  // an update without a family keeps the inferred one and stores it from then on
  const renamed = await authed('PUT', `/api/accounts/${v1.id}`, { credentials: { apiSecret: V1.apiSecret } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await s.app.storage.accounts.getCredentials(v1.id))?.authFamily, 'v1');
  assert.ok((await connectionTest(v1.id)).result.ok);
});
