// The memory bench runs the bundle with the node options of `npm run start:prod`, read from the
// script so that a changed flag changes the measured process too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProdNodeOptions } from './server.ts';

test('the node options are the flags between node and the script', () => {
  assert.deepEqual(startProdNodeOptions('NODE_ENV=production exec node --enable-source-maps --max-semi-space-size=8 dist/server/main.js'), ['--enable-source-maps', '--max-semi-space-size=8']);
  assert.deepEqual(startProdNodeOptions('node dist/server/main.js --port 1'), []);
});

test('a script that does not run node is refused', () => {
  assert.throws(() => startProdNodeOptions('npm run something'), /does not run node/);
});
