// The runner's own deadline per bot: order intents pass only while the lease is certainly ours
// (on the injected monotonic clock); every other write goes straight through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError, newOrderRecord } from '@mm/core';
import type { BotJournal, BotRestoreState, OrderRecord } from '@mm/core';
import { LeaseGate } from './lease-gate.ts';

/** A journal that records which method was called for which bot. */
function recordingJournal(): BotJournal & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    recordIntent: async (botId) => void calls.push(`intent:${botId}`),
    recordOrder: (botId) => void calls.push(`order:${botId}`),
    recordFill: async (botId) => (calls.push(`fill:${botId}`), true),
    recordHalt: (botId) => void calls.push(`halt:${botId}`),
    recordDayMark: (botId) => void calls.push(`daymark:${botId}`),
    recordCashFlow: () => void calls.push('cashflow'),
    recordAccountFill: () => void calls.push('accountfill'),
    loadState: async (botId) => (calls.push(`load:${botId}`), { restored: true } as unknown as BotRestoreState),
  };
}

const order = (id = 'mmbotx1'): OrderRecord =>
  newOrderRecord({ clientOrderId: id, symbol: 'DEMOUSDT', side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 5_000, qtyLots: 10 }, 1_700_000_000_000);

function setup() {
  let now = 1_000;
  const inner = recordingJournal();
  const gate = new LeaseGate(inner, () => now);
  return { inner, gate, advance: (ms: number) => (now += ms), set: (t: number) => (now = t) };
}

test('an intent passes before the deadline and is refused with LEASE_LOST at and after it', async () => {
  const { inner, gate, set } = setup();
  gate.extend('a', 2_000);
  set(1_999);
  assert.equal(gate.valid('a'), true);
  await gate.recordIntent('a', order(), 'mm');
  assert.deepEqual(inner.calls, ['intent:a']);
  set(2_000); // the deadline itself is already too late
  assert.equal(gate.valid('a'), false);
  await assert.rejects(gate.recordIntent('a', order('mmbotx2'), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST') && /mmbotx2/.test((e as Error).message));
  set(10_000);
  await assert.rejects(gate.recordIntent('a', order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
  assert.deepEqual(inner.calls, ['intent:a'], 'refused intents never reach the journal');
});

test('extending again (a renewal) lets intents through once more', async () => {
  const { inner, gate, set } = setup();
  gate.extend('a', 2_000);
  set(2_500);
  await assert.rejects(gate.recordIntent('a', order(), 'mm'));
  gate.extend('a', 5_000);
  await gate.recordIntent('a', order(), 'mm');
  assert.deepEqual(inner.calls, ['intent:a']);
});

test('a revoked bot, and a bot never extended, is refused at once; other bots are unaffected', async () => {
  const { inner, gate } = setup();
  await assert.rejects(gate.recordIntent('never', order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
  gate.extend('a', 9_000);
  gate.extend('b', 9_000);
  gate.revoke('a');
  assert.equal(gate.valid('a'), false);
  await assert.rejects(gate.recordIntent('a', order(), 'mm'), (e: unknown) => isEngineError(e, 'LEASE_LOST'));
  await gate.recordIntent('b', order(), 'mm');
  assert.deepEqual(inner.calls, ['intent:b']);
});

test('every other write passes through even past the deadline (the database fence judges those)', async () => {
  const { inner, gate, set } = setup();
  gate.extend('a', 2_000);
  set(50_000);
  gate.recordOrder('a', order(), 'mm');
  assert.equal(await gate.recordFill('a', 'sim', {} as never, 'mm'), true);
  gate.recordHalt('a', undefined);
  gate.recordDayMark('a', 0, 1n);
  gate.recordCashFlow({} as never);
  gate.recordAccountFill({} as never);
  assert.deepEqual(await gate.loadState('a', 0), { restored: true });
  assert.deepEqual(inner.calls, ['order:a', 'fill:a', 'halt:a', 'daymark:a', 'cashflow', 'accountfill', 'load:a']);
});
