// The server's memory as an operator sees it: the real process (the production bundle, or the
// TypeScript sources under tsx as `npm start` runs them) on a scratch PostgreSQL database, the
// first admin from ADMIN_PASSWORD, 10 paper bots created and started through the API, then
// RSS from /proc and the live heap from a preloaded probe, sampled every few seconds.
//
//   node --import tsx bench/memory/server.ts [--mode prod|dev] [--seconds 120] [--bots 10]
//   (PostgreSQL from TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bundle.ts';
import { argValue, modeArg } from '../cli-args.ts';
import type { BenchMode } from '../cli-args.ts';
import { procMemoryMb } from '../fleet/processes.ts';
import { median, round1 } from '../fleet/stats.ts';
import { createTestDatabase } from '@mm/storage/test-support/postgres';
import { apiClient, startFleet } from './fleet.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));
const PASSWORD = 'memory bench password';
const MB = 1_048_576;

export interface ServerMemoryOptions {
  readonly mode: BenchMode;
  /** How long the fleet runs after the last bot started. */
  readonly seconds: number;
  readonly bots: number;
  readonly sampleMs?: number;
  readonly onSample?: (sample: ServerSample) => void;
}

export interface ServerSample {
  /** Seconds since the fleet was started. */
  readonly at: number;
  readonly rssMb: number;
  /** heapUsed after a full collection. */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
}

export interface ServerMemory {
  readonly samples: ServerSample[];
  /** Median RSS over the last third of the run. */
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** The process's high-water RSS (VmHWM): start-up, migrations, the admin's password hash, the fleet. */
  readonly peakRssMb: number;
  /** RSS at the end against the first sample, in percent. */
  readonly rssDriftPct: number;
  readonly runningBots: number;
}

/**
 * The node options `npm run start:prod` runs the bundle with (e.g. --enable-source-maps), read
 * from package.json so the figure follows the script.
 */
export function startProdNodeOptions(script: string): string[] {
  const words = script.split(/\s+/);
  const node = words.indexOf('node');
  if (node === -1) throw new Error(`start:prod does not run node: ${script}`);
  const out: string[] = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('-')) break;
    out.push(word);
  }
  return out;
}

function waitForAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /is running: (http:\/\/\S+)/.exec(out);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened:\n${out.slice(-2_000)}`)));
  });
}

export async function measureServer(options: ServerMemoryOptions): Promise<ServerMemory> {
  const sampleMs = options.sampleMs ?? 5_000;
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-memory-server-'));
  const probeFile = join(dataDir, 'probe.jsonl');
  let child: ChildProcess | undefined;
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const args =
      options.mode === 'prod'
        ? [...startProdNodeOptions(pkg.scripts['start:prod']!), '--expose-gc', '--import', PROBE, await bundle('apps/server/src/main.ts', 'mm-memory-bench/server')]
        : ['--expose-gc', '--import', PROBE, '--import', 'tsx', 'apps/server/src/main.ts'];
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: options.mode === 'prod' ? 'production' : 'development',
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        PORT: '0',
        ADMIN_PASSWORD: PASSWORD,
        APP_SECRET: 'memory bench secret 0123456789',
        DEMO_BOT: 'false',
        LOG_LEVEL: 'warn',
        MM_MEMORY_PROBE: probeFile,
        MM_MEMORY_PROBE_MS: String(sampleMs),
      },
    });
    const base = await waitForAddress(child);
    const { call } = await apiClient(base, PASSWORD, false);
    const ids = await startFleet(call, options.bots);
    const pid = child.pid!;
    const fleetStarted = Date.now();
    const probeLines = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean) : []);
    const skip = probeLines().length;
    const samples: ServerSample[] = [];
    while (Date.now() - fleetStarted < options.seconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, sampleMs));
      const line = probeLines().at(-1);
      if (line === undefined || probeLines().length <= skip) continue;
      const probe = JSON.parse(line) as { heapUsed: number; heapTotal: number };
      const sample = { at: Math.round((Date.now() - fleetStarted) / 1000), rssMb: round1(procMemoryMb(pid).rss), heapUsedMb: round1(probe.heapUsed / MB), heapTotalMb: round1(probe.heapTotal / MB) };
      samples.push(sample);
      options.onSample?.(sample);
    }
    const peakRssMb = round1(procMemoryMb(pid).hwm);
    const bots = (await call('GET', '/api/bots')) as { id: string; state: string }[];
    const tail = samples.slice(Math.floor((samples.length * 2) / 3));
    return {
      samples,
      rssMb: round1(median(tail.map((s) => s.rssMb))),
      heapUsedMb: round1(median(tail.map((s) => s.heapUsedMb))),
      peakRssMb,
      rssDriftPct: round1(((samples.at(-1)!.rssMb - samples[0]!.rssMb) / samples[0]!.rssMb) * 100),
      runningBots: bots.filter((b) => ids.includes(b.id) && b.state === 'RUNNING').length,
    };
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: string) => argValue(args, name, fallback);
  const mode = modeArg(args);
  const result = await measureServer({
    mode,
    seconds: Number(value('--seconds', '120')),
    bots: Number(value('--bots', '10')),
    onSample: (s) => process.stderr.write(`${String(s.at).padStart(4)} s: rss ${s.rssMb} MB, heapUsed ${s.heapUsedMb} MB (heapTotal ${s.heapTotalMb} MB)\n`),
  });
  process.stdout.write(`${JSON.stringify({ ...result, samples: undefined }, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
