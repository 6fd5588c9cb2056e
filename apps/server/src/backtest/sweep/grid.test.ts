import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BacktestSpec } from '../types.ts';
import { cartesian, parseSweepArg, planSweep, schemaTypeAt, setPath } from './grid.ts';

const example = JSON.parse(readFileSync(new URL('../../../../../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;

test('values take the schema\'s type at their path', () => {
  assert.deepEqual(parseSweepArg('marketMaking.bidSpread.minPct=0.4,0.8'), { path: 'marketMaking.bidSpread.minPct', values: [0.4, 0.8] });
  // a decimal-string amount stays a string, as the schema wants it
  assert.deepEqual(parseSweepArg('volume.dailyTargetQuote=20000,40000'), { path: 'volume.dailyTargetQuote', values: ['20000', '40000'] });
  assert.deepEqual(parseSweepArg('marketMaking.inventorySkew.enabled=true,false'), { path: 'marketMaking.inventorySkew.enabled', values: [true, false] });
  assert.deepEqual(parseSweepArg('volume.mode=MAKER_FIRST,MIXED'), { path: 'volume.mode', values: ['MAKER_FIRST', 'MIXED'] });
  assert.deepEqual(parseSweepArg('marketMaking.customWeights=[3]'), { path: 'marketMaking.customWeights', values: [[3]] });
  assert.equal(schemaTypeAt('marketMaking.priceCeiling'), 'string', 'optional fields are known');
});

test('bad keys and values are refused with a message that names them', () => {
  const error = (arg: string) => {
    const r = parseSweepArg(arg);
    return 'error' in r ? r.error : undefined;
  };
  assert.match(error('marketMaking.bidSpread.minpct=1')!, /marketMaking\.bidSpread\.minpct: no such bot config field/);
  assert.match(error('marketMaking.bidSpread.minPct=abc')!, /"abc" is not a number/);
  assert.match(error('marketMaking.inventorySkew.enabled=yes')!, /not true or false/);
  assert.match(error('marketMaking.bidSpread=1')!, /group of fields/);
  assert.match(error('seed=1,2')!, /--seed/);
  assert.match(error('volume.mode')!, /path=value1,value2/);
  assert.match(error('volume.mode=MIXED,')!, /at least one value/);
  assert.match(error('__proto__.x=1')!, /no such bot config field/);
});

test('the plan checks every combination with the config schema before anything runs', () => {
  const bad = planSweep(example.bot, ['volume.mode=MAKER_ONLY,MIXED', 'marketMaking.bidSpread.minPct=0.4,3']);
  assert.equal(bad.ok, false);
  const errors = bad.ok ? [] : bad.errors;
  assert.ok(errors.some((e) => e.startsWith('volume.mode=MAKER_ONLY') && e.includes('volume.mode:')), errors.join('\n'));
  // 3 % min spread is over the example's 2.4 % max: a cross-field rule, reported on the field to change
  assert.ok(errors.some((e) => e.includes('marketMaking.bidSpread.minPct=3') && e.includes('marketMaking.bidSpread.maxPct')), errors.join('\n'));
  assert.equal(planSweep(example.bot, ['volume.mode=MIXED', 'volume.mode=MAKER_FIRST']).ok, false, 'one path, one --sweep');

  const plan = planSweep(example.bot, ['marketMaking.bidSpread.minPct=0.4,0.8', 'volume.mode=MAKER_FIRST,MIXED']);
  assert.ok(plan.ok);
  assert.equal(plan.runs.length, 4);
  assert.deepEqual(plan.runs.map((r) => [r.bot.marketMaking!.bidSpread!.minPct, r.bot.volume!.mode]), [[0.4, 'MAKER_FIRST'], [0.4, 'MIXED'], [0.8, 'MAKER_FIRST'], [0.8, 'MIXED']]);
  assert.equal(example.bot.marketMaking!.bidSpread!.minPct, 0.8, 'the base config is not changed');
  assert.equal(plan.runs[0]!.bot.marketMaking!.askSpread!.minPct, 0.8, 'fields not swept keep their value');
});

test('cartesian product and setPath', () => {
  assert.equal(cartesian([{ path: 'a', values: [1, 2, 3] }, { path: 'b', values: ['x', 'y'] }]).length, 6);
  assert.deepEqual(cartesian([]), [[]]);
  const bot = { name: 'n', accountId: 'a', symbol: 's' };
  assert.deepEqual(setPath(bot, 'risk.maxOpenOrders', 5), { name: 'n', accountId: 'a', symbol: 's', risk: { maxOpenOrders: 5 } });
  assert.deepEqual(bot, { name: 'n', accountId: 'a', symbol: 's' });
});
