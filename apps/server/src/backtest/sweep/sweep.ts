// A sweep end to end: every planned run in the worker pool with the same seed, ranked.
import { validateBotConfig } from '@mm/core';
import type { BotConfig } from '@mm/core';
import type { BacktestSpec } from '../types.ts';
import type { PlannedRun, SweepAxis } from './grid.ts';
import { runInWorkers } from './pool.ts';
import type { WorkerReply } from './pool.ts';
import { bestRow, rankRows } from './table.ts';
import type { SweepRow } from './table.ts';

export interface SweepResult {
  readonly hours: number;
  readonly seed: number;
  readonly workers: number;
  readonly axes: readonly SweepAxis[];
  readonly rows: readonly SweepRow[];
  /** Index (into the grid) of the winning run, or null when no run competes. */
  readonly best: number | null;
  readonly wallSeconds: number;
}

export interface SweepOptions {
  readonly hours: number;
  readonly seed: number;
  readonly workers: number;
  readonly onDone?: (reply: WorkerReply, done: number, total: number) => void;
}

export async function runSweep(spec: BacktestSpec, axes: readonly SweepAxis[], runs: readonly PlannedRun[], options: SweepOptions): Promise<SweepResult> {
  const started = process.hrtime.bigint();
  const tasks = runs.map((run) => ({ index: run.index, spec: { ...spec, bot: run.bot }, hours: options.hours, seed: options.seed }));
  const replies = await runInWorkers(tasks, { workers: options.workers, ...(options.onDone === undefined ? {} : { onDone: options.onDone }) });
  const rows = rankRows(runs, replies);
  return {
    hours: options.hours,
    seed: options.seed,
    workers: Math.min(options.workers, runs.length),
    axes,
    rows,
    best: bestRow(rows)?.index ?? null,
    wallSeconds: Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100,
  };
}

/**
 * The winning run's bot config, complete (defaults filled in) and ready to create on the paper
 * account: POST it to /api/bots, or use it as the `bot` of a backtest config file.
 */
export function bestConfig(run: PlannedRun, seed: number): BotConfig {
  const check = validateBotConfig({ ...run.bot, accountId: 'paper', seed });
  if (!check.ok) throw new Error(`the best run's config does not validate: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return check.config;
}
