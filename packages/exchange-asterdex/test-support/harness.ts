// Conformance harnesses for the Asterdex adapters against the mock: a fresh mock per case,
// our account ("me", reachable with V1 and V3 credentials) and a counterparty ("them") that
// trades in-process on the same SimExchange.
import { createHash } from 'node:crypto';
import { LiveClock, Rng } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import { RateLimiter } from '@mm/exchange';
import type { ConformanceHarness, HarnessFactory } from '@mm/exchange/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import { AsterPerpAdapter } from '../src/adapter-perp.ts';
import type { AsterPerpOptions } from '../src/adapter-perp.ts';
import { AsterSpotAdapter } from '../src/adapter-spot.ts';
import type { AsterAdapterBase, AsterAdapterOptions } from '../src/adapter-base.ts';
import type { AsterCredentials, AsterFamily } from '../src/config.ts';
import { DEFAULT_LIMITS, poolsFrom } from '../src/rate-limits.ts';
import { addressOf, parsePrivateKey } from '../src/signing/eip712.ts';
import { AsterMockServer } from './mock-server.ts';
import type { AsterMockOptions, MockAccountSpec } from './mock-server.ts';

export const ASTER_PERP: InstrumentDef = {
  symbol: 'CONFUSDT', base: 'CONF', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '5', marginAsset: 'USDT',
};
export const ASTER_SPOT: InstrumentDef = {
  symbol: 'CONFUSDC', base: 'CONF', quote: 'USDC', kind: 'spot', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '5',
};

/** Test-only keys, derived from labels (never real funds). */
function testKey(label: string): string {
  return `0x${createHash('sha256').update(label).digest('hex')}`;
}

export const MOCK_V3_KEY = testKey('asterdex mock signer: me');

export const MOCK_ACCOUNT: MockAccountSpec = {
  name: 'me',
  apiKey: createHash('sha256').update('asterdex mock api key: me').digest('hex'),
  apiSecret: createHash('sha256').update('asterdex mock api secret: me').digest('hex'),
  user: addressOf(parsePrivateKey(testKey('asterdex mock user: me'))),
  signer: addressOf(parsePrivateKey(MOCK_V3_KEY)),
  deposits: { USDT: '100000', USDC: '100000', CONF: '10000' },
};

export function credentialsFor(family: AsterFamily, account: MockAccountSpec = MOCK_ACCOUNT, signerKey = MOCK_V3_KEY): AsterCredentials {
  return family === 'v1' ? { apiKey: account.apiKey, apiSecret: account.apiSecret } : { user: account.user, signer: account.signer, signerPrivateKey: signerKey };
}

export interface MockWithAdapters<A extends AsterAdapterBase> {
  readonly mock: AsterMockServer;
  readonly clock: LiveClock;
  readonly venue: A;
  readonly sameAccount: A;
  readonly limiter: RateLimiter;
  /** Closes both adapters, then the mock. */
  close(): Promise<void>;
}

/** Fast stream settings for tests: quick reconnects and resyncs. */
export const TEST_STREAMS = { backoff: { initialMs: 40, maxMs: 400 }, resyncRetryMs: 100, pingIntervalMs: 5_000, pongTimeoutMs: 5_000 } as const;

export async function startMockWithAdapters(
  market: 'perp' | 'spot',
  family: AsterFamily,
  overrides: { mock?: Partial<AsterMockOptions>; adapter?: Partial<AsterPerpOptions> } = {},
): Promise<MockWithAdapters<AsterAdapterBase>> {
  const mock = await AsterMockServer.start({
    instruments: [ASTER_PERP, ASTER_SPOT],
    accounts: [MOCK_ACCOUNT],
    otherAccounts: ['them'],
    streams: { publishIntervalMs: 20, markIntervalMs: 200 },
    ...overrides.mock,
  });
  for (const [asset, amount] of Object.entries({ USDT: '100000', USDC: '100000', CONF: '10000' })) mock.deposit('them', asset, amount);
  const clock = new LiveClock();
  // one IP and one account: both adapters share the limits
  const limiter = new RateLimiter({ clock, name: 'asterdex test limits', pools: poolsFrom(DEFAULT_LIMITS[market === 'perp' ? 'futures' : 'spot'], market === 'perp' ? 'futures' : 'spot') });
  const make = (seed: string): AsterAdapterBase => {
    const options: AsterAdapterOptions & AsterPerpOptions = {
      family,
      credentials: credentialsFor(family),
      clock,
      rng: new Rng(seed),
      urls: mock.urls,
      chainId: mock.chainId,
      limiter,
      timeoutMs: 5_000,
      connectTimeoutMs: 5_000,
      streams: { ...TEST_STREAMS, ...overrides.adapter?.streams },
      ...overrides.adapter,
    };
    return market === 'perp' ? new AsterPerpAdapter(options) : new AsterSpotAdapter(options);
  };
  const venue = make('venue');
  const sameAccount = make('same-account');
  const close = async (): Promise<void> => {
    await venue.close();
    await sameAccount.close();
    await mock.close();
  };
  try {
    await venue.connect();
    await sameAccount.connect();
  } catch (error) {
    await close();
    throw error;
  }
  return { mock, clock, venue, sameAccount, limiter, close };
}

export function asterConformanceHarness(market: 'perp' | 'spot', family: AsterFamily): HarnessFactory {
  return async (): Promise<ConformanceHarness> => {
    const { mock, clock, venue, sameAccount, close } = await startMockWithAdapters(market, family);
    const symbol = market === 'perp' ? ASTER_PERP.symbol : ASTER_SPOT.symbol;
    await venue.subscribeMarket(symbol);
    return {
      venue,
      sameAccount,
      symbol,
      instrument: venue.instrument(symbol),
      midTicks: 10_000,
      unitLots: 10,
      counterparty: simCounterparty(mock.exchange, 'them', symbol),
      faults: {
        dropPrivateStream: async () => mock.faults.dropUserStreams(MOCK_ACCOUNT.name),
        dropMarketStream: async () => mock.faults.dropMarketStreams(),
        duplicateFills: (on) => mock.faults.duplicateFills(on),
        rateLimitNextRequest: () => mock.faults.rateLimitNextRequest(0.2),
        loseNextSubmitResponse: () => mock.faults.loseNextSubmitResponse(),
      },
      settle: (ms = 20) => clock.sleep(ms),
      now: () => clock.now(),
      close,
    };
  };
}

