// The runner fleet as an operator runs it on one machine (issue #17): the server with
// RUNNERS=external on a scratch PostgreSQL database, 4 runner processes, 100 paper bots on 4
// paper accounts (both symbols of the paper exchange) created and started through the API.
// Then, after a warm-up:
//   - memory: each runner's RSS and heap as it reports them (GET /api/runners, every heartbeat),
//     the server's RSS from /proc, medians over the measuring window;
//   - command to action: bots paused and resumed one command at a time through the API, spread
//     over every runner. (a) the HTTP round trip (the API answers once the runner has carried
//     the command out), (b) the time from the request until GET /api/bots/:id shows the new
//     state (polled back to back while the command is under way).
//
//   node --import tsx bench/fleet/measure.ts [--mode prod|dev] [--bots 100] [--runners 4] [--commands 240] [--cold] [--live-heap]
//   (--cold: the bots exist before the runners start, as after a restart of the whole fleet;
//   --live-heap: each runner's heap after a full collection as well)
//   (PostgreSQL from TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BotSummaryDto, RunnerDto } from '@mm/core';
import { createTestDatabase } from '@mm/storage/test-support/postgres';
import { demoBotScaled } from '../../apps/server/src/demo-bot.ts';
import { apiClient } from '../memory/fleet.ts';
import type { ApiCall } from '../memory/fleet.ts';
import { startProdNodeOptions } from '../memory/server.ts';
import { buildFleetBundles } from '../bundle.ts';
import { argValue, modeArg } from '../cli-args.ts';
import type { BenchMode } from '../cli-args.ts';
import { Child, procMemoryMb } from './processes.ts';
import { median, percentile, round1 } from './stats.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../memory/probe.mjs', import.meta.url));
const PASSWORD = 'fleet bench password';
const RUNNER_TOKEN = 'fleet-bench-runner-token-0123456789';
const MB = 1_048_576;
const SYMBOLS = ['DEMOUSDT', 'DEMOUSDT-PERP'] as const;

export interface FleetOptions {
  readonly mode: BenchMode;
  readonly bots: number;
  readonly runners: number;
  /** Pause and resume commands (half each) in each of the two phases: unwatched, then watched. */
  readonly commands: number;
  /** Paper accounts the bots are spread over (each has the paper exchange's default funding). */
  readonly accounts: number;
  /** After every bot runs, before anything is measured. */
  readonly warmupMs: number;
  /** Memory is sampled for at least this long (and for as long as the commands take). */
  readonly windowMs: number;
  /** Bots created (and started) before the runners: the fleet's start on bots already there. */
  readonly cold?: boolean;
  /**
   * Each runner also writes its heap after a full collection every 5 s (bench/memory/probe.mjs):
   * the live heap, where the reported heapUsed includes garbage not yet collected. The forced
   * collections cost the runners some time, so the latency figures are taken without it.
   */
  readonly liveHeap?: boolean;
  readonly log?: (line: string) => void;
}

export const DEFAULT_FLEET: FleetOptions = { mode: 'prod', bots: 100, runners: 4, commands: 240, accounts: 4, warmupMs: 20_000, windowMs: 40_000 };

export interface RunnerMemory {
  readonly name: string;
  readonly bots: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** With liveHeap: the last heap after a full collection. */
  readonly liveHeapMb?: number;
}

