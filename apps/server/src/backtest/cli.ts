// npm run backtest -- --config <file> [--hours 24] [--seed 1] [--json] [--out f.json] [--html f.html]
//                     [--sweep path=v1,v2 …] [--workers N] [--save-best best.json]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validateBotConfig } from '@mm/core';
import { USAGE, parseCliArgs } from './cli-args.ts';
import type { CliArgs } from './cli-args.ts';
import { printReport } from './print.ts';
import { renderHtmlReport } from './report/html.ts';
import { runBacktest } from './run.ts';
import type { BacktestSpec } from './types.ts';
import { describePoint, planSweep } from './sweep/grid.ts';
import { bestConfig, runSweep } from './sweep/sweep.ts';
import { formatTable } from './sweep/table.ts';

function usage(message?: string): never {
  if (message) process.stderr.write(`error: ${message}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

function write(path: string, content: string, what: string): void {
  writeFileSync(resolve(path), content);
  process.stderr.write(`wrote ${what} to ${path}\n`);
}

async function single(args: CliArgs, spec: BacktestSpec): Promise<void> {
  const report = await runBacktest(spec, {
    hours: args.hours,
    seed: args.seed,
    onProgress: args.json ? undefined : (done) => process.stderr.write(`\r${(done * 100).toFixed(0)} %`),
  });
  if (!args.json) process.stderr.write('\r');
  if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
  if (args.out !== undefined) write(args.out, JSON.stringify(report, null, 2) + '\n', 'the JSON report');
  if (args.html !== undefined) write(args.html, renderHtmlReport(report), 'the HTML report');
}

async function sweep(args: CliArgs, spec: BacktestSpec): Promise<void> {
  const plan = planSweep(spec.bot, args.sweep);
  if (!plan.ok) usage(`the sweep is invalid, nothing was run:\n${plan.errors.map((e) => `  ${e}`).join('\n')}`);
  const workers = Math.min(args.workers, plan.runs.length);
  process.stderr.write(`sweep: ${plan.runs.length} runs of ${args.hours} h, seed ${args.seed}, on ${workers} worker threads\n`);
  const result = await runSweep(spec, plan.axes, plan.runs, {
    hours: args.hours,
    seed: args.seed,
    workers,
    onDone: (reply, done, total) => {
      const run = plan.runs[reply.index]!;
      const what = 'summary' in reply ? `cost ${reply.summary.costOfVolumeBps ?? '–'} bps, hit ${reply.summary.hitPct} %` : `failed: ${reply.error}`;
      process.stderr.write(`[${done}/${total}] ${describePoint(run.point)}: ${what}\n`);
    },
  });
  if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(`\n${formatTable(plan.axes, result.rows)}\n\n${result.rows.length} runs in ${result.wallSeconds} s wall\n`);
  if (args.out !== undefined) write(args.out, JSON.stringify(result, null, 2) + '\n', 'the sweep result');
  if (args.saveBest !== undefined) {
    if (result.best === null) {
      process.stderr.write('no run reached the target with zero self-trades: nothing saved\n');
      process.exitCode = 1;
      return;
    }
    const run = plan.runs[result.best]!;
    write(args.saveBest, JSON.stringify(bestConfig(run, args.seed), null, 2) + '\n', `the best config (${describePoint(run.point)})`);
  }
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if ('error' in args) usage(args.error);
  let spec: BacktestSpec;
  try {
    spec = JSON.parse(readFileSync(resolve(args.config), 'utf8')) as BacktestSpec;
  } catch (error) {
    usage(`cannot read ${args.config}: ${(error as Error).message}`);
  }
  // a recording is named relative to the config file that names it
  if (spec.recorded !== undefined) {
    if (typeof spec.recorded.recording !== 'string' || spec.recorded.instrument === undefined) usage('"recorded" needs "recording" (a .mmrec.gz file) and "instrument" (symbol, base, quote, kind, tickSize, lotSize, minQty, minNotional)');
    const recording = resolve(dirname(resolve(args.config)), spec.recorded.recording);
    if (!existsSync(recording)) usage(`recorded.recording: ${recording} does not exist`);
    spec = { ...spec, recorded: { ...spec.recorded, recording } };
  }
  const check = validateBotConfig({ ...spec.bot, accountId: 'backtest' });
  if (!check.ok) usage(`invalid bot config:\n${check.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  if (args.sweep.length > 0) await sweep(args, spec);
  else await single(args, spec);
}

main().catch((error: unknown) => {
  process.stderr.write(`backtest failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
