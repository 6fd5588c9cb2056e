// Sweep throughput: the same small grid (4 configs × 2 simulated hours of the spot example,
// inside its volume window) through the worker pool with every core, then with one worker.
// Figures: simulated hours per wall second and runs per minute for both, and the speed-up.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { BacktestSpec } from '../apps/server/src/backtest/types.ts';
import { planSweep } from '../apps/server/src/backtest/sweep/grid.ts';
import { runSweep } from '../apps/server/src/backtest/sweep/sweep.ts';
import type { Benchmark } from './types.ts';

const HOURS = 2;
const GRID = ['marketMaking.bidSpread.minPct=0.4,0.8', 'volume.mode=MAKER_FIRST,MIXED'];

function prepare() {
  const example = JSON.parse(readFileSync(new URL('../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;
  const spec: BacktestSpec = { ...example, start: '2026-01-05T06:00:00Z' };
  const plan = planSweep(spec.bot, GRID);
  if (!plan.ok) throw new Error(plan.errors.join('\n'));
  return { spec, plan };
}

async function timed(prepared: ReturnType<typeof prepare>, workers: number): Promise<{ seconds: number; failed: number }> {
  const start = process.hrtime.bigint();
  const result = await runSweep(prepared.spec, prepared.plan.axes, prepared.plan.runs, { hours: HOURS, seed: 1, workers });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, failed: result.rows.filter((r) => r.summary === undefined).length };
}

export const sweepBenchmarks: Benchmark[] = [
  {
    name: 'sweep.workers',
    description: `parameter sweep, 4 configs × ${HOURS} simulated hours: all ${availableParallelism()} cores vs 1 worker thread`,
    runs: 3,
    prepare,
    run: async (p) => {
      const prepared = p as ReturnType<typeof prepare>;
      const runs = prepared.plan.runs.length;
      const all = await timed(prepared, availableParallelism());
      const one = await timed(prepared, 1);
      if (all.failed + one.failed > 0) throw new Error(`${all.failed + one.failed} sweep runs failed`);
      return {
        'sweep.sim_hours_per_s_all_cores': (runs * HOURS) / all.seconds,
        'sweep.sim_hours_per_s_1_worker': (runs * HOURS) / one.seconds,
        'sweep.runs_per_min_all_cores': (runs * 60) / all.seconds,
        'sweep.runs_per_min_1_worker': (runs * 60) / one.seconds,
        'sweep.speedup_all_cores': one.seconds / all.seconds,
      };
    },
  },
];
