// The ccxt adapter on ccxt.pro's `aster` class against the Asterdex mock's spot API (v3,
// EIP-712 wallet signing: ccxt's aster class signs with a wallet key only), through the
// recording front (mock-front.ts). Our account "me" signs for itself (user = signer = the
// test wallet); "them" is the counterparty, trading in-process on the mock's SimExchange.
import { createHash } from 'node:crypto';
import { LiveClock, Rng } from '@mm/core';
import type { EngineError, InstrumentDef } from '@mm/core';
import type { ConformanceHarness, HarnessFactory } from '@mm/exchange/test-support';
import { ASTER_SPOT, AsterMockServer } from '@mm/exchange-asterdex/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import { CcxtSpotAdapter } from '../src/adapter.ts';
import type { CcxtSpotAdapterOptions } from '../src/adapter.ts';
import { MockFront } from './mock-front.ts';

/** Test-only wallet key, derived from a label (never real funds). */
export const TEST_WALLET_KEY = `0x${createHash('sha256').update('exchange-ccxt mock wallet: me').digest('hex')}`;

/** Unified ccxt symbol of the mock's spot instrument (CONFUSDC). */
export const TEST_SYMBOL = 'CONF/USDC';
export const FUNDS = { USDC: '100000', CONF: '10000' } as const;

let walletAddress: Promise<string> | undefined;

/** The wallet address of TEST_WALLET_KEY, derived by ccxt itself (test support may load ccxt). */
export function testWalletAddress(): Promise<string> {
  walletAddress ??= import('ccxt' as string).then((ccxt: { aster: new (c: object) => { ethGetAddressFromPrivateKey(k: string): string } }) =>
    new ccxt.aster({}).ethGetAddressFromPrivateKey(TEST_WALLET_KEY),
  );
  return walletAddress;
}

export interface CcxtMockSetup {
  readonly mock: AsterMockServer;
  readonly front: MockFront;
  readonly clock: LiveClock;
  readonly errors: EngineError[];
  /** A new adapter for the test account (not connected). */
  adapter(seed: string, overrides?: Partial<CcxtSpotAdapterOptions>): CcxtSpotAdapter;
  close(): Promise<void>;
}

/** Fast settings for a local mock: quick reconnects, polls and a short bind grace. */
export const TEST_ADAPTER_SETTINGS = {
  rateLimitMs: 1,
  pollIntervalMs: 100,
  bookPollMs: 100,
  reconnectBackoff: { initialMs: 40, maxMs: 400 },
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 5_000,
  bindGraceMs: 300,
} as const;

export async function startCcxtMock(options: { instruments?: readonly InstrumentDef[] } = {}): Promise<CcxtMockSetup> {
  const address = await testWalletAddress();
  const mock = await AsterMockServer.start({
    instruments: options.instruments ?? [ASTER_SPOT],
    accounts: [{ name: 'me', apiKey: 'unused-hmac-key', apiSecret: 'unused-hmac-secret', user: address, signer: address, deposits: FUNDS }],
    otherAccounts: ['them'],
    streams: { publishIntervalMs: 20, markIntervalMs: 200 },
  });
  for (const [asset, amount] of Object.entries(FUNDS)) mock.deposit('them', asset, amount);
  const front = await MockFront.start(mock);
  const clock = new LiveClock();
  const errors: EngineError[] = [];
  const adapters: CcxtSpotAdapter[] = [];
  return {
    mock,
    front,
    clock,
    errors,
    adapter: (seed, overrides = {}) => {
      const adapter = new CcxtSpotAdapter({
        exchangeId: 'aster',
        credentials: { privateKey: TEST_WALLET_KEY },
        urls: { api: front.asterUrls },
        clock,
        rng: new Rng(seed),
        onError: (e) => errors.push(e),
        ...TEST_ADAPTER_SETTINGS,
        ...overrides,
      });
      adapters.push(adapter);
      return adapter;
    },
    close: async () => {
      for (const a of adapters) await a.close();
      await front.close();
      await mock.close();
    },
  };
}

export function ccxtConformanceHarness(): HarnessFactory {
  return async (): Promise<ConformanceHarness> => {
    const setup = await startCcxtMock();
    const { mock, front, clock } = setup;
    const venue = setup.adapter('venue');
    const sameAccount = setup.adapter('same-account');
    try {
      await venue.connect();
      await sameAccount.connect();
      await venue.subscribeMarket(TEST_SYMBOL);
    } catch (error) {
      await setup.close();
      throw error;
    }
    const venueSymbol = ASTER_SPOT.symbol;
    return {
      venue,
      sameAccount,
      symbol: TEST_SYMBOL,
      instrument: venue.instrument(TEST_SYMBOL),
      midTicks: 10_000,
      unitLots: 10,
      counterparty: simCounterparty(mock.exchange, 'them', venueSymbol),
      faults: {
        dropPrivateStream: async () => front.drop('private'),
        dropMarketStream: async () => front.drop('market'),
        duplicateFills: (on) => mock.faults.duplicateFills(on),
        rateLimitNextRequest: () => mock.faults.rateLimitNextRequest(0.2),
        loseNextSubmitResponse: () => mock.faults.loseNextSubmitResponse(),
      },
      settle: (ms = 20) => clock.sleep(ms),
      now: () => clock.now(),
      close: () => setup.close(),
    };
  };
}
