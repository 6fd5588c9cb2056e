// What the API accepts for a paper account (venue "sim": it only ever runs paper bots and sends
// no order anywhere): never live, no keys; with a feed, the live market data of a venue, which
// has its own rules. Each rule names the field to change.
import type { AccountFeed, FieldError, MarketKindName } from '@mm/core';

export interface PaperAccountInput {
  readonly venue: string;
  readonly market: MarketKindName;
  readonly live: boolean;
  readonly credentials: Readonly<Record<string, string>>;
  readonly baseUrls?: Readonly<Record<string, string>> | undefined;
  readonly feed?: AccountFeed | undefined;
}

/** Base URL names an Asterdex feed reads (ccxt: entries of its urls.api, any name). */
const ASTER_URL_NAMES = ['rest', 'ws'];

export function paperAccountIssues(body: PaperAccountInput): FieldError[] {
  if (body.venue !== 'sim') {
    if (body.feed === undefined) return [];
    return [{ path: 'feed', message: `live market data is for paper accounts: choose venue "sim" (Paper — live market data) or leave the feed out for a ${body.venue} account` }];
  }
  const issues: FieldError[] = [];
  if (body.live) issues.push({ path: 'live', message: 'a paper account never trades live; for real orders add the venue itself with API keys' });
  if (Object.values(body.credentials).some((v) => v.trim() !== '')) {
    issues.push({ path: 'credentials', message: 'a paper account needs no keys: live market data comes from the venue\'s public streams, read without credentials' });
  }
  if (body.feed === undefined) return issues;
  if (body.feed.venue === 'ccxt' && body.market !== 'spot') issues.push({ path: 'market', message: 'ccxt feeds are spot markets; choose market "spot"' });
  if (body.feed.venue === 'asterdex') {
    for (const name of Object.keys(body.baseUrls ?? {})) {
      if (!ASTER_URL_NAMES.includes(name)) issues.push({ path: `baseUrls.${name}`, message: `Asterdex feeds take rest= and ws= overrides, not ${name}=` });
    }
  }
  return issues;
}
