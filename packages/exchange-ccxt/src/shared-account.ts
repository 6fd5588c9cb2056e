// Limits belong to the account (and its IP), not to one adapter: bots sharing an account share
// ccxt's request throttle and the pause a 429 or ban imposes. Entries live while an adapter
// of the account is connected.
import { RateLimiter } from '@mm/exchange';
import type { Clock } from '@mm/core';

export interface SharedAccount {
  readonly limiter: RateLimiter;
  /** ccxt's Throttler of the first instance; later instances of the account use the same one. */
  throttler: unknown;
  refs: number;
}

const accounts = new Map<string, SharedAccount>();

export function acquireShared(key: string, clock: Clock, name: string): SharedAccount {
  let entry = accounts.get(key);
  if (entry === undefined) {
    // no pools: ccxt's throttler paces requests; this one holds them during a 429 pause or ban
    // and lets cancels go first
    entry = { limiter: new RateLimiter({ clock, name, pools: [] }), throttler: undefined, refs: 0 };
    accounts.set(key, entry);
  }
  entry.refs++;
  return entry;
}

export function releaseShared(key: string): void {
  const entry = accounts.get(key);
  if (entry === undefined) return;
  entry.refs--;
  if (entry.refs <= 0) accounts.delete(key);
}
