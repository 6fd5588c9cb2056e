// An order whose submit answer is lost (HTTP 503 after the matching engine took it) is
// reported 'unknown', found afterwards by its client id, and never sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCcxtMock, TEST_SYMBOL } from '../test-support/harness.ts';

test('a lost submit answer is unknown; queryOrder by client id finds the one order and nothing is resubmitted', async () => {
  const setup = await startCcxtMock();
  try {
    const venue = setup.adapter('ambiguous');
    await venue.connect();
    const clientOrderId = 'amb1';
    setup.mock.faults.loseNextSubmitResponse();
    const [result] = await venue.placeOrders([{ clientOrderId, symbol: TEST_SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 9_900, qtyLots: 10 }]);
    assert.ok(result && !result.ok);
    assert.equal(result.outcome, 'unknown');
    assert.equal(result.error.code, 'UNKNOWN_OUTCOME');
    assert.match(result.error.message, /query the order by its client id/);

    const found = await venue.queryOrder({ symbol: TEST_SYMBOL, clientOrderId });
    assert.equal(found?.status, 'open');
    assert.equal(found?.clientOrderId, clientOrderId);
    assert.equal(found?.priceTicks, 9_900);
    // the venue holds exactly one order with this client id, and exactly one submit was sent
    const atVenue = setup.mock.exchange.openOrders('me').filter((o) => o.clientOrderId === clientOrderId);
    assert.equal(atVenue.length, 1);
    const submits = setup.front.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order' && new URLSearchParams(r.body).get('newClientOrderId') === clientOrderId);
    assert.equal(submits.length, 1, 'ccxt retried nothing (maxRetriesOnFailure 0)');
    assert.equal(submits[0]!.status, 503);
    // the lookup was by client id: the adapter did not know the venue id yet
    const lookups = setup.front.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order');
    assert.ok(lookups.some((r) => new URLSearchParams(r.query).get('origClientOrderId') === clientOrderId));
    // from now on the order is tracked: cancelling by client id works
    const [cancel] = await venue.cancelOrders([{ symbol: TEST_SYMBOL, clientOrderId }]);
    assert.ok(cancel?.ok);
    assert.equal(setup.mock.exchange.openOrders('me').length, 0);
  } finally {
    await setup.close();
  }
});

test('a timeout before any answer is unknown as well, a refused connection is a plain rejection', async () => {
  const setup = await startCcxtMock();
  try {
    const venue = setup.adapter('timeout', { requestTimeoutMs: 150 });
    await venue.connect();
    setup.mock.faults.responseDelay(400);
    const [late] = await venue.placeOrders([{ clientOrderId: 'late1', symbol: TEST_SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 9_800, qtyLots: 10 }]);
    assert.ok(late && !late.ok && late.outcome === 'unknown');
    setup.mock.faults.responseDelay(0);
    await setup.clock.sleep(400);
    assert.equal((await venue.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: 'late1' }))?.status, 'open');
  } finally {
    await setup.close();
  }
});
