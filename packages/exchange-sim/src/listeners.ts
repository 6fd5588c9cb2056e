// What the simulated exchange tells its listeners, and what it remembers for tracked accounts.
import type { Balance, CashFlow, Fill, MarkPriceUpdate, Position, PublicTrade, VenueOrder } from '@mm/core';

export interface SimRiskEvent {
  readonly kind: 'margin_call' | 'liquidation' | 'adl';
  readonly symbol?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AccountListener {
  order?(order: VenueOrder): void;
  fill?(fill: Fill): void;
  /**
   * `cashFlow` is set when the change was money moving without a trade (a funding payment, a
   * deposit): one event names both the new balances and their cause, as a venue's account
   * update does.
   */
  balances?(balances: Balance[], cashFlow?: CashFlow): void;
  position?(position: Position): void;
  risk?(event: SimRiskEvent): void;
}

export interface PublicListener {
  trade?(trade: PublicTrade): void;
  mark?(update: MarkPriceUpdate): void;
}

/** Closed orders and fills of a tracked account, for order queries and fill history. */
export interface TrackedHistory {
  readonly orders: Map<string, VenueOrder>;
  readonly clientIndex: Map<string, string>;
  readonly fills: Fill[];
}
