// Turns venue accounts (stored, with encrypted credentials) into adapters. One adapter per
// account and market, shared by every bot on it, so they share its rate limits and streams.
// Paper first: a paper bot trades only on the simulated exchange (the built-in paper account,
// or a paper account fed by a venue's live public streams); a live bot needs a live account
// with credentials and its own explicit mode switch.
import { EngineError, Rng } from '@mm/core';
import type { BotConfig, Clock, MarketKindName } from '@mm/core';
import type { VenueProvider } from '@mm/engine';
import type { VenueAdapter } from '@mm/exchange';
import { AsterPerpAdapter, AsterSpotAdapter } from '@mm/exchange-asterdex';
import type { AsterAdapterOptions, AsterFamily } from '@mm/exchange-asterdex';
import { BitmartSpotAdapter } from '@mm/exchange-bitmart';
import { CcxtSpotAdapter } from '@mm/exchange-ccxt';
import type { Account, Storage } from '@mm/storage';
import { ccxtApiUrls } from './ccxt-urls.ts';

export { ccxtApiUrls } from './ccxt-urls.ts';

export interface LiveAdapterFactory {
  (account: Account, credentials: Readonly<Record<string, string>>, market: MarketKindName, deps: { clock: Clock; rng: Rng }): VenueAdapter;
}

/** The credential fields of each Asterdex API family. */
export const ASTER_AUTH_FIELDS: Readonly<Record<AsterFamily, readonly string[]>> = {
  v3: ['user', 'signer', 'signerPrivateKey'],
  v1: ['apiKey', 'apiSecret'],
};

/**
 * The family an Asterdex account's stored credentials use: the one chosen when they were saved
 * (kept as `authFamily` inside the encrypted payload), else, for accounts saved before the choice
 * existed, inferred as it always was: V3 when a signer key is stored, V1 otherwise.
 */
export function asterAuthFamily(credentials: Readonly<Record<string, string>>): AsterFamily {
  const chosen = credentials.authFamily;
  if (chosen === 'v3' || chosen === 'v1') return chosen;
  return (credentials.signerPrivateKey ?? '') !== '' ? 'v3' : 'v1';
}

/** Factories for live venues. */
export const LIVE_FACTORIES: Record<string, LiveAdapterFactory> = {
  asterdex: (account, credentials, market, deps) => {
    const family = asterAuthFamily(credentials);
    const options: AsterAdapterOptions = {
      family,
      credentials:
        family === 'v3'
          ? { user: credentials.user ?? '', signer: credentials.signer ?? '', signerPrivateKey: credentials.signerPrivateKey ?? '' }
          : { apiKey: credentials.apiKey ?? '', apiSecret: credentials.apiSecret ?? '' },
      clock: deps.clock,
      rng: deps.rng,
      accountId: account.id,
      ...(account.baseUrls.rest === undefined && account.baseUrls.ws === undefined ? {} : { urls: { ...(account.baseUrls.rest ? { rest: account.baseUrls.rest } : {}), ...(account.baseUrls.ws ? { ws: account.baseUrls.ws } : {}) } }),
    };
    return market === 'perp' ? new AsterPerpAdapter(options) : new AsterSpotAdapter(options);
  },
  bitmart: (account, credentials, market, deps) => {
    if (market !== 'spot') throw new EngineError('INVALID_CONFIG', 'BitMart accounts trade spot only');
    return new BitmartSpotAdapter({
      credentials: { apiKey: credentials.apiKey ?? '', apiSecret: credentials.apiSecret ?? '', memo: credentials.memo ?? '' },
      urls: account.baseUrls,
      clock: deps.clock,
      rng: deps.rng,
      accountKey: `bitmart:${account.id}:spot`,
    });
  },
  // Any spot venue ccxt supports; ccxt itself is loaded on the adapter's first connect().
  ccxt: (account, credentials, market, deps) => {
    if (market !== 'spot') throw new EngineError('INVALID_CONFIG', 'ccxt accounts trade spot only');
    const { exchange, ...keys } = credentials;
    return new CcxtSpotAdapter({
      exchangeId: (exchange ?? '').trim().toLowerCase(),
      credentials: keys,
      ...(Object.keys(account.baseUrls).length === 0 ? {} : { urls: { api: ccxtApiUrls(account.baseUrls) } }),
      clock: deps.clock,
      rng: deps.rng,
      accountKey: `ccxt:${account.id}:spot`,
    });
  },
};

/**
 * The simulated exchange's accounts: in the server process its own paper world (and the paper
 * accounts fed by live market data); in a runner process the server's, reached over the network.
 */
