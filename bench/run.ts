// Benchmark runner: `npm run bench [-- --json] [--filter NAME] [--runs N] [--update-baseline]`.
// Each benchmark runs several times; every figure is reported as the median of its runs and
// compared with bench/baseline.json. The machine is shared and noisy: medians, not means, and
// no pass/fail threshold here (a timed assertion never goes in a unit test either).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Benchmark, Figures } from './types.ts';
import { engineBenchmarks } from './engine.bench.ts';
import { simBenchmarks } from './sim.bench.ts';
import { storageBenchmarks } from './storage.bench.ts';
import { marketDataBenchmarks } from './market-data.bench.ts';
import { replayBenchmarks } from './replay.bench.ts';
import { sweepBenchmarks } from './sweep.bench.ts';
import { memoryBenchmarks } from './memory.bench.ts';
import { fleetBenchmarks } from './fleet.bench.ts';

const ALL: Benchmark[] = [...simBenchmarks, ...engineBenchmarks, ...storageBenchmarks, ...marketDataBenchmarks, ...replayBenchmarks, ...sweepBenchmarks, ...memoryBenchmarks, ...fleetBenchmarks];
const BASELINE = new URL('./baseline.json', import.meta.url);

interface Options {
  json: boolean;
  filter: string | undefined;
  runs: number | undefined;
  updateBaseline: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, filter: undefined, runs: undefined, updateBaseline: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--update-baseline') options.updateBaseline = true;
    else if (arg === '--filter') options.filter = argv[++i];
    else if (arg === '--runs') options.runs = Number(argv[++i]);
    else throw new Error(`unknown option ${arg}; use --json, --filter NAME, --runs N, --update-baseline`);
  }
  return options;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const selected = ALL.filter((b) => options.filter === undefined || b.name.includes(options.filter));
  const medians: Figures = {};
  const samples: Record<string, number> = {};
  for (const bench of selected) {
    const prepared = bench.prepare?.();
    const runs = options.runs ?? bench.runs ?? 5;
    const collected: Record<string, number[]> = {};
    for (let i = 0; i < runs; i++) {
      const figures = await bench.run(prepared);
      for (const [key, value] of Object.entries(figures)) (collected[key] ??= []).push(value);
    }
    for (const [key, values] of Object.entries(collected)) {
      medians[key] = round(median(values));
      samples[key] = values.length;
    }
    if (!options.json) process.stderr.write(`done: ${bench.name} (${runs} runs) — ${bench.description}\n`);
  }

  const baseline: Figures = existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as { figures: Figures }).figures : {};
  const comparison: Record<string, { median: number; baseline: number | null; change: string | null }> = {};
  for (const [key, value] of Object.entries(medians)) {
    const base = baseline[key];
    comparison[key] = {
      median: value,
      baseline: base ?? null,
      change: base === undefined || base === 0 ? null : `${value >= base ? '+' : ''}${(((value - base) / base) * 100).toFixed(1)}%`,
    };
  }

  if (options.updateBaseline) {
    const merged = { ...baseline, ...medians };
    writeFileSync(
      BASELINE,
      JSON.stringify({ machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`, updated: new Date().toISOString().slice(0, 10), figures: merged }, null, 2) + '\n',
    );
  }

  if (options.json) {
    process.stdout.write(JSON.stringify({ figures: medians, runs: samples, comparison }, null, 2) + '\n');
    return;
  }
  const width = Math.max(...Object.keys(comparison).map((k) => k.length));
  for (const [key, c] of Object.entries(comparison)) {
    process.stdout.write(`${key.padEnd(width)}  ${String(c.median).padStart(14)}   baseline ${String(c.baseline ?? '—').padStart(14)}   ${c.change ?? ''}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
