import { test } from 'node:test';
import assert from 'node:assert/strict';
import { botConfigSchema, fx } from '@mm/core';
import type { RiskConfig } from '@mm/core';
import { RiskMonitor } from './monitor.ts';
import type { RiskSnapshot } from './monitor.ts';

function risk(overrides: Partial<RiskConfig> = {}): RiskConfig {
  return { ...botConfigSchema.parse({ name: 'x', accountId: 'paper', symbol: 'T' }).risk, ...overrides };
}

function snap(overrides: Partial<RiskSnapshot> = {}): RiskSnapshot {
  return {
    now: 100_000,
    equity: fx.parse('1000'),
    dayStartEquity: fx.parse('1000'),
    peakEquity: fx.parse('1000'),
    lastMarketDataAt: 99_000,
    reference: fx.parse('10'),
    venueMid: fx.parse('10'),
    ...overrides,
  };
}

test('a healthy snapshot trips nothing and the state is ACTIVE', () => {
  const m = new RiskMonitor(risk({ dailyLossLimitQuote: '100', maxDrawdownQuote: '50' }));
  assert.deepEqual(m.evaluate(snap()).tripped, []);
  assert.equal(m.tradingState, 'ACTIVE');
  assert.equal(m.quotingBlocked, false);
});

test('daily loss halts, stays halted when equity recovers, and clears only on reset', () => {
  const m = new RiskMonitor(risk({ dailyLossLimitQuote: '100' }));
  const t = m.evaluate(snap({ equity: fx.parse('899') })).tripped;
  assert.equal(t.length, 1);
  assert.deepEqual([t[0]!.rule, t[0]!.value, t[0]!.limit, t[0]!.action], ['daily_loss', '101.00', '100', 'halt']);
  assert.equal(m.tradingState, 'HALTED');
  m.evaluate(snap({ equity: fx.parse('1000') }));
  assert.equal(m.tradingState, 'HALTED', 'a halt survives the condition going away');
  assert.deepEqual(m.resetHalt(), ['daily_loss']);
  assert.equal(m.tradingState, 'ACTIVE');
});

test('drawdown is measured from the peak, not the start', () => {
  const m = new RiskMonitor(risk({ maxDrawdownQuote: '50' }));
  assert.equal(m.evaluate(snap({ equity: fx.parse('1040'), peakEquity: fx.parse('1100') })).tripped[0]?.rule, 'drawdown');
});

test('error and reject breakers pause, then resume after autoResumeMs', () => {
  const m = new RiskMonitor(risk({ apiErrorBreaker: { count: 3, windowMs: 10_000 }, autoResumeMs: 30_000 }));
  for (const t of [95_000, 97_000, 99_000]) m.recordApiError(t);
  assert.equal(m.evaluate(snap()).tripped[0]?.action, 'pause');
  assert.equal(m.quotingBlocked, true);
  assert.deepEqual(m.evaluate(snap({ now: 120_000, lastMarketDataAt: 119_000 })).cleared, []);
  assert.deepEqual(m.evaluate(snap({ now: 131_000, lastMarketDataAt: 130_000 })).cleared, ['api_errors']);
  const r = new RiskMonitor(risk({ rejectBreaker: { count: 2, windowMs: 10_000 } }));
  r.recordReject(98_000);
  r.recordReject(99_000);
  assert.equal(r.evaluate(snap()).tripped[0]?.rule, 'rejects');
});

test('stale data cancels all and clears as soon as data is fresh again', () => {
  const m = new RiskMonitor(risk({ staleDataMs: 5_000 }));
  const t = m.evaluate(snap({ lastMarketDataAt: 90_000 })).tripped[0];
  assert.deepEqual([t?.rule, t?.action, t?.value], ['stale_data', 'cancel_all', '10000 ms']);
  assert.equal(m.quotingBlocked, true);
  assert.deepEqual(m.evaluate(snap()).cleared, ['stale_data']);
  assert.equal(m.quotingBlocked, false);
});

test('reference deviation pauses while the external price and venue mid disagree', () => {
  const m = new RiskMonitor(risk({ maxReferenceDeviationPct: 1 }));
  assert.equal(m.evaluate(snap({ reference: fx.parse('10.2') })).tripped[0]?.rule, 'reference_deviation');
  assert.deepEqual(m.evaluate(snap()).cleared, ['reference_deviation']);
});

test('perp monitors put the bot in REDUCING', () => {
  const m = new RiskMonitor(risk({ minMarginRatioPct: 50, minLiquidationDistancePct: 5, maxAdlQuantile: 3, maxPositionNotionalQuote: '500' }));
  const perp = { positionNotional: fx.parse('100'), marginRatioPct: 10, liquidationDistancePct: 30, adlQuantile: 1 };
  assert.deepEqual(m.evaluate(snap({ perp })).tripped, []);
  const rules = m.evaluate(snap({ perp: { positionNotional: fx.parse('600'), marginRatioPct: 55, liquidationDistancePct: 4, adlQuantile: 3 } })).tripped.map((t) => t.rule);
  assert.deepEqual(rules.sort(), ['adl_quantile', 'liquidation_distance', 'margin_ratio', 'position_limit']);
  assert.equal(m.tradingState, 'REDUCING');
  m.recordMarginCall(100_000, 'margin call');
  assert.equal(m.evaluate(snap({ perp })).tripped.map((t) => t.rule).join(), 'margin_call');
});

test('actions can be overridden per rule; the kill switch halts; statuses list every limit', () => {
  const m = new RiskMonitor(risk({ staleDataMs: 5_000, actions: { stale_data: 'halt' } }));
  assert.equal(m.evaluate(snap({ lastMarketDataAt: 0 })).tripped[0]?.action, 'halt');
  const k = new RiskMonitor(risk());
  k.kill(1, 'operator');
  assert.equal(k.tradingState, 'HALTED');
  const statuses = k.statuses(snap());
  assert.equal(statuses.find((s) => s.rule === 'kill_switch')?.state, 'tripped');
  assert.equal(statuses.find((s) => s.rule === 'daily_loss')?.state, 'off');
  assert.equal(statuses.find((s) => s.rule === 'stale_data')?.state, 'ok');
  assert.ok(statuses.every((s) => s.label.length > 3));
});