export interface PaperVenues {
  /** A paper bot's adapter. */
  adapterFor(account: Account, config: BotConfig): Promise<VenueAdapter>;
  /** The account's adapter for queries (instruments, balances, connection tests). */
  forAccount(account: Account, market: MarketKindName): Promise<VenueAdapter>;
  /** The mid a paper account's market stands at without a running bot, when known here. */
  reference?(account: Account, symbol: string): string | undefined;
  /** An account's settings changed. */
  refresh?(accountId: string): Promise<void>;
  closeAll(): Promise<void>;
}

/** The markets an account's bots trade: spot and perp on the built-in paper account, the account's own otherwise. */
export function marketsOf(account: Account): readonly MarketKindName[] {
  return account.venue === 'sim' && account.feed === undefined ? ['spot', 'perp'] : [account.market];
}

export class VenueRegistry implements VenueProvider {
  private readonly adapters = new Map<string, VenueAdapter>();
  private readonly creating = new Map<string, Promise<VenueAdapter>>();
  private readonly rng: Rng;

  constructor(
    private readonly storage: Storage,
    private readonly paper: PaperVenues,
    private readonly clock: Clock,
    private readonly factories: Readonly<Record<string, LiveAdapterFactory>> = LIVE_FACTORIES,
  ) {
    this.rng = new Rng('venues');
  }

  async adapterFor(config: BotConfig): Promise<VenueAdapter> {
    const account = await this.account(config.accountId);
    if (account.venue === 'sim') {
      if (config.mode !== 'paper') throw new EngineError('INVALID_CONFIG', 'the paper account only runs paper bots; switch the bot to paper or choose a live account', { details: { field: 'mode' } });
      return this.paper.adapterFor(account, config);
    }
    if (config.mode !== 'live') {
      throw new EngineError('INVALID_CONFIG', `paper bots trade on the built-in paper account; to trade on ${account.name}, set the bot to live explicitly`, { details: { field: 'mode' } });
    }
    if (!account.live) throw new EngineError('INVALID_CONFIG', `account ${account.name} is not enabled for live trading`, { details: { field: 'accountId' } });
    // the bot connects it itself, and reports a failure in its own state
    return this.liveAdapter(account, account.market);
  }

  /** The adapter of an account (for connection tests, instruments and market snapshots). */
  async forAccount(accountOrId: Account | string, market?: MarketKindName): Promise<VenueAdapter> {
    const account = typeof accountOrId === 'string' ? await this.account(accountOrId) : accountOrId;
    const m = market ?? account.market;
    if (account.venue === 'sim') return this.paper.forAccount(account, m);
    const adapter = await this.liveAdapter(account, m);
    // connected before it is handed out, so every query works (ccxt loads its markets there);
    // connect() is idempotent and retries after a failure
    await adapter.connect();
    return adapter;
  }

  /** One adapter per account and market, also when two callers ask at the same moment. */
  private liveAdapter(account: Account, m: MarketKindName): Promise<VenueAdapter> {
    const key = `${account.id}:${m}`;
    const cached = this.adapters.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let creating = this.creating.get(key);
    if (creating === undefined) {
      creating = this.create(account, m, key).finally(() => this.creating.delete(key));
      this.creating.set(key, creating);
    }
    return creating;
  }

  private async create(account: Account, m: MarketKindName, key: string): Promise<VenueAdapter> {
    const factory = this.factories[account.venue];
    if (factory === undefined) throw new EngineError('NOT_SUPPORTED', `venue "${account.venue}" is not available in this build`);
    const credentials = await this.storage.accounts.getCredentials(account.id);
    if (credentials === undefined) throw new EngineError('INVALID_CONFIG', `account ${account.name} has no credentials; add them on the Accounts page`);
    const adapter = factory(account, credentials, m, { clock: this.clock, rng: this.rng.fork(key) });
    this.adapters.set(key, adapter);
    return adapter;
  }

  /** The mid a paper account's market stands at without a running bot (where this process knows it). */
  paperReference(account: Account, symbol: string): string | undefined {
    return this.paper.reference?.(account, symbol);
  }

  /** Drops a cached adapter (after an account's credentials or URLs change). */
  async forget(accountId: string): Promise<void> {
    await this.paper.refresh?.(accountId);
    for (const [key, adapter] of this.adapters) {
      if (key.startsWith(`${accountId}:`)) {
        await adapter.close().catch(() => undefined);
        this.adapters.delete(key);
      }
    }
  }

  async closeAll(): Promise<void> {
    for (const adapter of this.adapters.values()) await adapter.close().catch(() => undefined);
    this.adapters.clear();
    await this.paper.closeAll();
  }

  private async account(id: string): Promise<Account> {
    const account = await this.storage.accounts.get(id);
    if (account === undefined) throw new EngineError('NOT_FOUND', `no venue account "${id}"`, { details: { field: 'accountId' } });
    return account;
  }
}
