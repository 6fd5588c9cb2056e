// The symbols a live-data paper account can trade: the feed venue's own instrument list (tick,
// lot, minimum notional), read from its public endpoints without keys and kept for a minute.
// The bot form lists them; a bot's market is added to the paper world from them.
import { EngineError, Rng } from '@mm/core';
import type { Clock, Instrument } from '@mm/core';
import { CcxtSpotAdapter } from '@mm/exchange-ccxt';
import { asterInstrument, asterPublic } from '../record/market-sources.ts';
import { asterUrls, feedLabel, sourceDeps } from './feed-source.ts';
import type { PaperFeedAccount } from './feed-source.ts';

const KEEP_MS = 60_000;

interface Cached {
  /** The account as it was asked for: a changed feed or URL reads the list again. */
  readonly key: string;
  readonly at: number;
  readonly list: Promise<readonly Instrument[]>;
}

export class FeedCatalog {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly clock: Clock) {}

  async instruments(account: PaperFeedAccount): Promise<readonly Instrument[]> {
    const key = JSON.stringify([account.feed.venue, account.feed.exchange, account.market, account.baseUrls]);
    const cached = this.cache.get(account.id);
    if (cached !== undefined && cached.key === key && this.clock.now() - cached.at < KEEP_MS) return cached.list;
    const list = this.load(account);
    this.cache.set(account.id, { key, at: this.clock.now(), list });
    // a failure is not kept: the next call asks again
    list.catch(() => this.cache.get(account.id)?.list === list && this.cache.delete(account.id));
    return list;
  }

  async instrument(account: PaperFeedAccount, symbol: string): Promise<Instrument> {
    const list = await this.instruments(account);
    const found = list.find((i) => i.symbol === symbol);
    if (found !== undefined) return found;
    const hint = list.slice(0, 6).map((i) => i.symbol).join(', ');
    throw new EngineError('UNKNOWN_SYMBOL', `${symbol} is not a ${account.market} market on ${feedLabel(account)}${hint === '' ? '' : ` (for example: ${hint})`}`);
  }

  forget(accountId: string): void {
    this.cache.delete(accountId);
  }

  private async load(account: PaperFeedAccount): Promise<readonly Instrument[]> {
    if (account.feed.venue === 'asterdex') {
      const { symbols } = await asterPublic(account.market, this.clock, asterUrls(account));
      return symbols.map((s) => asterInstrument(s, account.market)).filter((i) => i !== undefined);
    }
    const rng = new Rng(`paper-live:catalog:${account.id}`);
    const deps = sourceDeps(account, this.clock, rng);
    const adapter = new CcxtSpotAdapter({ ...deps.ccxt, exchangeId: account.feed.exchange ?? '', credentials: {}, marketDataOnly: true, clock: this.clock, rng });
    try {
      await adapter.connect();
      return await adapter.instruments();
    } finally {
      await adapter.close();
    }
  }
}
