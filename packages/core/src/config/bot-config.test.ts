import { test } from 'node:test';
import assert from 'node:assert/strict';
import { botConfigSchema, validateBotConfig } from './bot-config.ts';

const minimal = { name: 'demo', accountId: 'paper', symbol: 'TKNUSDT' };

test('a minimal config gets sane defaults: paper mode, market making on, volume off', () => {
  const cfg = botConfigSchema.parse(minimal);
  assert.equal(cfg.mode, 'paper');
  assert.equal(cfg.marketMaking.enabled, true);
  assert.equal(cfg.marketMaking.bidLevels, 5);
  assert.equal(cfg.marketMaking.distribution, 'LINEAR');
  assert.equal(cfg.volume.enabled, false);
  assert.equal(cfg.risk.maxOpenOrders, 40);
  assert.equal(cfg.marketMaking.referencePrice.source, 'mid');
});

function errorsOf(input: unknown): Record<string, string> {
  const r = validateBotConfig(input);
  assert.equal(r.ok, false, 'expected the config to be refused');
  return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
}

test('bad configs are refused with a message naming the field and the rule', () => {
  assert.match(errorsOf({ ...minimal, marketMaking: { bidSpread: { minPct: -1 } } })['marketMaking.bidSpread.minPct']!, /must not be negative/);
  assert.match(errorsOf({ ...minimal, marketMaking: { bidSpread: { minPct: 2, maxPct: 1 } } })['marketMaking.bidSpread.maxPct']!, /at least the min spread/);
  assert.match(errorsOf({ ...minimal, marketMaking: { askSize: { min: '5', max: '2' } } })['marketMaking.askSize.max']!, /at least the min size/);
  assert.match(errorsOf({ ...minimal, volume: { enabled: true, windows: [] } })['volume.windows']!, /at least one active window/);
  assert.match(errorsOf({ ...minimal, volume: { enabled: true, dailyTargetQuote: '5', minTradeQuote: '10', maxTradeQuote: '20' } })['volume.dailyTargetQuote']!, /smaller than one minimum trade/);
  assert.match(errorsOf({ ...minimal, volume: { minTradeQuote: '50', maxTradeQuote: '10' } })['volume.maxTradeQuote']!, /at least the min trade/);
  assert.match(errorsOf({ ...minimal, volume: { timezone: 'Mars/Olympus' } })['volume.timezone']!, /not a known time zone/);
  assert.match(errorsOf({ ...minimal, volume: { windows: [{ start: '25:00', end: '08:00' }] } })['volume.windows.0.start']!, /HH:MM/);
  assert.match(errorsOf({ ...minimal, marketMaking: { bidBudgetQuote: 'lots' } })['marketMaking.bidBudgetQuote']!, /decimal number/);
  assert.match(errorsOf({ ...minimal, marketMaking: { bidBudgetQuote: '0' } })['marketMaking.bidBudgetQuote']!, /budget greater than 0/);
  assert.match(errorsOf({ ...minimal, marketMaking: { distribution: 'CUSTOM', customWeights: [1, 2] } })['marketMaking.customWeights']!, /weight for each of the 5 levels/);
  assert.match(errorsOf({ ...minimal, risk: { actions: { no_such_rule: 'halt' } } })['risk.actions.no_such_rule']!, /unknown risk rule/);
  assert.match(errorsOf({ ...minimal, name: '' })['name']!, /give the bot a name/);
  assert.match(errorsOf({ ...minimal, marketMaking: { priceCeiling: '1', priceFloor: '2' } })['marketMaking.priceCeiling']!, /above the price floor/);
});

test('every leaf field carries help text for the dashboard', () => {
  const missing: string[] = [];
  const walk = (schema: unknown, path: string): void => {
    let s = schema as { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown>; element?: unknown }; meta?: () => { description?: string } | undefined };
    let described = s.meta?.()?.description !== undefined;
    while (s.def?.innerType !== undefined) {
      s = s.def.innerType as typeof s;
      described ||= s.meta?.()?.description !== undefined;
    }
    const shape = s.def?.shape;
    if (shape !== undefined) {
      for (const [key, child] of Object.entries(shape)) walk(child, path ? `${path}.${key}` : key);
      return;
    }
    if (!described && !path.includes('windows') && !path.includes('Breaker')) missing.push(path);
  };
  walk((botConfigSchema as unknown as { def: { in?: unknown; schema?: unknown } }).def.in ?? botConfigSchema, '');
  assert.deepEqual(missing, []);
});
