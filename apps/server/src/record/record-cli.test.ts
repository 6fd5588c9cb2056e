// The recorder as a process: stopped by SIGTERM it closes its file cleanly; killed with -9 the
// file it leaves is still readable up to its last flush.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '@mm/market-data';

const CLI = fileURLToPath(new URL('./record-cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly path: Promise<string>;
  stderr(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function record(out: string): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--venue', 'sim', '--symbol', 'DEMOUSDT-PERP', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  let found: (p: string) => void = () => undefined;
  const path = new Promise<string>((r) => (found = r));
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const m = / → (\S+\.mmrec\.gz)\n/.exec(text);
    if (m !== null) found(m[1]!);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, path, stderr: () => text, exit };
}

/** Waits until the file being written holds at least `n` events. */
async function eventsOnDisk(path: string, n: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const loaded = await loadRecording(path).catch(() => undefined);
    if (loaded !== undefined && loaded.events.length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} never held ${n} events`);
}

test('SIGTERM flushes and closes the recording; kill -9 leaves a file readable up to the last flush', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'record-cli-'));

  const term = record(join(dir, 'term'));
  const termPath = await term.path;
  await eventsOnDisk(termPath, 20);
  term.child.kill('SIGTERM');
  const termExit = await term.exit;
  assert.equal(termExit.code, 0, term.stderr());
  assert.match(term.stderr(), /recording stopped \(SIGTERM\)/);
  const closed = await loadRecording(termPath);
  assert.equal(closed.status.truncated, false);
  assert.deepEqual([closed.header.venue, closed.header.symbol, closed.header.market, closed.header.tickSize], ['sim', 'DEMOUSDT-PERP', 'perp', '0.0001']);
  assert.equal(closed.events[0]?.kind === 'level' && closed.events[0].snapshot, true);

  const killed = record(join(dir, 'kill'));
  const killedPath = await killed.path;
  await eventsOnDisk(killedPath, 20);
  // one more flush (once a second) lands before the kill
  await new Promise((r) => setTimeout(r, 1500));
  const before = await loadRecording(killedPath);
  killed.child.kill('SIGKILL');
  assert.equal((await killed.exit).signal, 'SIGKILL');
  const cut = await loadRecording(killedPath);
  assert.equal(cut.status.truncated, true, 'no gzip trailer after kill -9');
  assert.ok(cut.events.length >= before.events.length && cut.events.length >= 20, `${cut.events.length} events survived`);
  assert.deepEqual(cut.events.slice(0, before.events.length), before.events);
});
