// The shipped real recordings, replayed: the default example trades on them, repeats exactly,
// never trades with itself, and its PnL is what the exchange's own record of the account says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fx } from '@mm/core';
import { runBacktest } from './run.ts';
import type { BacktestReport, BacktestSpec } from './run.ts';

function example(name: string): BacktestSpec {
  const url = new URL(`../../../../examples/${name}`, import.meta.url);
  const spec = JSON.parse(readFileSync(url, 'utf8')) as BacktestSpec;
  // the CLI resolves the recording against the config file's folder; so does this
  return { ...spec, recorded: { ...spec.recorded!, recording: fileURLToPath(new URL(spec.recorded!.recording, url)) } };
}

const withoutWallTime = (r: BacktestReport) => ({ ...r, wallSeconds: 0 });

test('the NEXOUSDT sample: the default example trades on the recorded market, the same seed gives the same report', async () => {
  const spec = example('spot-backtest.json');
  // three hours from 17:00 UTC, inside the volume window
  const timed: BacktestSpec = { ...spec, start: '2024-07-23T17:00:00Z' };
  const a = await runBacktest(timed, { hours: 3, seed: 2 });
  const b = await runBacktest(timed, { hours: 3, seed: 2 });
  assert.deepEqual(withoutWallTime(a), withoutWallTime(b));
  assert.equal(a.market.kind, 'recorded');
  assert.match(a.market.description, /NEXOUSDT/);
  assert.equal(a.period.start, '2024-07-23T17:00:00.000Z');
  assert.equal(a.selfTrades, 0);
  assert.ok(a.fills.maker > 10, `${a.fills.maker} maker fills from the recorded flow`);
  // the ledger's net equals the exchange's own record of the account at the same mark
  assert.equal(Number(a.accountStatement.difference), 0);
  assert.equal(fx.format(fx.parse(a.accountStatement.ledgerNet), { decimals: 8 }), a.pnl.net);
  // pacing: within the window the leg keeps up with the target
  assert.ok(a.volume.paceHitPct >= 90, `pace ${a.volume.paceHitPct} %`);
  // a different seed is a different run on the same market
  const c = await runBacktest(timed, { hours: 3, seed: 3 });
  assert.notDeepEqual(withoutWallTime(c).series.fills, withoutWallTime(a).series.fills);
});

test('the BTCUSDT sample: a liquid pair, replayed to the end of its 11 minutes', async () => {
  const r = await runBacktest(example('liquid-spot-backtest.json'), { hours: 24, seed: 1 });
  assert.equal(r.period.start.slice(0, 16), '2024-08-08T23:54');
  assert.ok(r.hours < 0.2, `the run stops where the data ends (${r.hours} h)`);
  assert.equal(r.selfTrades, 0);
  assert.ok(r.fills.maker > 10, `${r.fills.maker} maker fills`);
  assert.equal(Number(r.accountStatement.difference), 0);
});
