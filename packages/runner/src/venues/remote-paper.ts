// The simulated exchange as a runner on another machine reaches it: the server serves its
// paper world at /api/venue (the same account, balances and order book the dashboard shows),
// and each paper account's market is one RemoteVenueAdapter, shared by the bots on it. A paper
// account on live market data is served the same way: its replay world and its feeds stay in
// the server (a bot's subscription there opens the symbol's feed).
import { EngineError } from '@mm/core';
import type { BotConfig, Clock, MarketKindName } from '@mm/core';
import { RemoteVenueAdapter } from '@mm/exchange';
import type { VenueAdapter } from '@mm/exchange';
import type { Account } from '@mm/storage';
import { marketsOf } from './registry.ts';
import type { PaperVenues } from './registry.ts';

export interface RemotePaperOptions {
  /** ws://server:8080/api/venue */
  readonly url: string;
  readonly token: string | undefined;
  /** This runner's id: the venue attributes its orders to it. */
  readonly client: string;
  readonly clock?: Clock;
}

export class RemotePaperVenues implements PaperVenues {
  private readonly adapters = new Map<string, RemoteVenueAdapter>();

  constructor(private readonly options: RemotePaperOptions) {}

  async adapterFor(account: Account, config: BotConfig): Promise<VenueAdapter> {
    // the paper account trades spot and perp symbols: the bot's market is the one that lists its
    // symbol; a paper account on live market data trades its feed's market only
    for (const market of marketsOf(account)) {
      const adapter = this.adapter(account.id, market);
      await adapter.connect();
      if ((await adapter.instruments()).some((i) => i.symbol === config.symbol)) return adapter;
    }
    throw new EngineError('UNKNOWN_SYMBOL', `${config.symbol} is not traded on the paper exchange at ${this.options.url}`);
  }

  async forAccount(account: Account, market: MarketKindName): Promise<VenueAdapter> {
    const adapter = this.adapter(account.id, market);
    await adapter.connect();
    return adapter;
  }

  async closeAll(): Promise<void> {
    for (const adapter of this.adapters.values()) await adapter.close().catch(() => undefined);
    this.adapters.clear();
  }

  private adapter(accountId: string, market: MarketKindName): RemoteVenueAdapter {
    const key = `${accountId}:${market}`;
    let adapter = this.adapters.get(key);
    if (adapter === undefined) {
      adapter = new RemoteVenueAdapter({
        url: this.options.url,
        ...(this.options.token === undefined ? {} : { token: this.options.token }),
        accountId,
        market,
        client: this.options.client,
        ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
      });
      this.adapters.set(key, adapter);
    }
    return adapter;
  }
}
