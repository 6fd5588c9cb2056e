// Turns venue accounts (stored, with encrypted credentials) into adapters. One adapter per
// account and market, shared by every bot on it, so they share its rate limits and streams.
// Paper first: a paper bot trades only on the built-in simulated exchange; a live bot needs a
// live account with credentials and its own explicit mode switch.
import { EngineError, Rng } from '@mm/core';
import type { BotConfig, Clock, MarketKindName } from '@mm/core';
import type { VenueProvider } from '@mm/engine';
import type { VenueAdapter } from '@mm/exchange';
import type { PaperWorld } from '@mm/exchange-sim';
import { AsterPerpAdapter, AsterSpotAdapter } from '@mm/exchange-asterdex';
import type { AsterAdapterOptions } from '@mm/exchange-asterdex';
import { BitmartSpotAdapter } from '@mm/exchange-bitmart';
import type { Account, Storage } from '@mm/storage';

export interface LiveAdapterFactory {
  (account: Account, credentials: Readonly<Record<string, string>>, market: MarketKindName, deps: { clock: Clock; rng: Rng }): VenueAdapter;
}

/** Factories for live venues. */
export const LIVE_FACTORIES: Record<string, LiveAdapterFactory> = {
  asterdex: (account, credentials, market, deps) => {
    // V3 (EIP-712 API wallet) when a signer key is stored; otherwise an existing V1 HMAC key
    const v3 = (credentials.signerPrivateKey ?? '') !== '';
    const options: AsterAdapterOptions = {
      family: v3 ? 'v3' : 'v1',
      credentials: v3
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
};

export class VenueRegistry implements VenueProvider {
  private readonly adapters = new Map<string, VenueAdapter>();
  private readonly rng: Rng;

  constructor(
    private readonly storage: Storage,
    private readonly world: PaperWorld,
    private readonly clock: Clock,
    private readonly factories: Readonly<Record<string, LiveAdapterFactory>> = LIVE_FACTORIES,
  ) {
    this.rng = new Rng('venues');
  }

  get paperWorld(): PaperWorld {
    return this.world;
  }

  async adapterFor(config: BotConfig): Promise<VenueAdapter> {
    const account = await this.account(config.accountId);
    if (account.venue === 'sim') {
      if (config.mode !== 'paper') throw new EngineError('INVALID_CONFIG', 'the paper account only runs paper bots; switch the bot to paper or choose a live account', { details: { field: 'mode' } });
      return this.world.adapterFor(config);
    }
    if (config.mode !== 'live') {
      throw new EngineError('INVALID_CONFIG', `paper bots trade on the built-in paper account; to trade on ${account.name}, set the bot to live explicitly`, { details: { field: 'mode' } });
    }
    if (!account.live) throw new EngineError('INVALID_CONFIG', `account ${account.name} is not enabled for live trading`, { details: { field: 'accountId' } });
    return this.forAccount(account, account.market);
  }

  /** The adapter of an account (for connection tests, instruments and market snapshots). */
  async forAccount(accountOrId: Account | string, market?: MarketKindName): Promise<VenueAdapter> {
    const account = typeof accountOrId === 'string' ? await this.account(accountOrId) : accountOrId;
    const m = market ?? account.market;
    if (account.venue === 'sim') return this.world.venue(account.id, m);
    const key = `${account.id}:${m}`;
    const cached = this.adapters.get(key);
    if (cached !== undefined) return cached;
    const factory = this.factories[account.venue];
    if (factory === undefined) throw new EngineError('NOT_SUPPORTED', `venue "${account.venue}" is not available in this build`);
    const credentials = await this.storage.accounts.getCredentials(account.id);
    if (credentials === undefined) throw new EngineError('INVALID_CONFIG', `account ${account.name} has no credentials; add them on the Accounts page`);
    const adapter = factory(account, credentials, m, { clock: this.clock, rng: this.rng.fork(key) });
    this.adapters.set(key, adapter);
    return adapter;
  }

  /** Drops a cached adapter (after an account's credentials or URLs change). */
  async forget(accountId: string): Promise<void> {
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
    await this.world.closeAll();
  }

  private async account(id: string): Promise<Account> {
    const account = await this.storage.accounts.get(id);
    if (account === undefined) throw new EngineError('NOT_FOUND', `no venue account "${id}"`, { details: { field: 'accountId' } });
    return account;
  }
}
