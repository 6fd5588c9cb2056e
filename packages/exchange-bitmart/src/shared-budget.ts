// BitMart counts order entry per account and queries per key, not per connection. Adapters in
// one process that use the same key (two bots on one account) therefore share one rate limiter
// and one cancel-all pacer, found here by base URL and key.
import type { Clock } from '@mm/core';
import type { RateLimiter } from '@mm/exchange';
import { CancelAllPacer } from './cancel-all-pacer.ts';
import { createBitmartLimiter } from './client.ts';
import { CANCEL_ALL_MIN_INTERVAL_MS } from './endpoints.ts';

export interface SharedBudget {
  readonly limiter: RateLimiter;
  readonly cancelAll: CancelAllPacer;
}

const budgets = new Map<string, SharedBudget>();

export function sharedBudget(restUrl: string, apiKey: string, clock: Clock): SharedBudget {
  const key = `${restUrl}|${apiKey}`;
  let budget = budgets.get(key);
  if (budget === undefined) {
    budget = { limiter: createBitmartLimiter(clock), cancelAll: new CancelAllPacer(clock, CANCEL_ALL_MIN_INTERVAL_MS) };
    budgets.set(key, budget);
  }
  return budget;
}

/** Forgets the budget of a key (tests; a process that rotates keys). */
export function releaseSharedBudget(restUrl: string, apiKey: string): void {
  budgets.delete(`${restUrl}|${apiKey}`);
}
