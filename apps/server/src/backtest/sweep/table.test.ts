import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlannedRun } from './grid.ts';
import type { RunSummary } from './summary.ts';
import { bestRow, formatTable, rankRows } from './table.ts';

const summary = (costOfVolumeBps: number | null, hitPct: number, selfTrades = 0): RunSummary => ({
  costOfVolumeBps, net: '0', volume: '1000.00', hitPct, volumeEnabled: true, makerSharePct: 90, maxDrawdown: '1.00', selfTrades,
  fills: 10, finalState: 'STOPPED', riskTrips: {}, wallSeconds: 1, simulatedEvents: 1,
});
const runs: PlannedRun[] = [0.2, 0.4, 0.6, 0.8, 1.0].map((v, index) => ({ index, point: [['marketMaking.bidSpread.minPct', v]], bot: { name: 'b', accountId: 'a', symbol: 'S' } }));

test('cheapest volume first among runs that hit the target without self-trades; the rest below, marked', () => {
  const rows = rankRows(runs, [
    { index: 0, summary: summary(-2, 80) }, // cheapest, but missed the target
    { index: 1, summary: summary(5, 99) },
    { index: 2, summary: summary(3, 96) },
    { index: 3, error: 'boom' },
    { index: 4, summary: summary(1, 100, 2) }, // self-trades disqualify
  ]);
  assert.deepEqual(rows.map((r) => r.index), [2, 1, 0, 4, 3]);
  assert.equal(bestRow(rows)?.index, 2);
  assert.match(rows[2]!.excluded!, /target hit < 95 %/);
  assert.match(rows[3]!.excluded!, /2 self-trades/);
  assert.match(rows[4]!.excluded!, /failed: boom/);
  const table = formatTable([{ path: 'marketMaking.bidSpread.minPct', values: [] }], rows).split('\n');
  assert.match(table[0]!, /^#\s+marketMaking\.bidSpread\.minPct\s+cost bps\s+net\s+volume\s+hit %\s+maker %\s+max DD\s+self-trades$/);
  assert.match(table[2]!, /^3\s+0\.6\s+3\.00\s/);
  assert.match(table[4]!, /not competing/);
  assert.match(table[5]!, /^1\s+0\.2\s+-2\.00 .* \* target hit < 95 %$/);
});

test('no competing run: no best', () => {
  const rows = rankRows(runs.slice(0, 1), [{ index: 0, summary: summary(1, 50) }]);
  assert.equal(bestRow(rows), undefined);
  assert.doesNotMatch(formatTable([], rows), /not competing/, 'no separator above the first row');
});
