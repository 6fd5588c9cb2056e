// What the simulated exchange tells its listeners, and what it remembers for tracked accounts.
import type { Balance, Fill, MarkPriceUpdate, Position, PublicTrade, VenueOrder } from '@mm/core';

export interface SimRiskEvent {
  readonly kind: 'margin_call' | 'liquidation' | 'adl';
  readonly symbol?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AccountListener {
  order?(order: VenueOrder): void;
  fill?(fill: Fill): void;
  balances?(balances: Balance[]): void;
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
