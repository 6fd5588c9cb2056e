// Credentials encryption without a database: the envelope, wrong keys, tampering, and where the
// master key comes from (APP_SECRET or a 0600 key file).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import { isEngineError } from '@mm/core';
import { credentialsHint, openCredentials, sealCredentials } from './credentials.ts';
import { KEY_FILE_NAME, MasterKey, deriveMasterKey, loadMasterKey, readKeyFile } from './master-key.ts';
import { envelopeKeyId, open, seal } from './secret-box.ts';

const keyA = new MasterKey(Buffer.alloc(32, 1), 'raw');
const keyB = new MasterKey(Buffer.alloc(32, 2), 'raw');
const SECRET = 'sk_live_9f8e7d6c5b4a3210';

describe('secret box (AES-256-GCM envelope)', () => {
  test('round trip, with a fresh nonce every time', () => {
    const a = seal(keyA, SECRET, 'venue_accounts/x');
    const b = seal(keyA, SECRET, 'venue_accounts/x');
    assert.notEqual(a, b, 'same plaintext, different envelopes');
    assert.equal(open(keyA, a, 'venue_accounts/x'), SECRET);
    assert.ok(!a.includes(SECRET));
    const parts = a.split('.');
    assert.equal(parts.length, 5);
    assert.equal(parts[0], 'v1');
    assert.equal(Buffer.from(parts[2]!, 'base64url').length, 12, '12-byte nonce');
    assert.equal(Buffer.from(parts[4]!, 'base64url').length, 16, '16-byte tag');
    assert.equal(envelopeKeyId(a), keyA.id);
  });

  test('another key fails with a message that names the keys, not the secret', () => {
    const sealed = seal(keyA, SECRET, 'ctx');
    assert.throws(
      () => open(keyB, sealed, 'ctx'),
      (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && e.message.includes(keyA.id) && !e.message.includes(SECRET),
    );
  });

  test('a changed byte or another record fails authentication', () => {
    const sealed = seal(keyA, SECRET, 'venue_accounts/a');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.');
    assert.throws(() => open(keyA, tampered, 'venue_accounts/a'), (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && /authentication/.test(e.message));
    // copied onto another row: the associated data differs
    assert.throws(() => open(keyA, sealed, 'venue_accounts/b'), /authentication/);
    assert.throws(() => open(keyA, 'v0.x.y.z.w', 'venue_accounts/a'), /unknown format/);
  });

  test('a master key never shows its bytes', () => {
    assert.deepEqual(JSON.parse(JSON.stringify({ key: keyA })), { key: { id: keyA.id, source: 'raw' } });
    assert.equal(inspect(keyA), `MasterKey(${keyA.id}, raw)`);
    assert.ok(!Object.values(keyA).some((v) => Buffer.isBuffer(v)));
  });

  test('credentials: sealed as a whole, with a hint that reveals nothing useful', () => {
    const creds = { apiKey: 'AKIA1234567890abcd', secret: SECRET, memo: 'desk-1' };
    const sealed = sealCredentials(keyA, 'acc-1', creds);
    assert.deepEqual(openCredentials(keyA, 'acc-1', sealed), creds);
    assert.equal(credentialsHint(creds), 'apiKey ****abcd (+ memo, secret)');
    assert.equal(credentialsHint({ apiKey: 'short', secret: SECRET }), 'apiKey **** (+ secret)');
    assert.equal(credentialsHint({ privateKey: SECRET }), 'privateKey set');
  });
});

describe('master key sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('APP_SECRET gives the same key every time; a short one is refused', async () => {
    const a = await deriveMasterKey('correct horse battery staple');
    const b = await deriveMasterKey('correct horse battery staple');
    const c = await deriveMasterKey('correct horse battery staplE');
    assert.equal(a.id, b.id);
    assert.notEqual(a.id, c.id);
    assert.equal(a.source, 'app-secret');
    await assert.rejects(deriveMasterKey('too-short'), (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && /openssl rand/.test(e.message));
  });

  test('without APP_SECRET a key file is created with mode 0600 and reused', async () => {
    const keyDir = join(dir, 'nested', 'data');
    const first = await loadMasterKey({ dataDir: keyDir });
    const path = join(keyDir, KEY_FILE_NAME);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(first.source, 'key-file');
    const content = readFileSync(path, 'utf8');
    const second = await loadMasterKey({ dataDir: keyDir, appSecret: '' });
    assert.equal(second.id, first.id, 'the same file, the same key');
    assert.equal(readFileSync(path, 'utf8'), content, 'never overwritten');
    const fromSecret = await loadMasterKey({ dataDir: keyDir, appSecret: 'a-long-enough-app-secret' });
    assert.equal(fromSecret.source, 'app-secret', 'APP_SECRET wins over the file');
  });

  test('a key file others can read is refused with the fix in the message', async () => {
    const keyDir = join(dir, 'loose');
    await loadMasterKey({ dataDir: keyDir });
    const path = join(keyDir, KEY_FILE_NAME);
    chmodSync(path, 0o644);
    assert.throws(() => readKeyFile(path), (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && e.message.includes('0644') && e.message.includes(`chmod 600 ${path}`));
    await assert.rejects(loadMasterKey({ dataDir: keyDir }), /chmod 600/);
    chmodSync(path, 0o600);
    assert.equal((await loadMasterKey({ dataDir: keyDir })).source, 'key-file');
  });
});
