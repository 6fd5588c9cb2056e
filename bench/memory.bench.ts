// Memory benchmarks, all with 10 paper bots on an external PostgreSQL (a scratch database on
// TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres; without a server they report
// nothing and say why):
//   memory.server      the production bundle as `npm run start:prod` runs it: RSS and live heap
//                      with the fleet running, the high-water RSS since start, the RSS drift
//   memory.server_dev  the same under tsx (`npm start`)
//   memory.soak        the whole server on a SimClock through 4 simulated hours (a child
//                      process): growth of the live heap from the first hour to the last
// The whole run takes about 4 minutes. The 24-hour soak takes 10–13 minutes on its own:
// `node --import tsx bench/memory/soak.ts --hours 24`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { postgresSkipReason } from '@mm/storage/test-support/postgres';
import { measureServer } from './memory/server.ts';
import type { SoakResult } from './memory/soak.ts';
import type { Benchmark, Figures } from './types.ts';

const BOTS = 10;
const SOAK_HOURS = 4;

async function skipped(name: string): Promise<boolean> {
  const reason = await postgresSkipReason();
  if (reason !== undefined) process.stderr.write(`skipped: ${name} — ${reason}\n`);
  return reason !== undefined;
}

/** The soak in its own process, so nothing else this runner has allocated is in its heap. */
function soakInChild(hours: number): Promise<SoakResult> {
  const script = fileURLToPath(new URL('./memory/soak.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--hours', String(hours), '--bots', String(BOTS), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the memory soak exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SoakResult);
    });
  });
}

export const memoryBenchmarks: Benchmark[] = [
  {
    name: 'memory.server',
    description: 'production bundle (start:prod flags), 10 paper bots on PostgreSQL for 60 s: RSS, live heap, peak RSS since start, RSS drift',
    runs: 1,
    run: async (): Promise<Figures> => {
      if (await skipped('memory.server')) return {};
      const m = await measureServer({ mode: 'prod', seconds: 60, bots: BOTS });
      return {
        'memory.server_rss_10_bots_mb': m.rssMb,
        'memory.server_heap_used_10_bots_mb': m.heapUsedMb,
        'memory.server_peak_rss_mb': m.peakRssMb,
        'memory.server_rss_drift_pct': m.rssDriftPct,
        'memory.server_running_bots': m.runningBots,
      };
    },
  },
  {
    name: 'memory.server_dev',
    description: 'the server under tsx (npm start), 10 paper bots on PostgreSQL for 45 s: RSS, live heap, peak RSS since start',
    runs: 1,
    run: async (): Promise<Figures> => {
      if (await skipped('memory.server_dev')) return {};
      const m = await measureServer({ mode: 'dev', seconds: 45, bots: BOTS });
      return {
        'memory.server_dev_rss_10_bots_mb': m.rssMb,
        'memory.server_dev_heap_used_10_bots_mb': m.heapUsedMb,
        'memory.server_dev_peak_rss_mb': m.peakRssMb,
      };
    },
  },
  {
    name: 'memory.soak',
    description: `the whole server with 10 paper bots on a SimClock for ${SOAK_HOURS} simulated hours, heap sampled after GC every hour: growth first → last hour, largest deviation`,
    runs: 1,
    run: async (): Promise<Figures> => {
      if (await skipped('memory.soak')) return {};
      const soak = await soakInChild(SOAK_HOURS);
      return {
        'memory.soak_4h_heap_growth_pct': soak.heapGrowthPct,
        'memory.soak_4h_heap_max_deviation_pct': soak.heapMaxDeviationPct,
        'memory.soak_heap_used_mb': soak.samples.at(-1)!.heapUsedMb,
        'memory.soak_running_bots': soak.runningBots,
      };
    },
  },
];
