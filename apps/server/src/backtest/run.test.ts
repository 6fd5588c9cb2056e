// Acceptance of the volume scheduler: a 24 h backtest of the shipped spot example reaches the daily
// target within ±5 %, trades only inside the active windows, never exceeds the hourly cap, and
// records zero self-trades. The same seed reproduces the same run. The report's PnL is the bot's
// ledger, and the simulated exchange's own account change at the same mark says the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fx } from '@mm/core';
import { runBacktest } from './run.ts';
import type { BacktestReport, BacktestSpec } from './run.ts';

const spec = JSON.parse(readFileSync(new URL('../../../../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;
const perpSpec = JSON.parse(readFileSync(new URL('../../../../examples/perp-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;
const EPS = fx.parse('0.00000001');

test('24 h spot example: daily target ±5 %, windows, hourly cap, zero self-trades', async () => {
  const report = await runBacktest(spec, { hours: 24, seed: 1 });
  assert.ok(Math.abs(report.volume.targetHitPct - 100) <= 5, `volume ${report.volume.total} is ${report.volume.targetHitPct} % of the target`);
  assert.equal(report.volume.volumeLegFillsOutsideWindows, 0);
  const cap = fx.parse(spec.bot.volume!.maxNotionalPerHourQuote!);
  for (const hour of report.volume.hourly) assert.ok(fx.parse(hour.volumeLeg) <= cap, `${hour.hourStart}: ${hour.volumeLeg} over the hourly cap`);
  assert.equal(report.selfTrades, 0);
  assert.equal(report.stpPrevented, 0, 'our own checks kept every order off our own quotes');
  assert.ok(report.fills.maker > report.fills.taker, 'maker first');
  assert.deepEqual(Object.keys(report.riskTrips), [], 'no risk limit tripped');
  assert.equal(report.finalState, 'STOPPED');
  assert.ok(fx.abs(fx.parse(report.accountStatement.difference)) <= EPS, `account change − ledger net = ${report.accountStatement.difference}`);
});

test('a backtest is reproducible from its seed', async () => {
  const a = await runBacktest(spec, { hours: 3, seed: 7 });
  const b = await runBacktest(spec, { hours: 3, seed: 7 });
  const c = await runBacktest(spec, { hours: 3, seed: 8 });
  const key = (r: typeof a) => JSON.stringify([r.fills, r.volume.total, r.pnl.net, r.inventory, r.orders]);
  assert.equal(key(a), key(b));
  assert.notEqual(key(a), key(c));
});


/** The account's change recomputed from the statement's own start and end holdings, at its mark. */
function recomputedChange(r: BacktestReport): bigint {
  const s = r.accountStatement;
  const mark = fx.parse(s.mark);
  let change = 0n;
  for (const asset of new Set([...Object.keys(s.start.balances), ...Object.keys(s.end.balances)])) {
    const delta = fx.parse(s.end.balances[asset] ?? '0') - fx.parse(s.start.balances[asset] ?? '0');
    change += asset === s.quoteAsset ? delta : fx.mul(delta, mark);
  }
  const upl = (p: { qty: string; entryPrice: string } | undefined) => (p === undefined ? 0n : fx.mul(fx.parse(p.qty), mark) - fx.mul(fx.parse(p.qty), fx.parse(p.entryPrice)));
  for (const symbol of new Set([...Object.keys(s.start.positions), ...Object.keys(s.end.positions)])) change += upl(s.end.positions[symbol]) - upl(s.start.positions[symbol]);
  return change;
}

function assertLedgerMatchesAccount(r: BacktestReport): void {
  const p = r.pnl;
  const s = r.accountStatement;
  assert.ok(r.fills.count > 0, 'the bot traded');
  assert.notEqual(p.position, '0', 'an open position at the end, so the mark matters');
  // the PnL section is the ledger's: its parts add up to its net, and its net is the statement's ledger net
  const parts = fx.parse(p.realized) + fx.parse(p.unrealized) - fx.parse(p.fees) + fx.parse(p.funding);
  assert.ok(fx.abs(parts - fx.parse(p.net)) <= 4n * EPS, `realized + unrealized − fees + funding = ${fx.format(parts)}, net ${p.net}`);
  assert.equal(p.net, fx.format(fx.parse(s.ledgerNet), { decimals: 8 }));
  assert.equal(s.mark, p.mark, 'one mark for the ledger and the account');
  // the simulated exchange's own record says the same, to the last 1e-8
  assert.equal(fx.parse(s.change), recomputedChange(r), 'the statement is end − start of the holdings it lists');
  assert.equal(fx.parse(s.difference), fx.parse(s.change) - fx.parse(s.ledgerNet));
  assert.ok(fx.abs(fx.parse(s.difference)) <= EPS, `account change ${s.change} − ledger net ${s.ledgerNet} = ${s.difference}`);
  assert.ok(fx.abs(fx.parse(s.change) - fx.parse(p.net)) <= EPS, `account change ${s.change}, report net ${p.net}`);
  assert.deepEqual(s.unvalued, {});
  // volume from the ledger agrees with the fills the bot reported hour by hour
  const hourly = r.volume.hourly.reduce((sum, h) => sum + fx.parse(h.total), 0n);
  assert.ok(fx.abs(hourly - fx.parse(r.volume.total)) <= fx.parse('0.01') * BigInt(r.volume.hourly.length + 1), `hourly ${fx.format(hourly)} vs ${r.volume.total}`);
  assert.ok(fx.abs(fx.parse(r.volume.total) - fx.parse(r.volume.maker) - fx.parse(r.volume.taker)) <= fx.parse('0.01'), 'total = maker + taker (each to the cent)');
}

test('spot backtest: report net = ledger net = the exchange account change at the same mark', async () => {
  // inside the volume window, so the bot trades within two simulated hours
  const report = await runBacktest({ ...spec, start: '2026-01-05T06:00:00Z' }, { hours: 2, seed: 1 });
  assertLedgerMatchesAccount(report);
  assert.deepEqual(Object.keys(report.accountStatement.end.positions), []);
  assert.equal(report.accountStatement.balanceChanges.DEMO, report.pnl.position, 'the base the account gained is the bot position');
  assert.equal(report.pnl.feesByAsset.USDT !== undefined || report.pnl.feesByAsset.DEMO !== undefined, true, 'fees listed per asset');
});

test('perp backtest: report net = ledger net = the exchange wallet + position change at the same mark', async () => {
  const report = await runBacktest(perpSpec, { hours: 2, seed: 1 });
  assertLedgerMatchesAccount(report);
  const position = report.accountStatement.end.positions['DEMOUSDT-PERP'];
  assert.ok(position !== undefined, 'the account holds a perp position');
  assert.equal(position.qty, report.pnl.position, 'the venue position is the bot position');
  assert.notEqual(report.accountStatement.unrealizedEnd, '0', 'the position counts at the mark');
  assert.equal(report.pnl.quoteAsset, 'USDT');
});
