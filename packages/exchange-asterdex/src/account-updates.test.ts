// Account updates against the mock: funding fees and deposits arrive as cash flows, and fills
// and account updates keep the margin summary (the bot's equity) current through a coalesced
// REST refresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { CashFlow, MarginSummary } from '@mm/core';
import { ASTER_PERP, MOCK_ACCOUNT, startMockWithAdapters } from '../test-support/harness.ts';
import type { AsterMockServer } from '../test-support/mock-server.ts';
import { sleep, until } from '../test-support/wait.ts';
import type { AsterPerpAdapter } from './adapter-perp.ts';

const SYMBOL = ASTER_PERP.symbol;
const ME = MOCK_ACCOUNT.name;

async function setup(marginRefreshMs: number) {
  const env = await startMockWithAdapters('perp', 'v3', { adapter: { marginRefreshMs } });
  const venue = env.venue as AsterPerpAdapter;
  const flows: CashFlow[] = [];
  const margins: MarginSummary[] = [];
  venue.events.on('cashFlow', (f) => flows.push(f));
  venue.events.on('margin', (m) => margins.push(m));
  return { ...env, venue, flows, margins };
}

/** The mock's margin summary as its REST answer states it (8 decimals). */
function mockMargin(mock: AsterMockServer): { walletBalance: bigint; marginBalance: bigint } {
  const s = mock.exchange.marginSummary(ME, 'USDT');
  const rest = (v: bigint): bigint => fx.parse(fx.format(v, { decimals: 8 }));
  return { walletBalance: rest(s.walletBalance), marginBalance: rest(s.marginBalance) };
}

const matches = (m: MarginSummary | undefined, mock: AsterMockServer): boolean => {
  const now = mockMargin(mock);
  return m !== undefined && m.walletBalance === now.walletBalance && m.marginBalance === now.marginBalance;
};

test('after fills the adapter reports margin events that follow the account: fees, then unrealised PnL', async () => {
  const { mock, venue, margins, close } = await setup(100);
  try {
    const start = await venue.marginSummary();
    assert.ok(start !== null);
    for (let i = 0; i < 3; i++) {
      const [placed] = await venue.placeOrders([{ clientOrderId: `eqA${i}`, symbol: SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 10_000, qtyLots: 50 }]);
      assert.ok(placed?.ok);
      assert.ok(mock.exchange.submit('them', { clientOrderId: `eqT${i}`, symbol: SYMBOL, side: 'sell', type: 'limit', timeInForce: 'IOC', priceTicks: 10_000, qtyLots: 50 }).ok);
    }
    await until(() => matches(margins.at(-1), mock), 'a margin event matching the account after the fills');
    const afterFills = margins.at(-1)!;
    assert.ok(afterFills.walletBalance < start.walletBalance, 'maker fees left the wallet');
    assert.notEqual(afterFills.marginBalance, start.marginBalance);
    // the mark moves and another fill comes: the margin balance carries the position's PnL
    mock.exchange.setMarkPrice(SYMBOL, fx.parse('104'));
    const [placed] = await venue.placeOrders([{ clientOrderId: 'eqA9', symbol: SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 10_000, qtyLots: 10 }]);
    assert.ok(placed?.ok);
    assert.ok(mock.exchange.submit('them', { clientOrderId: 'eqT9', symbol: SYMBOL, side: 'sell', type: 'limit', timeInForce: 'IOC', priceTicks: 10_000, qtyLots: 10 }).ok);
    await until(() => matches(margins.at(-1), mock) && margins.at(-1)!.marginBalance > margins.at(-1)!.walletBalance, 'a margin event with the profit of the long');
    const last = margins.at(-1)!;
    // long 16 at 100, marked at 104
    assert.equal(last.marginBalance - last.walletBalance, fx.parse('64'));
  } finally {
    await close();
  }
});

test('a FUNDING_FEE update yields exactly one funding cash flow of its amount and sign, and fresh margin', async () => {
  const { mock, venue, flows, margins, close } = await setup(100);
  try {
    const start = await venue.marginSummary();
    mock.fundingFee(ME, SYMBOL, '-1.2345');
    await until(() => flows.length > 0, 'the funding cash flow');
    await until(() => margins.some((m) => m.walletBalance === start!.walletBalance - fx.parse('1.2345')), 'a margin event after the funding');
    await sleep(150);
    assert.equal(flows.length, 1, 'one update, one cash flow');
    const [flow] = flows;
    assert.equal(flow!.kind, 'funding');
    assert.equal(flow!.amount, fx.parse('-1.2345'), 'paid: negative');
    assert.equal(flow!.asset, 'USDT');
    assert.equal(flow!.symbol, undefined, 'cross funding names no position');
    assert.match(flow!.id, /^FUNDING_FEE:\d+:USDT:[\d.]+$/);
    mock.fundingFee(ME, SYMBOL, '0.5');
    await until(() => flows.length === 2, 'the second funding cash flow');
    assert.equal(flows[1]!.amount, fx.parse('0.5'), 'received: positive');
  } finally {
    await close();
  }
});

test('a burst of 20 account updates costs a few REST margin refreshes, and the last one is current', async () => {
  const { mock, venue, flows, margins, close } = await setup(300);
  try {
    const start = await venue.marginSummary();
    const startedBefore = venue.marginRefresh.started;
    const accountCalls = (): number => mock.requests.filter((r) => r.path === '/fapi/v3/accountWithJoinMargin').length;
    const callsBefore = accountCalls();
    for (let i = 0; i < 20; i++) mock.deposit(ME, 'USDT', '1');
    await until(() => flows.length === 20, '20 deposit cash flows');
    await until(() => margins.at(-1)?.walletBalance === start!.walletBalance + fx.parse('20'), 'a margin event with every deposit');
    await sleep(700);
    assert.ok(flows.every((f) => f.kind === 'transfer' && f.amount === fx.parse('1') && f.symbol === undefined));
    assert.equal(new Set(flows.map((f) => f.id)).size, 20, 'distinct ids, though the mock may stamp them in one millisecond');
    const started = venue.marginRefresh.started - startedBefore;
    assert.ok(started >= 1 && started <= 3, `${started} refreshes for 20 updates`);
    // both adapters of the account refresh, each coalesced
    assert.ok(accountCalls() - callsBefore <= 6, `${accountCalls() - callsBefore} account requests`);
  } finally {
    await close();
  }
});
