import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fx } from '@mm/core';
import type { LedgerFigures } from '@mm/core';
import { LedgerTotals } from './totals.ts';

const flows = (volume: string) => ({ trades: 1, maker: fx.parse(volume), taker: 0n, volumeLeg: 0n, buyQty: 0n, sellQty: 0n, fees: 0n, realized: 0n, funding: 0n });

function figures(realized: string, fees = '0'): LedgerFigures {
  const r = fx.parse(realized);
  const f = fx.parse(fees);
  return {
    position: 0n, averageEntry: undefined, realized: r, unrealized: 0n, fees: f, feesByAsset: new Map(), unvaluedFees: new Map(),
    funding: 0n, net: r - f, allTime: flows(realized), today: { ...flows(realized), dayStart: 0, net: r - f },
  } as unknown as LedgerFigures;
}

test('totals are the sum of the figures as each row shows them (8 places), not of the unrounded ones', () => {
  const totals = new LedgerTotals();
  // each rounds down to 0.12345678; their unrounded sum rounds up to 0.24691357
  totals.addBot('USDT', figures('0.123456784'));
  totals.addBot('USDT', figures('0.123456784'));
  totals.addUnattributed('USDT', fx.parse('0.000000004'));
  const [usdt] = totals.dto();
  assert.equal(usdt!.realized, '0.24691356');
  assert.equal(usdt!.net, '0.24691356');
  assert.equal(usdt!.netToday, '0.24691356');
  assert.equal(usdt!.volumeAllTime, '0.24691356');
  assert.equal(usdt!.unattributed, '0.00000000');
});

test('totals are kept apart per quote asset and half-up like the rows', () => {
  const totals = new LedgerTotals();
  totals.addBot('USDT', figures('1.000000005', '0.000000015'));
  totals.addBot('USDC', figures('-2.000000005'));
  const byQuote = new Map(totals.dto().map((t) => [t.quoteAsset, t]));
  assert.equal(byQuote.get('USDT')!.realized, '1.00000001');
  assert.equal(byQuote.get('USDT')!.fees, '0.00000002');
  assert.equal(byQuote.get('USDC')!.realized, '-2.00000001');
  assert.equal(byQuote.size, 2);
});
