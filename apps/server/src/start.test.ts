// `npm start` on a fresh data directory: health within seconds, the demo paper bot RUNNING with
// fills within 60 s, and SIGTERM stops the bots, cancels their orders and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotDetailDto, BotSummaryDto, Page } from '@mm/core';
import { freePort, spawnServer } from '../test-support/process.ts';

const PASSWORD = 'start-test password 1';

test('npm start: health, a RUNNING demo bot with fills within 60 s, and a clean SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-start-'));
  const server = spawnServer({ entry: 'npm-start', dataDir, port: await freePort(), env: { ADMIN_PASSWORD: PASSWORD } });
  try {
    // the first start builds the dashboard (vite), which takes long on a busy machine
    await server.waitForHealth(120_000);
    // the demo bot must be trading within 60 s of the server answering
    const started = Date.now();
    const cookie = await server.login(PASSWORD);
    let demo: BotDetailDto | undefined;
    while (Date.now() - started < 60_000) {
      const bots = (await server.get('/api/bots', cookie)) as BotSummaryDto[];
      const id = bots[0]?.id;
      if (id !== undefined) {
        const detail = (await server.get(`/api/bots/${id}`, cookie)) as BotDetailDto;
        const fills = (await server.get(`/api/bots/${id}/fills`, cookie)) as Page<unknown>;
        if (detail.state === 'RUNNING' && fills.total > 0) {
          demo = detail;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    assert.ok(demo !== undefined, `no RUNNING demo bot with fills within 60 s:\n${server.output.join('')}`);
    assert.equal(demo.mode, 'paper');
    server.child.kill('SIGTERM');
    const { code } = await server.exited();
    assert.equal(code, 0, server.output.join(''));
    assert.ok(!server.output.join('').includes('deadline passed with'), 'every order was cancelled before exit');
    // the operator's intent survives the restart: the demo bot comes back running
    const again = spawnServer({ entry: 'server', dataDir, port: await freePort(), env: { DEMO_BOT: 'false' } });
    try {
      await again.waitForHealth(45_000);
      const c2 = await again.login(PASSWORD);
      const bot = (await again.get(`/api/bots/${demo.id}`, c2)) as BotSummaryDto;
      assert.equal(bot.desiredState, 'running', 'the demo bot comes back on restart');
    } finally {
      again.child.kill('SIGKILL');
      await again.exited();
    }
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
