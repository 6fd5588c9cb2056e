// Password hashes: the stored format names its parameters, the current ones need 32 MiB, and a
// hash made with other parameters (the earlier N=2^17) still verifies.
import { scrypt } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from './passwords.ts';

test('a new hash names scrypt N=2^15, r=8, p=3 and verifies only its own password', async () => {
  const stored = await hashPassword('correct horse battery staple');
  const [kind, n, r, p, salt, hash] = stored.split('$');
  assert.deepEqual([kind, Number(n), Number(r), Number(p)], ['scrypt', 2 ** 15, 8, 3]);
  assert.equal(Buffer.from(salt!, 'base64url').length, 16);
  assert.equal(Buffer.from(hash!, 'base64url').length, 32);
  assert.ok(128 * Number(n) * Number(r) <= 32 * 1024 * 1024, 'the working memory stays at 32 MiB');
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
  assert.notEqual(await hashPassword('correct horse battery staple'), stored, 'every hash has its own salt');
});

test('a hash stored with the earlier parameters (N=2^17, r=8, p=1) still verifies', async () => {
  const salt = Buffer.alloc(16, 9);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt('an older password', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (error, k) => (error ? reject(error) : resolve(k))),
  );
  const stored = ['scrypt', 2 ** 17, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
  assert.equal(await verifyPassword('an older password', stored), true);
  assert.equal(await verifyPassword('another password', stored), false);
});

test('a stored value that is not an scrypt hash never verifies', async () => {
  assert.equal(await verifyPassword('x', 'bcrypt$10$abc'), false);
  assert.equal(await verifyPassword('x', 'scrypt$16384$8$1$onlyfive'), false);
});
