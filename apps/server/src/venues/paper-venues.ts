// The server's own simulated exchange as the venue registry sees it: the built-in paper world,
// and the paper accounts fed by a venue's live public streams.
import { EngineError, fx } from '@mm/core';
import type { BotConfig, MarketKindName } from '@mm/core';
import type { VenueAdapter } from '@mm/exchange';
import type { PaperWorld } from '@mm/exchange-sim';
import type { PaperVenues } from '@mm/runner';
import type { Account } from '@mm/storage';
import type { PaperLiveWorlds } from '../paper-live/worlds.ts';

export class LocalPaperVenues implements PaperVenues {
  constructor(
    readonly world: PaperWorld,
    /** Paper accounts on live market data (without it such accounts cannot run). */
    private readonly paperLive?: PaperLiveWorlds,
  ) {}

  async adapterFor(account: Account, config: BotConfig): Promise<VenueAdapter> {
    return account.feed === undefined ? this.world.adapterFor(config) : this.livePaper().adapterFor(account, config);
  }

  async forAccount(account: Account, market: MarketKindName): Promise<VenueAdapter> {
    return account.feed === undefined ? this.world.venue(account.id, market) : this.livePaper().forAccount(account);
  }

  /** The simulated market's mid, or a live-data account's feed (while one is open). */
  reference(account: Account, symbol: string): string | undefined {
    if (account.feed !== undefined) {
      const mid = this.paperLive?.mid(account.id, symbol);
      return mid === undefined ? undefined : fx.format(mid);
    }
    const exchange = this.world.exchange;
    if (!exchange.instruments().some((i) => i.symbol === symbol)) return undefined;
    const mid = exchange.mid(symbol);
    return mid === undefined ? undefined : fx.format(mid);
  }

  async refresh(accountId: string): Promise<void> {
    await this.paperLive?.refresh(accountId);
  }

  async closeAll(): Promise<void> {
    await this.paperLive?.closeAll();
    await this.world.closeAll();
  }

  private livePaper(): PaperLiveWorlds {
    if (this.paperLive === undefined) throw new EngineError('NOT_SUPPORTED', 'paper accounts on live market data are not available in this build');
    return this.paperLive;
  }
}
