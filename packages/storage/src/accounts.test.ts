// Venue accounts on both backends: credentials go in as plaintext, are stored sealed, never come
// back from a listing or a log, open only through getCredentials, and move to a new master key
// in one transaction.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import { BACKENDS, capturingLogger, dropTestDatabases, queryRows, truncateAll } from '../test-support/fixtures.ts';
import { deriveMasterKey as derive } from './crypto/master-key.ts';
import type { MasterKey } from './crypto/master-key.ts';
import { rotateMasterKey } from './crypto/rotate.ts';
import type { Storage } from './storage.ts';

const API_KEY = 'AK-4c1d2e3f4a5b6c7d8e9f';
const SECRET = 'SK-very-secret-0123456789abcdef';
const OLD_SECRET = 'old app secret, long enough';
const NEW_SECRET = 'new app secret, long enough';

// scrypt is deliberately slow; derive each test secret once
const derived = new Map<string, Promise<MasterKey>>();
function deriveMasterKey(secret: string): Promise<MasterKey> {
  let key = derived.get(secret);
  if (key === undefined) derived.set(secret, (key = derive(secret)));
  return key;
}

for (const backend of BACKENDS) {
  describe(`venue accounts on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    const logger = capturingLogger();

    before(async () => {
      storage = await backend.open({ logger, masterKey: await deriveMasterKey(OLD_SECRET) });
    });
    after(async () => {
      await storage?.close();
      await dropTestDatabases();
    });
    beforeEach(async () => {
      await truncateAll(storage);
      storage.context.masterKey = await deriveMasterKey(OLD_SECRET);
    });

    test('a paper account keeps the live feed it was created with; other accounts have none', async () => {
      const feed = { venue: 'ccxt' as const, exchange: 'binance', balances: { USDT: '5000', BTC: '0.1' } };
      const created = await storage.accounts.create({ name: 'Binance paper', venue: 'sim', market: 'spot', feed });
      await storage.accounts.create({ id: 'paper', name: 'Paper', venue: 'sim', market: 'spot' });
      assert.deepEqual(created.feed, feed);
      assert.deepEqual((await storage.accounts.get(created.id))?.feed, feed);
      await storage.accounts.update(created.id, { name: 'Binance paper 2' });
      assert.deepEqual((await storage.accounts.get(created.id))?.feed, feed, 'renaming keeps the feed');
      assert.equal((await storage.accounts.get('paper'))?.feed, undefined);
    });

    test('credentials never appear in what accounts return, in the table, or in logs', async () => {
      const created = await storage.accounts.create({
        name: 'Aster main',
        venue: 'asterdex',
        market: 'perp',
        live: true,
        baseUrls: { rest: 'https://fapi.asterdex.com', ws: 'wss://fstream.asterdex.com' },
        credentials: { apiKey: API_KEY, secret: SECRET },
      });
      await storage.accounts.create({ id: 'paper', name: 'Paper', venue: 'sim', market: 'spot' });
      const updated = await storage.accounts.update(created.id, { name: 'Aster main 2' });
      const results = [created, updated, await storage.accounts.get(created.id), await storage.accounts.list()];
      for (const result of results) {
        const text = JSON.stringify(result);
        assert.ok(!text.includes(SECRET) && !text.includes(API_KEY), `no credential in ${text}`);
        assert.ok(!text.includes('v1.'), 'not even the sealed envelope');
      }
      assert.equal(created.credentialsHint, 'apiKey ****8e9f (+ secret)');
      assert.equal(created.hasCredentials, true);
      const list = await storage.accounts.list();
      assert.deepEqual(list.map((a) => [a.id === 'paper' ? 'paper' : 'aster', a.hasCredentials]), [
        ['aster', true],
        ['paper', false],
      ]);
      // what a database dump would show
      const dump = JSON.stringify(await queryRows(storage, sql`select * from venue_accounts`));
      assert.ok(!dump.includes(SECRET) && !dump.includes(API_KEY), 'sealed at rest');
      assert.ok(dump.includes('v1.'), 'the envelope is what is stored');
      assert.ok(!logger.lines.join('\n').includes(SECRET));
    });

    test('getCredentials opens them; updates replace or remove them', async () => {
      const a = await storage.accounts.create({ name: 'BitMart', venue: 'bitmart', market: 'spot', credentials: { apiKey: API_KEY, secret: SECRET, memo: 'desk' } });
      assert.deepEqual(await storage.accounts.getCredentials(a.id), { apiKey: API_KEY, secret: SECRET, memo: 'desk' });
      await storage.accounts.update(a.id, { credentials: { apiKey: 'AK-second-key-000000', secret: 'SK-2' } });
      assert.deepEqual(await storage.accounts.getCredentials(a.id), { apiKey: 'AK-second-key-000000', secret: 'SK-2' });
      const cleared = await storage.accounts.update(a.id, { credentials: null });
      assert.equal(cleared.hasCredentials, false);
      assert.equal(await storage.accounts.getCredentials(a.id), undefined);
      await assert.rejects(storage.accounts.getCredentials('nope'), (e: unknown) => isEngineError(e, 'NOT_FOUND'));
    });

    test('bad input is refused with a clear error', async () => {
      await assert.rejects(storage.accounts.create({ name: 'x', venue: 'sim', market: 'futures' as never }), /market must be "spot" or "perp"/);
      await assert.rejects(storage.accounts.create({ name: 'x', venue: 'sim', market: 'spot', credentials: {} }), /at least one field/);
      await assert.rejects(storage.accounts.create({ name: 'x', venue: 'sim', market: 'spot', baseUrls: { rest: 'ftp://x' } }), /http\(s\) or ws\(s\)/);
      await storage.accounts.create({ name: 'dup', venue: 'sim', market: 'spot' });
      await assert.rejects(storage.accounts.create({ name: 'dup', venue: 'sim', market: 'spot' }), (e: unknown) => isEngineError(e, 'CONFLICT'));
    });

    test('another master key cannot open the stored credentials', async () => {
      const a = await storage.accounts.create({ name: 'k', venue: 'sim', market: 'spot', credentials: { apiKey: API_KEY, secret: SECRET } });
      storage.context.masterKey = await deriveMasterKey('some other secret entirely');
      await assert.rejects(storage.accounts.getCredentials(a.id), (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && !e.message.includes(SECRET));
    });

    test('rotateMasterKey re-encrypts every credential in one transaction', async () => {
      const a = await storage.accounts.create({ name: 'a', venue: 'sim', market: 'spot', credentials: { apiKey: API_KEY, secret: SECRET } });
      const b = await storage.accounts.create({ name: 'b', venue: 'sim', market: 'spot', credentials: { privateKey: SECRET } });
      await storage.accounts.create({ name: 'c', venue: 'sim', market: 'spot' });
      const sealedBefore = await queryRows(storage, sql`select id, credentials_enc from venue_accounts order by id`);

      // a wrong "old" secret changes nothing
      await assert.rejects(rotateMasterKey(storage, await deriveMasterKey('not the old secret at all'), await deriveMasterKey(NEW_SECRET)), (e: unknown) => isEngineError(e, 'INVALID_CONFIG'));
      assert.deepEqual(await queryRows(storage, sql`select id, credentials_enc from venue_accounts order by id`), sealedBefore);
      assert.deepEqual(await storage.accounts.getCredentials(a.id), { apiKey: API_KEY, secret: SECRET });

      // secrets as strings, the way an operator's tool passes them
      const result = await rotateMasterKey(storage, OLD_SECRET, NEW_SECRET);
      assert.equal(result.rotated, 2);
      const newKey = await deriveMasterKey(NEW_SECRET);
      assert.equal(result.newKeyId, newKey.id);
      // the running storage moved to the new key
      assert.deepEqual(await storage.accounts.getCredentials(a.id), { apiKey: API_KEY, secret: SECRET });
      assert.deepEqual(await storage.accounts.getCredentials(b.id), { privateKey: SECRET });
      // a process started with the old secret can no longer read them
      storage.context.masterKey = await deriveMasterKey(OLD_SECRET);
      await assert.rejects(storage.accounts.getCredentials(a.id), (e: unknown) => isEngineError(e, 'INVALID_CONFIG'));
      storage.context.masterKey = newKey;
      // running it again is harmless
      const again = await rotateMasterKey(storage, await deriveMasterKey(OLD_SECRET), newKey);
      assert.deepEqual([again.rotated, again.alreadyRotated], [0, 2]);
      assert.ok(!logger.lines.join('\n').includes(SECRET));
    });

    test('an account used by a bot cannot be deleted', async () => {
      await storage.accounts.create({ id: 'paper', name: 'Paper', venue: 'sim', market: 'spot' });
      const { botConfig } = await import('../test-support/fixtures.ts');
      await storage.bots.create({ config: botConfig() });
      await assert.rejects(storage.accounts.delete('paper'), (e: unknown) => isEngineError(e, 'CONFLICT'));
      const other = await storage.accounts.create({ name: 'unused', venue: 'sim', market: 'spot' });
      assert.equal(await storage.accounts.delete(other.id), true);
    });
  });
}
