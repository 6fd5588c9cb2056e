// Where a paper account's live market comes from: its feed (Asterdex, or a ccxt exchange), its
// market kind and its base URL overrides, turned into what the recorder's keyless market
// sources take. One place decides the URLs, for the stream and for the instrument list alike.
import { EngineError } from '@mm/core';
import type { AccountFeed, Clock, MarketKindName, Rng } from '@mm/core';
import type { AsterStreamOptions, AsterUrls } from '@mm/exchange-asterdex';
import type { Account } from '@mm/storage';
import type { SourceDeps, SourceSpec } from '../record/market-sources.ts';
import { ccxtApiUrls } from '@mm/runner';

export interface PaperFeedAccount {
  readonly id: string;
  readonly name: string;
  readonly market: MarketKindName;
  readonly feed: AccountFeed;
  readonly baseUrls: Readonly<Record<string, string>>;
}

/** The account as a live-data paper account; undefined for every other account. */
export function paperFeedAccount(account: Account): PaperFeedAccount | undefined {
  if (account.venue !== 'sim' || account.feed === undefined) return undefined;
  return { id: account.id, name: account.name, market: account.market, feed: account.feed, baseUrls: account.baseUrls };
}

/** "Asterdex perp", "ccxt binance spot": how the feed is named in messages. */
export function feedLabel(account: PaperFeedAccount): string {
  const venue = account.feed.venue === 'ccxt' ? `ccxt ${account.feed.exchange ?? '?'}` : 'Asterdex';
  return `${venue} ${account.market}`;
}

export function asterUrls(account: PaperFeedAccount): AsterUrls | undefined {
  const { rest, ws } = account.baseUrls;
  if (rest === undefined && ws === undefined) return undefined;
  return { ...(rest === undefined ? {} : { rest }), ...(ws === undefined ? {} : { ws }) };
}

/** The recorder's source spec for one symbol of the account's feed. */
export function sourceSpec(account: PaperFeedAccount, symbol: string): SourceSpec {
  if (account.feed.venue === 'asterdex') return { venue: 'asterdex', symbol, market: account.market };
  if (account.feed.exchange === undefined) throw new EngineError('INVALID_CONFIG', `account ${account.name} names no ccxt exchange`);
  return { venue: `ccxt:${account.feed.exchange}`, symbol, market: 'spot' };
}

export interface FeedTuning {
  /** Asterdex stream settings (tests: quick reconnects). */
  readonly asterStreams?: AsterStreamOptions;
}

export function sourceDeps(account: PaperFeedAccount, clock: Clock, rng: Rng, tuning: FeedTuning = {}): SourceDeps {
  const aster = asterUrls(account);
  const hasUrls = Object.keys(account.baseUrls).length > 0;
  return {
    clock,
    rng,
    ...(aster === undefined ? {} : { asterUrls: aster }),
    ...(tuning.asterStreams === undefined ? {} : { asterStreams: tuning.asterStreams }),
    ...(account.feed.venue === 'ccxt' && hasUrls ? { ccxt: { urls: { api: ccxtApiUrls(account.baseUrls) } } } : {}),
  };
}
