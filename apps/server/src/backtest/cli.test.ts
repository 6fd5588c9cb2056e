// The CLI end to end: a sweep refuses bad keys before running anything, and a small sweep ranks
// its runs and saves the best config in a form validateBotConfig accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBotConfig } from '@mm/core';
import { parseCliArgs } from './cli-args.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const CLI = new URL('./cli.ts', import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

test('arguments: sweeps repeat, numbers are checked, --html and --save-best only where they mean something', () => {
  const a = parseCliArgs(['--config', 'f.json', '--sweep', 'a=1,2', '--sweep', 'b=x', '--workers', '3', '--save-best', 'b.json']);
  assert.ok(!('error' in a));
  assert.deepEqual([a.sweep, a.workers, a.saveBest, a.hours, a.seed], [['a=1,2', 'b=x'], 3, 'b.json', 24, 1]);
  const error = (argv: string[]) => {
    const r = parseCliArgs(argv);
    return 'error' in r ? r.error : '';
  };
  assert.match(error(['--config', 'f', '--workers', '0']), /--workers/);
  assert.match(error(['--config', 'f', '--save-best', 'b.json']), /needs a --sweep/);
  assert.match(error(['--config', 'f', '--sweep', 'a=1', '--html', 'r.html']), /--html renders one run/);
  assert.match(error(['--config', 'f', '--hours']), /--hours needs a value/);
  assert.match(error(['--config', 'f', '--bogus']), /unknown option --bogus/);
});

test('a sweep with a bad key or value stops before any run, naming each problem', () => {
  const r = run(['--config', 'examples/synthetic-spot-backtest.json', '--sweep', 'marketMaking.bidSpred.minPct=0.4', '--sweep', 'volume.mode=MAKER_ONLY,MIXED']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nothing was run/);
  assert.match(r.stderr, /marketMaking\.bidSpred\.minPct: no such bot config field/);
  const values = run(['--config', 'examples/synthetic-spot-backtest.json', '--sweep', 'volume.mode=MAKER_ONLY,MIXED']);
  assert.equal(values.status, 2);
  assert.match(values.stderr, /volume\.mode=MAKER_ONLY: volume\.mode: /);
  assert.doesNotMatch(values.stderr, /sweep: \d+ runs/);
});

test('a small sweep: progress, a ranked table, the best config saved and valid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-sweep-'));
  const config = join(dir, 'spot.json');
  const example = JSON.parse(readFileSync(join(ROOT, 'examples/synthetic-spot-backtest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(config, JSON.stringify({ ...example, start: '2026-01-05T06:00:00Z' }));
  const best = join(dir, 'best.json');
  const out = join(dir, 'sweep.json');
  const r = run(['--config', config, '--hours', '1', '--seed', '2', '--sweep', 'marketMaking.bidSpread.minPct=0.2,0.3', '--workers', '2', '--save-best', best, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /sweep: 2 runs of 1 h, seed 2, on 2 worker threads/);
  assert.match(r.stderr, /\[2\/2\] marketMaking\.bidSpread\.minPct=0\.[23]/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { best: number; rows: { index: number; point: Record<string, number>; summary: { costOfVolumeBps: number } }[] };
  assert.equal(result.rows.length, 2);
  assert.ok(result.rows[0]!.summary.costOfVolumeBps <= result.rows[1]!.summary.costOfVolumeBps, 'cheapest first');
  assert.equal(result.best, result.rows[0]!.index);
  const saved = JSON.parse(readFileSync(best, 'utf8')) as unknown;
  const check = validateBotConfig(saved);
  assert.ok(check.ok, JSON.stringify(check));
  assert.equal(check.config.marketMaking.bidSpread.minPct, result.rows[0]!.point['marketMaking.bidSpread.minPct']);
  assert.equal(check.config.accountId, 'paper');
  assert.equal(check.config.seed, 2);
  assert.match(r.stdout, /#\s+marketMaking\.bidSpread\.minPct\s+cost bps/);
});