export interface Spread {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

interface CommandTiming {
  readonly httpMs: number;
  readonly visibleMs?: number;
}

export interface FleetResult {
  /** From the first bot's creation (cold: the runners' start) until every bot is RUNNING and each runner holds its fair share. */
  readonly allRunningS: number;
  readonly runningBots: number;
  readonly runners: RunnerMemory[];
  readonly serverRssMb: number;
  readonly serverPeakRssMb: number;
  /** Commands carried out as asked (the answer showed the new state). */
  readonly commands: number;
  readonly failures: number;
  /** The HTTP round trip, commands one at a time and nothing else asking the server. */
  readonly httpMs: Spread;
  /** The same with GET /api/bots/:id polled beside each command. */
  readonly watchedHttpMs: Spread;
  /** From the request until GET /api/bots/:id shows the new state. */
  readonly visibleMs: Spread;
  /** Queued to done by the database's clock (created_at to done_at): the runner's part of the round trip. */
  readonly runnerMs: Spread;
  readonly runnerPauseMs: Spread;
  readonly runnerResumeMs: Spread;
  /** Commands per runner (by the holder at the time). */
  readonly commandsPerRunner: Record<string, number>;
  /** SIGTERM to the last runner's exit (every runner drains at once). */
  readonly drainS: number;
}

/** A bot config for the fleet: the demo bot's grid, scaled so 25 bots share one paper account's 10,000 USDT and 20,000 DEMO. */
export function fleetBotConfig(index: number, accountId: string): Record<string, unknown> {
  return demoBotScaled(
    { name: `fleet bot ${index + 1}`, accountId, symbol: SYMBOLS[index % SYMBOLS.length]! },
    { bidBudgetQuote: '200', askBudgetBase: '400' },
    { dailyTargetQuote: '2000', minTradeQuote: '10', maxTradeQuote: '30' },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

const stats = (values: number[]): Spread => ({ p50: round1(median(values)), p95: round1(percentile(values, 95)), p99: round1(percentile(values, 99)), max: round1(Math.max(...values)) });

export async function measureFleet(options: FleetOptions = DEFAULT_FLEET): Promise<FleetResult> {
  const log = options.log ?? (() => undefined);
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-fleet-bench-'));
  let server: Child | undefined;
  const runners: Child[] = [];
  const stopAll = async () => {
    await Promise.all(runners.map((r) => r.stop(20_000)));
    await server?.stop(20_000);
  };
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    let serverArgs: string[];
    let runnerArgs: string[];
    if (options.mode === 'prod') {
      const bundles = await buildFleetBundles();
      serverArgs = [...startProdNodeOptions(pkg.scripts['start:prod']!), bundles.server];
      runnerArgs = [...startProdNodeOptions(pkg.scripts['start:runner']!), bundles.runner];
    } else {
      serverArgs = ['--import', 'tsx', 'apps/server/src/main.ts'];
      runnerArgs = ['--import', 'tsx', 'apps/runner/src/main.ts'];
    }
    const shared = {
      ...process.env,
      NODE_ENV: options.mode === 'prod' ? 'production' : 'development',
      DATABASE_URL: db.url,
      APP_SECRET: 'fleet bench secret 0123456789abcdef',
      RUNNER_TOKEN,
      LOG_LEVEL: 'warn',
    };
    server = new Child('the server', serverArgs, { cwd: ROOT, env: { ...shared, RUNNERS: 'external', DATA_DIR: dataDir, PORT: '0', ADMIN_PASSWORD: PASSWORD, DEMO_BOT: 'false' } });
    const base = (await server.waitFor(/is running: (http:\/\/\S+)/, 90_000))[1]!;
    const venueUrl = `${base.replace(/^http/, 'ws')}/api/venue`;
    log(`server at ${base} (pid ${server.pid})`);

    const { call } = await apiClient(base, PASSWORD, false);
    const spawnRunners = async () => {
      for (let i = 0; i < options.runners; i++) {
        const probe = options.liveHeap === true ? { MM_MEMORY_PROBE: join(dataDir, `probe-fleet-${i + 1}.jsonl`), MM_MEMORY_PROBE_MS: '5000' } : {};
        const args = options.liveHeap === true ? ['--expose-gc', '--import', PROBE, ...runnerArgs] : runnerArgs;
        runners.push(new Child(`runner ${i + 1}`, args, { cwd: ROOT, env: { ...shared, ...probe, RUNNER_NAME: `fleet-${i + 1}`, PAPER_VENUE_URL: venueUrl } }));
      }
      await Promise.all(runners.map((r) => r.waitFor(/is running/, 90_000)));
      await until(`${options.runners} live runners`, 30_000, async () => {
        const list = (await call('GET', '/api/runners')) as RunnerDto[];
        return list.filter((r) => r.alive).length === options.runners ? true : undefined;
      });
      log(`${options.runners} runners alive`);
    };
    const accountIds = ['paper'];
    for (let i = 2; i <= options.accounts; i++) {
      const account = (await call('POST', '/api/accounts', { name: `Fleet paper ${i}`, venue: 'sim' })) as { id: string };
      accountIds.push(account.id);
    }
    const createBots = () =>
      pool(
        Array.from({ length: options.bots }, (_, i) => i),
        4,
        async (i) => {
          const created = (await call('POST', '/api/bots', fleetBotConfig(i, accountIds[i % accountIds.length]!))) as { id: string };
          // without a runner the API records the intent (desired: running) and the first claim starts it
          await call('POST', `/api/bots/${created.id}/actions/start`);
          return created.id;
        },
      );

    // by default the runners first: bots created into a running fleet are claimed by fair share
    // as they come; cold: the whole fleet starts on bots that are there already (a restart)
    let t0: number;
    let ids: string[];
    if (options.cold === true) {
      ids = await createBots();
      t0 = performance.now();
      await spawnRunners();
    } else {
      await spawnRunners();
      t0 = performance.now();
      ids = await createBots();
    }
    const share = Math.ceil(options.bots / options.runners);
    let lastReport = 0;
    const started = await until('every bot RUNNING and each runner at its fair share', options.cold === true ? 400_000 : 180_000, async () => {
      const bots = ((await call('GET', '/api/bots')) as BotSummaryDto[]).filter((b) => ids.includes(b.id));
      const held = new Map<string, number>();
      for (const b of bots) if (b.lease !== undefined) held.set(b.lease.runnerName, (held.get(b.lease.runnerName) ?? 0) + 1);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`${round1((lastReport - t0) / 1000)} s: ${bots.filter((b) => b.state === 'RUNNING').length} RUNNING; held ${[...held].sort().map(([n, c]) => `${n} ${c}`).join(', ')}`);
      }
      if (bots.some((b) => b.state !== 'RUNNING' || b.lease === undefined)) return undefined;
      return held.size === options.runners && [...held.values()].every((n) => n <= share) ? bots : undefined;
    });
    const allRunningS = round1((performance.now() - t0) / 1000);
    log(`all ${ids.length} bots RUNNING, ${share} per runner, ${allRunningS} s after ${options.cold === true ? 'the runners were started' : 'the first was created'}; warming up ${options.warmupMs / 1000} s`);
    await sleep(options.warmupMs);

    // memory, sampled through the whole window (commands included: that is when the fleet works hardest)
    const windowStart = Date.now();
    const runnerSamples = new Map<string, { name: string; bots: number[]; rss: number[]; heap: number[] }>();
    const serverRss: number[] = [];
    let sampling = true;
    let sampleError: unknown;
    // a failed sample ends the run (through the checks below), never as an unhandled rejection
    const sampler = (async () => {
      while (sampling) {
        for (const r of (await call('GET', '/api/runners')) as RunnerDto[]) {
          if (!r.alive) continue;
          const s = runnerSamples.get(r.id) ?? { name: r.name, bots: [], rss: [], heap: [] };
          s.bots.push(r.botCount);
          s.rss.push(r.rssBytes / MB);
          s.heap.push(r.heapBytes / MB);
          runnerSamples.set(r.id, s);
        }
        serverRss.push(procMemoryMb(server!.pid).rss);
        await sleep(2_000);
      }
    })().catch((error: unknown) => {
      sampleError = error;
    });
    const checkAlive = () => {
      if (sampleError !== undefined) throw new Error(`sampling the fleet failed: ${(sampleError as Error).message}`, { cause: sampleError });
      const gone = [server!, ...runners].find((c) => !c.running);
      if (gone !== undefined) throw new Error(`${gone.label} exited during the run`);
    };

    // command to action: bots taken in turn from each runner, each paused then resumed; first
    // with nothing else asking the server (the round trip), then with GET /api/bots/:id polled
    // back to back beside each command (when the change shows)
    const byRunner = new Map<string, BotSummaryDto[]>();
    for (const b of started) byRunner.set(b.lease!.runnerId, [...(byRunner.get(b.lease!.runnerId) ?? []), b]);
    const queues = [...byRunner.values()];
    const order: BotSummaryDto[] = [];
    for (let i = 0; order.length < options.bots; i++) for (const q of queues) if (i < q.length) order.push(q[i]!);
    const perRunner: Record<string, number> = {};
    let failures = 0;
    const phase = async (watch: boolean): Promise<CommandTiming[]> => {
      const out: CommandTiming[] = [];
      for (let i = 0; i < options.commands; i++) {
        checkAlive();
        const bot = order[Math.floor(i / 2) % order.length]!;
        const action = i % 2 === 0 ? 'pause' : 'resume';
        const outcome = await timeCommand(call, bot.id, action, action === 'pause' ? 'PAUSED' : 'RUNNING', watch);
        if (outcome === undefined) {
          failures++;
          continue;
        }
        out.push(outcome);
        const name = bot.lease!.runnerName;
        perRunner[name] = (perRunner[name] ?? 0) + 1;
      }
      return out;
    };
    const http = (await phase(false)).map((t) => t.httpMs);
    const watched = await phase(true);
    const visible = watched.map((t) => t.visibleMs!);
    const runnerSide = await commandDurations(db.url);
    const spread = (values: number[]) => {
      const s = stats(values);
      return `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} / max ${s.max} ms`;
    };
    log(`queued to done in the runner: pause ${spread(runnerSide.filter((r) => r.action === 'pause').map((r) => r.ms))}; resume ${spread(runnerSide.filter((r) => r.action === 'resume').map((r) => r.ms))}`);
    log(`${http.length + watched.length} commands carried out, ${failures} not`);
    const rest = options.windowMs - (Date.now() - windowStart);
    if (rest > 0) await sleep(rest);
    sampling = false;
    await sampler;
    checkAlive();

    const final = ((await call('GET', '/api/bots')) as BotSummaryDto[]).filter((b) => ids.includes(b.id));
    const serverPeakRssMb = round1(procMemoryMb(server.pid).hwm);
    const memory = [...runnerSamples.values()]
      .map((s) => ({ name: s.name, bots: median(s.bots), rssMb: round1(median(s.rss)), heapMb: round1(median(s.heap)), ...liveHeapOf(dataDir, s.name) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));

    const drainStarted = Date.now();
    await Promise.all(runners.map((r) => r.stop(20_000)));
    const drainS = round1((Date.now() - drainStarted) / 1000);

    return {
      allRunningS,
      runningBots: final.filter((b) => b.state === 'RUNNING').length,
      runners: memory,
      serverRssMb: round1(median(serverRss)),
      serverPeakRssMb,
      commands: http.length + watched.length,
      failures,
      httpMs: stats(http),
      watchedHttpMs: stats(watched.map((t) => t.httpMs)),
      visibleMs: stats(visible),
      runnerMs: stats(runnerSide.map((r) => r.ms)),
      runnerPauseMs: stats(runnerSide.filter((r) => r.action === 'pause').map((r) => r.ms)),
      runnerResumeMs: stats(runnerSide.filter((r) => r.action === 'resume').map((r) => r.ms)),
      commandsPerRunner: perRunner,
      drainS,
    };
  } catch (error) {
    const tails = [server, ...runners].filter((c) => c !== undefined).map((c) => `--- ${c.label}:\n${c.tail().slice(-1_500)}`);
    throw new Error(`${(error as Error).message}\n${tails.join('\n')}`, { cause: error });
  } finally {
    await stopAll();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * One command: the HTTP round trip, and with `watch` the first moment GET /api/bots/:id shows
 * the expected state (polled back to back from the request on). undefined when the command was not carried
 * out (the answer shows another state, or an error).
 */
async function timeCommand(call: ApiCall, botId: string, action: string, expected: string, watch: boolean): Promise<CommandTiming | undefined> {
  const t0 = performance.now();
  let httpMs: number | undefined;
  let settledAt: number | undefined;
  let visibleMs: number | undefined;
  const request = call('POST', `/api/bots/${botId}/actions/${action}`)
    .then(
      (summary) => {
        httpMs = performance.now() - t0;
        return (summary as BotSummaryDto).state === expected;
      },
      () => false,
    )
    .finally(() => (settledAt = performance.now()));
  const poll = (async () => {
    if (!watch) return;
    // until it shows, or until it has not shown for a while after the answer
    while (visibleMs === undefined && (settledAt === undefined || performance.now() - settledAt < 5_000)) {
      const detail = (await call('GET', `/api/bots/${botId}`).catch(() => undefined)) as BotSummaryDto | undefined;
      if (detail?.state === expected) visibleMs = performance.now() - t0;
      else if (detail === undefined) await sleep(20);
    }
  })();
  const ok = await request;
  await poll;
  if (!ok || httpMs === undefined || (watch && visibleMs === undefined)) return undefined;
  return visibleMs === undefined ? { httpMs } : { httpMs, visibleMs };
}

/** The last live heap a runner's probe wrote, if it has one. */
function liveHeapOf(dataDir: string, name: string): { liveHeapMb?: number } {
  const file = join(dataDir, `probe-${name}.jsonl`);
  if (!existsSync(file)) return {};
  const last = readFileSync(file, 'utf8').trim().split('\n').at(-1);
  return last === undefined || last === '' ? {} : { liveHeapMb: round1((JSON.parse(last) as { heapUsed: number }).heapUsed / MB) };
}

/** Queued to done of every pause and resume, by the database's clock. */
async function commandDurations(url: string): Promise<{ action: string; ms: number }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ action: string; ms: number }>(
      `select action, (extract(epoch from done_at - created_at) * 1000)::float8 as ms from bot_commands where status = 'done' and action in ('pause', 'resume')`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: string) => argValue(args, name, fallback);
  const mode = modeArg(args);
  const result = await measureFleet({
    ...DEFAULT_FLEET,
    mode,
    bots: Number(value('--bots', String(DEFAULT_FLEET.bots))),
    runners: Number(value('--runners', String(DEFAULT_FLEET.runners))),
    commands: Number(value('--commands', String(DEFAULT_FLEET.commands))),
    cold: args.includes('--cold'),
    liveHeap: args.includes('--live-heap'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
