// The conformance harness for BitMart: the mock server on 127.0.0.1, two adapters on one
// account (as two bots sharing a key), and a counterparty that trades from another simulated
// account in-process. Knobs are short so the suite runs in seconds.
import { fx, LiveClock, Rng } from '@mm/core';
import type { EngineError, InstrumentDef, OrderRequest } from '@mm/core';
import type { ConformanceHarness, HarnessFactory } from '@mm/exchange/test-support';
import { BitmartSpotAdapter } from '../src/adapter.ts';
import type { BitmartAdapterOptions } from '../src/adapter.ts';
import { releaseSharedBudget } from '../src/shared-budget.ts';
import type { BitmartCredentials } from '../src/signing.ts';
import { MockBitmartServer } from './mock-server.ts';
import type { MockBitmartOptions } from './mock-server.ts';
import { assertLoopback, loopbackOnlyFetch } from './network-guard.ts';

export const TEST_SYMBOL = 'BTC_USDT';

export const TEST_INSTRUMENT: InstrumentDef = {
  symbol: TEST_SYMBOL,
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: '0.01',
  lotSize: '0.00001',
  minQty: '0.00001',
  minNotional: '5',
};

/** The catalogue's documented example key (§2.4); harmless, and it exercises real signatures. */
export const TEST_CREDENTIALS: BitmartCredentials = {
  apiKey: '80618e45710812162b04892c7ee5ead4a3cc3e56',
  apiSecret: '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9',
  memo: 'test001',
};

export const TEST_ACCOUNT = 'mm';
export const COUNTERPARTY_ACCOUNT = 'counterparty';

export interface BitmartTestEnv {
  readonly mock: MockBitmartServer;
  readonly clock: LiveClock;
  /** Problems the adapters reported and survived (reconnect attempts, odd pushes). */
  readonly adapterErrors: EngineError[];
  /** A connected adapter with the test key (not subscribed to market data). */
  adapter(overrides?: Partial<BitmartAdapterOptions>): Promise<BitmartSpotAdapter>;
  /** A limit order from the counterparty account, directly on the simulated exchange. */
  counterparty(order: { side: 'buy' | 'sell'; priceTicks: number; qtyLots: number; timeInForce?: OrderRequest['timeInForce'] }): void;
  close(): Promise<void>;
}

let seq = 0;

/** Starts a funded mock and hands out adapters wired to it with short test knobs. */
export async function startBitmartTestEnv(mockOptions: Partial<MockBitmartOptions> = {}): Promise<BitmartTestEnv> {
  const clock = new LiveClock();
  const mock = await MockBitmartServer.start({
    instruments: [TEST_INSTRUMENT],
    keys: [{ ...TEST_CREDENTIALS, account: TEST_ACCOUNT }],
    clock,
    depthIntervalMs: 20,
    depthHeartbeatMs: 500,
    tickerIntervalMs: 100,
    ...mockOptions,
  });
  const sim = mock.exchange;
  sim.deposit(TEST_ACCOUNT, 'USDT', fx.parse('1000000'));
  sim.deposit(TEST_ACCOUNT, 'BTC', fx.parse('100'));
  sim.createAccount(COUNTERPARTY_ACCOUNT, { stpMode: 'none' });
  sim.deposit(COUNTERPARTY_ACCOUNT, 'USDT', fx.parse('1000000'));
  sim.deposit(COUNTERPARTY_ACCOUNT, 'BTC', fx.parse('100'));
  const adapters: BitmartSpotAdapter[] = [];
  const adapterErrors: EngineError[] = [];
  let counter = 0;
  return {
    mock,
    clock,
    adapterErrors,
    async adapter(overrides = {}) {
      const adapter = new BitmartSpotAdapter({
        credentials: TEST_CREDENTIALS,
        urls: { rest: assertLoopback(mock.urls.rest), publicWs: assertLoopback(mock.urls.publicWs), privateWs: assertLoopback(mock.urls.privateWs) },
        env: {},
        clock,
        rng: new Rng(`bitmart-test-${++seq}`),
        pingIntervalMs: 2_000,
        pongTimeoutMs: 2_000,
        reconnectBackoff: { initialMs: 50, maxMs: 400, jitter: 0.1 },
        requestTimeoutMs: 3_000,
        resyncTimeoutMs: 1_000,
        fetch: loopbackOnlyFetch,
        onError: (error) => adapterErrors.push(error),
        ...overrides,
      });
      adapters.push(adapter);
      await adapter.connect();
      return adapter;
    },
    counterparty(order) {
      const result = sim.submit(COUNTERPARTY_ACCOUNT, {
        clientOrderId: `cp${++counter}`,
        symbol: TEST_SYMBOL,
        side: order.side,
        type: 'limit',
        timeInForce: order.timeInForce ?? 'GTC',
        priceTicks: order.priceTicks,
        qtyLots: order.qtyLots,
        stpMode: 'none',
      });
      if (!result.ok) throw result.error;
    },
    async close() {
      for (const a of adapters) await a.close();
      await mock.close();
      releaseSharedBudget(mock.urls.rest, TEST_CREDENTIALS.apiKey);
    },
  };
}

/** A HarnessFactory for describeVenueConformance. */
export function bitmartHarnessFactory(mockOptions: Partial<MockBitmartOptions> = {}): HarnessFactory {
  return async (): Promise<ConformanceHarness> => {
    const env = await startBitmartTestEnv(mockOptions);
    const venue = await env.adapter();
    const sameAccount = await env.adapter();
    await venue.subscribeMarket(TEST_SYMBOL);
    const instrument = venue.instrument(TEST_SYMBOL);
    return {
      venue,
      sameAccount,
      symbol: TEST_SYMBOL,
      instrument,
      midTicks: instrument.priceToTicks('60000'),
      unitLots: instrument.qtyToLots('0.001'),
      counterparty: {
        place: async (order) => env.counterparty(order),
        cancelAll: async () => {
          env.mock.exchange.cancelAll(COUNTERPARTY_ACCOUNT, TEST_SYMBOL);
        },
      },
      faults: {
        dropPrivateStream: async () => env.mock.faults.dropPrivateStreams(),
        dropMarketStream: async () => env.mock.faults.dropPublicStreams(),
        duplicateFills: (on) => env.mock.faults.duplicatePrivatePushes(on),
        rateLimitNextRequest: () => env.mock.faults.rateLimitNextOrderEntry(),
        loseNextSubmitResponse: () => env.mock.faults.loseNextSubmitResponse('503'),
      },
      settle: (ms = 50) => env.clock.sleep(ms),
      now: () => env.clock.now(),
      close: () => env.close(),
    };
  };
}
