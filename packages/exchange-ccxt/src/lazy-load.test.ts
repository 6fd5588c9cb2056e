// ccxt costs ~300 ms and ~60 MB to load: importing this package must not load it, the first
// connect() must. Checked in a fresh process with a module resolve hook that sees every import.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const probe = fileURLToPath(new URL('../test-support/import-probe.ts', import.meta.url));

test('importing the package loads no ccxt module; the first connect() loads ccxt', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', probe], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    afterImport: number;
    beforeConnect: { flag: boolean };
    afterConnect: { flag: boolean; instrument: string };
    total: number;
  };
  assert.equal(result.afterImport, 0, 'no module under node_modules/ccxt is resolved by importing @mm/exchange-ccxt');
  assert.equal(result.beforeConnect.flag, false, 'the adapter has not loaded ccxt before connect()');
  assert.equal(result.afterConnect.flag, true, 'connect() loaded ccxt');
  assert.equal(result.afterConnect.instrument, 'CONF/USDC');
  assert.ok(result.total > 0);
});

test('no source file imports ccxt statically (only the loader, by dynamic import)', () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(`${dir}/${name}`, 'utf8');
    assert.ok(!/^import\s+(?!type\b)[^;]*from\s+['"]ccxt['"]/m.test(text), `${name} imports ccxt statically`);
    assert.ok(!/require\(['"]ccxt['"]\)/.test(text), `${name} requires ccxt`);
  }
});
