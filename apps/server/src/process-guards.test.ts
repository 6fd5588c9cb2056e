// The guards in a real Node process: Node's own default would end the process on an unhandled
// rejection, and carry on from nowhere after an uncaught exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../test-support/process-guards-child.ts', import.meta.url));

async function runChild(mode: 'rejection' | 'exception'): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines };
}

test('an unhandled rejection is logged with its stack and the process keeps running', async () => {
  const { code, lines } = await runChild('rejection');
  assert.deepEqual(lines, [{ message: 'unhandled promise rejection (logged; trading continues)', error: 'stray send on a closed socket', stack: true }, { alive: true }]);
  assert.equal(code, 0);
});

test('an uncaught exception shuts down gracefully and exits 1 for the supervisor to restart', async () => {
  const { code, lines } = await runChild('exception');
  assert.deepEqual(lines, [
    { message: 'uncaught exception: stopping bots, cancelling their orders and exiting', error: 'state is unknown', stack: true },
    { shutdown: 'uncaught exception', exitCode: 1 },
  ]);
  assert.equal(code, 1);
});
