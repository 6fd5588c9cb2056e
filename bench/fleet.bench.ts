// The runner fleet (issue #17): 100 paper bots over 4 runner processes on one machine, on an
// external PostgreSQL (a scratch database on TEST_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres; without a server it reports nothing and says why).
//   fleet.server   the production bundles (start:prod and start:runner flags), the server with
//                  RUNNERS=external serving the paper exchange to the runners: the time until
//                  every bot runs at its runner's fair share, each runner's RSS and heap, the
//                  server's RSS, and command to action (pause/resume through the API, one at a
//                  time, spread over every runner): the HTTP round trip with nothing else asking
//                  the server; then, with GET /api/bots/:id polled beside each command, until it
//                  shows the new state; and the runner's part (queued to done, the database's
//                  clock). Target: p99 under 200 ms.
// About 2 minutes: `node --import tsx bench/fleet/measure.ts` runs it alone (--mode dev under tsx).
import { postgresSkipReason } from '@mm/storage/test-support/postgres';
import { DEFAULT_FLEET, measureFleet } from './fleet/measure.ts';
import { round1 } from './fleet/stats.ts';
import type { Benchmark, Figures } from './types.ts';

export const fleetBenchmarks: Benchmark[] = [
  {
    name: 'fleet.server',
    description: `production bundles, ${DEFAULT_FLEET.bots} paper bots over ${DEFAULT_FLEET.runners} runners on PostgreSQL: time to all running, runner and server memory, command-to-action latency over 2 × ${DEFAULT_FLEET.commands} pause/resume commands`,
    runs: 1,
    run: async (): Promise<Figures> => {
      const reason = await postgresSkipReason();
      if (reason !== undefined) {
        process.stderr.write(`skipped: fleet.server — ${reason}\n`);
        return {};
      }
      const m = await measureFleet({ ...DEFAULT_FLEET, log: (line) => process.stderr.write(`fleet: ${line}\n`) });
      const rss = m.runners.map((r) => r.rssMb);
      const heap = m.runners.map((r) => r.heapMb);
      const figures: Figures = {
        'fleet.all_running_100_bots_s': m.allRunningS,
        'fleet.running_bots': m.runningBots,
        'fleet.command_http_p50_ms': m.httpMs.p50,
        'fleet.command_http_p95_ms': m.httpMs.p95,
        'fleet.command_http_p99_ms': m.httpMs.p99,
        'fleet.command_visible_p50_ms': m.visibleMs.p50,
        'fleet.command_visible_p95_ms': m.visibleMs.p95,
        'fleet.command_visible_p99_ms': m.visibleMs.p99,
        'fleet.command_watched_http_p99_ms': m.watchedHttpMs.p99,
        'fleet.command_runner_p50_ms': m.runnerMs.p50,
        'fleet.command_runner_p99_ms': m.runnerMs.p99,
        'fleet.commands': m.commands,
        'fleet.command_failures': m.failures,
        'fleet.runner_rss_max_mb': Math.max(...rss),
        'fleet.runner_heap_max_mb': Math.max(...heap),
        'fleet.runners_rss_total_mb': round1(rss.reduce((a, b) => a + b, 0)),
        'fleet.server_rss_mb': m.serverRssMb,
        'fleet.server_peak_rss_mb': m.serverPeakRssMb,
        'fleet.drain_s': m.drainS,
      };
      m.runners.forEach((r, i) => {
        figures[`fleet.runner_${i + 1}_bots`] = r.bots;
        figures[`fleet.runner_${i + 1}_rss_mb`] = r.rssMb;
        figures[`fleet.runner_${i + 1}_heap_mb`] = r.heapMb;
      });
      return figures;
    },
  },
];
