// The memory soak: the whole server (createApp: storage on PostgreSQL, the paper world, the bot
// manager, the API, the dashboard stream) with 10 paper bots, driven by a SimClock through many
// simulated hours in minutes. Every simulated hour the dashboard's reads are made, the heap is
// collected and heapUsed / RSS are sampled. Anything that grows with simulated time and is
// never trimmed shows up as growth between the first and the last hour.
//
// The database queue is drained after every simulated step: PostgreSQL answers in wall time, so
// without that the soak would measure a backlog of unwritten rows (a machine far too slow for
// its bots), not what the server holds in steady state.
//
//   node --import tsx bench/memory/soak.ts [--hours 24] [--bots 10] [--json] [--snapshots DIR [--snapshot-hours 6,24]]
//   (PostgreSQL from TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres; a
//   scratch database is created and dropped)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SimClock } from '@mm/core';
import { createTestDatabase } from '@mm/storage/test-support/postgres';
import WebSocket from 'ws';
import { createApp } from '../../apps/server/src/app.ts';
import { loadEnv } from '../../apps/server/src/env.ts';
import { argValue } from '../cli-args.ts';
import { round1 } from '../fleet/stats.ts';
import { apiClient, startFleet } from './fleet.ts';

const HOUR = 3_600_000;
const PASSWORD = 'memory soak password';

export interface SoakOptions {
  readonly hours: number;
  readonly bots: number;
  readonly databaseUrl: string;
  /** Simulated time between two drains of the write queue (default 30 s). */
  readonly stepMs?: number;
  readonly onSample?: (sample: SoakSample) => void;
  /** Writes a heap snapshot after these hours' samples (default the first and the last) into snapshotDir. */
  readonly snapshotDir?: string;
  readonly snapshotHours?: readonly number[];
}

export interface SoakSample {
  readonly hour: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly externalMb: number;
  readonly fills: number;
  readonly orders: number;
}

export interface SoakResult {
  readonly samples: SoakSample[];
  /** heapUsed at the last hour against the first, in percent. */
  readonly heapGrowthPct: number;
  /** The largest distance of any hour's heapUsed from the first hour's, in percent. */
  readonly heapMaxDeviationPct: number;
  readonly rssGrowthPct: number;
  readonly wallSeconds: number;
  readonly runningBots: number;
  readonly wsMessages: number;
}

/** A full collection, twice: the second one frees what the first one's finalizers let go. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

const mb = (bytes: number): number => round1(bytes / 1_048_576);
const pct = (now: number, first: number): number => Math.round(((now - first) / first) * 1000) / 10;
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Waits for `work` while simulated time moves in small steps: API calls that reach a bot or the
 * paper venue (balances, a stop's cancels) are answered on the simulated clock.
 */
async function withTimeMoving<T>(clock: SimClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  done.catch(() => undefined);
  while (!settled) {
    await clock.runUntil(clock.now() + 100);
    await realTurn();
  }
  return done;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const wallStart = process.hrtime.bigint();
  const stepMs = options.stepMs ?? 30_000;
  const gc = collector();
  const clock = new SimClock(Date.now());
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-memory-soak-'));
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const app = await createApp({
    env: loadEnv({ DATABASE_URL: options.databaseUrl, DATA_DIR: dataDir, PORT: '0', DEMO_BOT: 'false', LOG_LEVEL: 'warn', APP_SECRET: 'memory soak secret 0123456789' }),
    logStream: sink,
    clock,
  });
  let orders = 0;
  let fills = 0;
  app.runner!.manager.events.on('order', () => orders++);
  app.runner!.manager.events.on('fill', () => fills++);
  let socket: WebSocket | undefined;
  let wsMessages = 0;
  try {
    const base = await app.listen();
    const { call, cookie } = await apiClient(base, PASSWORD, true);
    const ids = await withTimeMoving(clock, startFleet(call, options.bots));
    const allRunning = async () => {
      while (app.runner!.manager.list().filter((b) => b.state === 'RUNNING').length < ids.length) await realTurn();
    };
    await withTimeMoving(clock, allRunning());

    // a dashboard watching the first bot, as the operator's browser would
    socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { cookie, origin: base } });
    socket.on('message', () => wsMessages++);
    await new Promise<void>((resolve, reject) => {
      socket!.once('open', () => resolve());
      socket!.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'subscribe', botId: ids[0] }));

    const samples: SoakSample[] = [];
    const start = clock.now();
    for (let hour = 1; hour <= options.hours; hour++) {
      const until = start + hour * HOUR;
      while (clock.now() < until) {
        await clock.runUntil(Math.min(until, clock.now() + stepMs));
        await app.storage.flush();
        await realTurn();
      }
      // the dashboard's reads: the overview, each bot's page, the ledger
      const reads = async () => {
        await call('GET', '/api/bots');
        for (const id of ids) {
          await call('GET', `/api/bots/${id}`);
          await call('GET', `/api/bots/${id}/fills?limit=50`);
          await call('GET', `/api/bots/${id}/events?limit=50`);
        }
        await call('GET', '/api/ledger');
      };
      await withTimeMoving(clock, reads());
      gc();
      const m = process.memoryUsage();
      const sample = { hour, heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss), externalMb: mb(m.external), fills, orders };
      samples.push(sample);
      options.onSample?.(sample);
      if (options.snapshotDir !== undefined && (options.snapshotHours ?? [1, options.hours]).includes(hour)) writeHeapSnapshot(join(options.snapshotDir, `soak-hour-${String(hour).padStart(2, '0')}.heapsnapshot`));
    }
    const running = app.runner!.manager.list().filter((b) => b.state === 'RUNNING').length;
    const first = samples[0]!;
    const last = samples.at(-1)!;
    return {
      samples,
      heapGrowthPct: pct(last.heapUsedMb, first.heapUsedMb),
      heapMaxDeviationPct: Math.max(...samples.map((s) => Math.abs(pct(s.heapUsedMb, first.heapUsedMb)))),
      rssGrowthPct: pct(last.rssMb, first.rssMb),
      wallSeconds: Math.round(Number(process.hrtime.bigint() - wallStart) / 1e8) / 10,
      runningBots: running,
      wsMessages,
    };
  } finally {
    socket?.close();
    // stopping cancels every bot's orders through the simulated venue: time must move for that
    await withTimeMoving(clock, app.close());
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number) => Number(argValue(args, name, String(fallback)));
  const json = args.includes('--json');
  const db = await createTestDatabase();
  try {
    const result = await runSoak({
      hours: value('--hours', 24),
      bots: value('--bots', 10),
      databaseUrl: db.url,
      ...(args.includes('--snapshots') ? { snapshotDir: argValue(args, '--snapshots', '') } : {}),
      ...(args.includes('--snapshot-hours') ? { snapshotHours: argValue(args, '--snapshot-hours', '').split(',').map(Number) } : {}),
      onSample: json ? undefined : (s) => process.stderr.write(`hour ${String(s.hour).padStart(2)}: heapUsed ${s.heapUsedMb} MB, rss ${s.rssMb} MB, ${s.orders} order events, ${s.fills} fills\n`),
    });
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify({ ...result, samples: undefined }, null, 2)}\n`);
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
