import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runBacktest } from '../run.ts';
import type { BacktestSpec } from '../types.ts';
import { runInWorkers } from './pool.ts';
import { summarize } from './summary.ts';

const example = JSON.parse(readFileSync(new URL('../../../../../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;
const spec: BacktestSpec = { ...example, start: '2026-01-05T06:00:00Z' };

test('worker threads run the TypeScript backtest and give the same figures as a run in this thread', async () => {
  const wide: BacktestSpec = { ...spec, bot: { ...spec.bot, volume: { ...spec.bot.volume, dailyTargetQuote: '20000' } } };
  const broken: BacktestSpec = { ...spec, bot: { ...spec.bot, symbol: 'NOSUCHUSDT' } };
  const done: number[] = [];
  const replies = await runInWorkers(
    [
      { index: 0, spec, hours: 1, seed: 5 },
      { index: 1, spec: broken, hours: 1, seed: 5 },
      { index: 2, spec: wide, hours: 1, seed: 5 },
    ],
    { workers: 2, onDone: (reply, n) => done.push(n + reply.index * 0) },
  );
  assert.deepEqual(replies.map((r) => r.index), [0, 1, 2], 'in task order');
  assert.deepEqual(done, [1, 2, 3], 'progress for every run');
  const failed = replies[1]!;
  assert.ok('error' in failed && /NOSUCHUSDT/.test(failed.error), 'a failing run reports its error; the others go on');
  const here = summarize(await runBacktest(spec, { hours: 1, seed: 5 }));
  const there = replies[0]!;
  assert.ok('summary' in there);
  assert.deepEqual({ ...there.summary, wallSeconds: 0 }, { ...here, wallSeconds: 0 });
  assert.ok('summary' in replies[2]! && replies[2].summary.net !== here.net, 'each worker ran its own config');
});
